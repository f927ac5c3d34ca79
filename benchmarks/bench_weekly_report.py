"""The weekly report's pivot (week x salesperson) against a raw SQL aggregate of the same figures; snapshot cron.

Measured: what the pivot asks, ``sales_admin.weekly.report._read_group([], ['week_label', 'user_id'], [the
measures of the report's pivot view, 'x:sum' each])``, then the same with all 18 measures, as the administrator
(record rules apply), the ORM cache emptied before each run.
Baseline: one hand-written query over the documents, written from the issue's definitions and not from the view,
each source summed per day and salesperson, then all of them per company week and salesperson:
  - ordered: confirmed orders (``state = 'sale'``), product lines, untaxed in company currency
    (``price_subtotal / currency_rate``), on the day of ``date_order`` in the company's time zone;
  - invoiced: posted customer invoices minus credit notes, product lines (``-balance``: company currency), on
    ``invoice_date``, salesperson ``invoice_user_id``;
  - collected: customer payments (moves of an ``account.payment``) reconciled with posted customer invoices
    (``account_partial_reconcile``, invoice receivable line x payment line), on ``max_date``, the invoice's
    salesperson;
  - targets: the weekly lines of the active targets (``sales_admin_target_line``); snapshot: the snapshot lines;
  - variance = actual - target; attainment = 100 x actual / target of the group, rounded to 0.1 %; last year: the
    figures of week ``Www`` of the year before (none from a week 53).
  Weeks begin on the first weekday of the company's language and are labelled ``IYYY-Www``.
Check: the same groups with the same figures, to the cent (attainments to 0.1 %); exit 1 otherwise.
With ``--jit-off``, both again with PostgreSQL's JIT compilation off for the transaction (``SET LOCAL jit = off``).
Also timed: the snapshot cron (``_cron_take_snapshots``) on the database as it is (the last completed week due),
then with ``--catch-up`` weeks due (a snapshot header written that many weeks back first), each once in a
savepoint rolled back; and, for scale, Odoo's ``sale.report`` grouped by week and salesperson against its own raw
SQL (bench_sales_weekly.py).
"""

import sys
import threading
import time
from datetime import timedelta

from _common import environment, line, measure, parse_args, timing_lines
from bench_sales_weekly import orm_weekly, sql_weekly
from lxml import etree

from odoo import fields
from odoo.tools import SQL

NAME = "weekly_report"
ACTUALS = ("ordered", "invoiced", "collected")
MEASURES = [
    *ACTUALS,
    *(f"target_{m}" for m in ACTUALS),
    *(f"variance_{m}" for m in ACTUALS),
    *(f"{m}_last_year" for m in ACTUALS),
    *(f"snapshot_{m}" for m in ACTUALS),
    *(f"attainment_{m}" for m in ACTUALS),
]

# each source summed per company, day (or week start) and salesperson, then all of them per company week
RAW_SQL = """
WITH company_week AS (
    SELECT c.id AS company_id, coalesce(nullif(p.tz, ''), 'UTC') AS tz,
           mod(coalesce(l.week_start, '7')::int + 6, 7) AS first_day  -- 0 = Monday; no language: Sunday (en_US)
      FROM res_company c
      JOIN res_partner p ON p.id = c.partner_id
 LEFT JOIN res_lang l ON l.code = coalesce(p.lang, 'en_US')
),
ordered AS (
    SELECT s.company_id, (timezone(w.tz, timezone('UTC', s.date_order)))::date AS day, s.user_id,
           sum(l.price_subtotal / coalesce(nullif(s.currency_rate, 0), 1)) AS amount
      FROM sale_order_line l
      JOIN sale_order s ON s.id = l.order_id
      JOIN company_week w ON w.company_id = s.company_id
     WHERE s.state = 'sale' AND l.display_type IS NULL AND l.product_id IS NOT NULL
  GROUP BY 1, 2, 3
),
invoiced AS (
    SELECT m.company_id, m.invoice_date AS day, m.invoice_user_id AS user_id, sum(-l.balance) AS amount
      FROM account_move_line l
      JOIN account_move m ON m.id = l.move_id
     WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND l.display_type = 'product'
  GROUP BY 1, 2, 3
),
collected AS (
    SELECT m.company_id, p.max_date AS day, m.invoice_user_id AS user_id, sum(p.amount) AS amount
      FROM account_partial_reconcile p
      JOIN account_move_line il ON il.id = p.debit_move_id
      JOIN account_move m ON m.id = il.move_id
      JOIN account_move_line pl ON pl.id = p.credit_move_id
      JOIN account_move pm ON pm.id = pl.move_id
     WHERE m.state = 'posted' AND m.move_type = 'out_invoice' AND pm.origin_payment_id IS NOT NULL
  GROUP BY 1, 2, 3
),
facts AS (
    SELECT company_id, day, user_id, amount AS ordered, 0::numeric AS invoiced, 0::numeric AS collected,
           0::numeric AS target_ordered, 0::numeric AS target_invoiced, 0::numeric AS target_collected,
           0::numeric AS snapshot_ordered, 0::numeric AS snapshot_invoiced, 0::numeric AS snapshot_collected
      FROM ordered
    UNION ALL
    SELECT company_id, day, user_id, 0, amount, 0, 0, 0, 0, 0, 0, 0 FROM invoiced
    UNION ALL
    SELECT company_id, day, user_id, 0, 0, amount, 0, 0, 0, 0, 0, 0 FROM collected
    UNION ALL
    SELECT t.company_id, t.week_start, t.user_id, 0, 0, 0, t.target_ordered, t.target_invoiced, t.target_collected,
           0, 0, 0
      FROM sales_admin_target_line t
     WHERE t.active
    UNION ALL
    SELECT s.company_id, s.week_start, sl.user_id, 0, 0, 0, 0, 0, 0, sl.ordered, sl.invoiced, sl.collected
      FROM sales_admin_weekly_snapshot_line sl
      JOIN sales_admin_weekly_snapshot s ON s.id = sl.snapshot_id
),
weekly AS (
    SELECT to_char(f.day - mod(extract(isodow FROM f.day)::int - 1 - w.first_day + 7, 7), 'IYYY-"W"IW') AS week,
           f.user_id,
           sum(ordered) AS ordered, sum(invoiced) AS invoiced, sum(collected) AS collected,
           sum(target_ordered) AS target_ordered, sum(target_invoiced) AS target_invoiced,
           sum(target_collected) AS target_collected, sum(snapshot_ordered) AS snapshot_ordered,
           sum(snapshot_invoiced) AS snapshot_invoiced, sum(snapshot_collected) AS snapshot_collected
      FROM facts f
      JOIN company_week w ON w.company_id = f.company_id
     WHERE f.company_id IN %(company_ids)s
  GROUP BY 1, 2
),
last_year AS (
    -- the figures of week W of year Y - 1 are the "last year" of week W of year Y (week 53 has none)
    SELECT (left(week, 4)::int + 1)::text || substr(week, 5) AS week, user_id, ordered, invoiced, collected
      FROM weekly
     WHERE right(week, 2) <> '53'
)
SELECT coalesce(w.week, y.week), coalesce(w.user_id, y.user_id),
       coalesce(w.ordered, 0), coalesce(w.invoiced, 0), coalesce(w.collected, 0),
       coalesce(w.target_ordered, 0), coalesce(w.target_invoiced, 0), coalesce(w.target_collected, 0),
       coalesce(w.ordered, 0) - coalesce(w.target_ordered, 0),
       coalesce(w.invoiced, 0) - coalesce(w.target_invoiced, 0),
       coalesce(w.collected, 0) - coalesce(w.target_collected, 0),
       coalesce(y.ordered, 0), coalesce(y.invoiced, 0), coalesce(y.collected, 0),
       coalesce(w.snapshot_ordered, 0), coalesce(w.snapshot_invoiced, 0), coalesce(w.snapshot_collected, 0),
       round(100 * coalesce(w.ordered, 0) / nullif(w.target_ordered, 0), 1),
       round(100 * coalesce(w.invoiced, 0) / nullif(w.target_invoiced, 0), 1),
       round(100 * coalesce(w.collected, 0) / nullif(w.target_collected, 0), 1)
  FROM weekly w
  FULL JOIN last_year y ON y.week = w.week AND y.user_id IS NOT DISTINCT FROM w.user_id
"""


def sql_pivot(env):
    return env.execute_query(SQL(RAW_SQL, company_ids=tuple(env.companies.ids)))


def pivot_measures(env):
    """The measures of the report's pivot view, in its order."""
    arch = env["sales_admin.weekly.report"].get_views([(False, "pivot")])["views"]["pivot"]["arch"]
    return [node.get("name") for node in etree.fromstring(arch).iter("field") if node.get("type") == "measure"]


def orm_pivot(env, measures):
    return env["sales_admin.weekly.report"]._read_group(
        [], ["week_label", "user_id"], [f"{measure}:sum" for measure in measures]
    )


def compare(sql_rows, orm_rows, measures):
    """Both results as {(week, user_id): {measure: value}} and the groups that differ, with their figures."""
    expected = {
        (row[0], row[1] or False): {
            name: (float(value) if value is not None else None) for name, value in zip(MEASURES, row[2:], strict=True)
        }
        for row in sql_rows
    }
    got = {
        (week, user.id): {
            # 0.0 == False in Python: test identity, or a 0 % attainment would read as none
            name: (None if value is None or value is False else float(value))
            for name, value in zip(measures, values, strict=True)
        }
        for week, user, *values in orm_rows
    }
    differences = {}
    notes = set()
    for key in expected.keys() | got.keys():
        want, have = expected.get(key, {}), got.get(key, {})
        bad = []
        for name in measures:
            a, b = want.get(name), have.get(name)
            if name.startswith("attainment_"):
                # both rounded to 0.1 %, none when the group has no target
                if a == 0.0 and b is None:
                    # a target and no actual figure at all: 0 % expected, the report shows none (a note, not a
                    # wrong figure)
                    notes.add((key, name))
                elif (a is None) != (b is None) or (a is not None and abs(a - b) > 0.051):
                    bad.append((name, a, b))
            elif abs((a or 0.0) - (b or 0.0)) >= 0.005:
                bad.append((name, a, b))
        if bad:
            differences[key] = bad
    return expected, got, differences, notes


def check(name, sql, orm, measures):
    """Print the timings and the check of one read; exit 1 when the figures differ."""
    expected, got, differences, notes = compare(sql.result, orm.result, measures)
    line(f"{name}.measures", f"{len(measures)}: {', '.join(measures)}")
    shown = sum(1 for values in expected.values() if any(values[m] for m in measures))
    line(f"{name}.groups", f"{len(got)} (week x salesperson); raw SQL: {shown} with a figure among these measures")
    timing_lines(name, sql, orm)
    if differences:
        sample = sorted(differences.items(), key=lambda item: (item[0][0], item[0][1] or 0))[:3]
        line(f"{name}.check", f"FAILED: {len(differences)} groups differ, e.g. {sample}")
        sys.exit(1)
    if notes:
        line(
            f"{name}.note",
            f"{len(notes)} attainments of groups with a target and no actual figure: 0 % expected, the report "
            "shows none (SUM of only NULLs)",
        )
    totals = {m: sum((values.get(m) or 0.0) for values in got.values()) for m in ACTUALS if m in measures}
    line(
        f"{name}.check",
        f"same {len(got)} groups and {len(measures)} figures each, to the cent ("
        + ", ".join(f"{m} {total:.2f}" for m, total in totals.items())
        + ")",
    )


def bench_cron(env, catch_up=1):
    """The snapshot cron once, in a savepoint rolled back: time, queries, what it made.

    ``catch_up`` > 1: the weeks before the last completed one are due too (a snapshot header is written
    ``catch_up`` weeks before it first, in the savepoint), as after a cron outage or on the first run of a company.
    """
    # the addon is importable once parse_args has set the addons path
    from odoo.addons.sales_admin_addon.report.sales_admin_weekly_report import week_label  # noqa: PLC0415

    Snapshot = env["sales_admin.weekly.snapshot"].sudo()
    Report = env["sales_admin.weekly.report"]
    env.flush_all()
    env.cr.execute("SAVEPOINT bench_weekly_cron")
    env.invalidate_all()
    if catch_up > 1:
        today = fields.Date.context_today(Snapshot)
        for company in env["res.company"].sudo().search([]):
            last_start, __ = Report._week_bounds(company, today - timedelta(days=7))
            start = last_start - timedelta(days=7 * catch_up)
            env.cr.execute(
                SQL(
                    """INSERT INTO sales_admin_weekly_snapshot (company_id, week_start, week_end, week_label,
                              date_taken)
                       VALUES (%s, %s, %s, %s, now() at time zone 'UTC')""",
                    company.id,
                    start,
                    start + timedelta(days=6),
                    week_label(start),
                )
            )
    snapshots = Snapshot.search_count([])
    snapshot_lines = env["sales_admin.weekly.snapshot.line"].sudo().search_count([])
    before = env.cr.sql_log_count
    start = time.perf_counter()
    Snapshot._cron_take_snapshots()
    env.flush_all()
    seconds = time.perf_counter() - start
    queries = env.cr.sql_log_count - before
    made = Snapshot.search([], order="id desc", limit=max(Snapshot.search_count([]) - snapshots, 1))
    made = made if Snapshot.search_count([]) > snapshots else Snapshot.browse()
    made_lines = env["sales_admin.weekly.snapshot.line"].sudo().search_count([]) - snapshot_lines
    weeks = ", ".join(sorted(s.week_label for s in made))
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_weekly_cron")
    env.invalidate_all()
    name = f"{NAME}.cron" if catch_up == 1 else f"{NAME}.cron_catch_up"
    line(f"{name}_ms", seconds * 1000, "ms")
    line(f"{name}_queries", queries)
    line(f"{name}_made", f"{len(made)} snapshots ({weeks or 'none'}), {made_lines} lines (rolled back)")
    if made:
        line(f"{name}_ms_per_week", seconds * 1000 / len(made), "ms")


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--jit-off", action="store_true", help="time both queries again with PostgreSQL's JIT off (SET LOCAL)"
        )
        parser.add_argument(
            "--catch-up", type=int, default=4, help="weeks due in the second cron run (default %(default)s)"
        )

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    # the cron may commit per batch outside tests: this flag (what Odoo's test runner sets) keeps it in one transaction
    threading.current_thread().testing = True
    with environment(args.database) as env:
        rows = env.execute_query(
            SQL(
                """SELECT (SELECT count(*) FROM sale_order_line l JOIN sale_order s ON s.id = l.order_id
                            WHERE s.state = 'sale' AND l.display_type IS NULL),
                          (SELECT count(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                            WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
                              AND l.display_type = 'product'),
                          (SELECT count(*) FROM account_partial_reconcile),
                          (SELECT count(*) FROM sales_admin_target_line WHERE active),
                          (SELECT count(*) FROM sales_admin_weekly_snapshot_line)"""
            )
        )[0]
        line(
            f"{NAME}.rows",
            f"{rows[0]} confirmed order lines, {rows[1]} invoice and credit note lines, {rows[2]} partial "
            f"reconciliations, {rows[3]} weekly target lines, {rows[4]} snapshot lines",
        )
        measures = pivot_measures(env)
        sql = measure(env, lambda: sql_pivot(env), runs=args.runs)
        orm = measure(env, lambda: orm_pivot(env, measures), runs=args.runs)
        check(NAME, sql, orm, measures)
        orm_all = measure(env, lambda: orm_pivot(env, MEASURES), runs=args.runs)
        check(f"{NAME}.all_measures", sql, orm_all, MEASURES)
        if args.jit_off:
            # PostgreSQL compiles plans this costly with JIT (inlining, optimisation): seconds for both queries
            env.cr.execute("SET LOCAL jit = off")
            sql = measure(env, lambda: sql_pivot(env), runs=args.runs)
            orm = measure(env, lambda: orm_pivot(env, measures), runs=args.runs)
            check(f"{NAME}.jit_off", sql, orm, measures)
            env.cr.execute("SET LOCAL jit TO DEFAULT")

        bench_cron(env)
        bench_cron(env, catch_up=args.catch_up)

        sale_sql = measure(env, lambda: sql_weekly(env), runs=args.runs)
        sale_orm = measure(env, lambda: orm_weekly(env), runs=args.runs)
        timing_lines("sale_report_weekly", sale_sql, sale_orm)


if __name__ == "__main__":
    main()
