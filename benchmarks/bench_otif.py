"""On-time-in-full delivery: the addon's OTIF report against a raw SQL aggregate, and the nightly delivery cron.

(a) The report. Baseline: one hand-written query over the raw tables, not the addon's stored outcome: the goods
lines (product type consu) of confirmed orders; per order, the open steps towards the customer (pickings not
incoming, neither done nor cancelled) and the last done delivery (``stock_picking``); the delivered quantity of
each line from its done stock moves to (minus from) a customer location, in the line's unit (``stock_move``);
days counted in the salesperson's time zone, else the company's. The promise is the order's delivery date
(``commitment_date``), else the promise Odoo computed at confirmation (kept only in
``sales_admin_promised_date``). An order delivered by its promised day is on time; open after it, late. Grouped
by month of the promised date (in the user's time zone) x salesperson, then by product category: OTIF, on-time and
in-full rates (%), average days late, lines.
Measured: ``sales_admin.otif.report._read_group`` with the same groups and measures, as the administrator (record
rules apply), the ORM cache emptied before each run. Check: the same groups and figures (to 0.01), or exit 1.
Also, for the month x salesperson read: the same aggregate written in SQL straight over the stored outcome, to
tell the ORM's share from the view's.

(b) ``sale.order._cron_sales_admin_delivery_late`` end to end (batches of 1000), run first (the thread's
``testing`` flag keeps it in one transaction; the benchmark's transaction is rolled back at the end): wall time,
orders, queries in all and per batch. Baseline: the raw outcome query above for the same orders. Check: the cron
leaves each order with the delivery state and days late of the raw query, or exit 1. The report is read after
the cron, as it is every morning: until the cron runs, orders whose promised day ended since its last run are not
counted late yet.
"""

import math
import sys
import threading
import time
from datetime import datetime

from _common import environment, line, measure, parse_args, timing_lines

from odoo.tools import SQL

NAME = "otif"
CRON_BATCH = 1000
MEASURES = ["otif:avg", "on_time:avg", "in_full:avg", "days_late:avg", "__count"]


def raw_lines_sql(company_ids, order_ids=None):
    """One row per goods line of a confirmed order, with its outcome computed from the raw tables."""
    return SQL(
        """
        WITH goods_order AS (
            SELECT so.id, so.user_id,
                   coalesce(so.commitment_date, so.sales_admin_promised_date) AS promised,
                   coalesce(nullif(user_partner.tz, ''), nullif(company_partner.tz, ''), 'UTC') AS tz
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
              JOIN res_partner company_partner ON company_partner.id = company.partner_id
         LEFT JOIN res_users salesman ON salesman.id = so.user_id
         LEFT JOIN res_partner user_partner ON user_partner.id = salesman.partner_id
             WHERE so.state = 'sale'
               AND so.company_id IN %(company_ids)s
               AND (%(order_ids)s::int[] IS NULL OR so.id = ANY(%(order_ids)s::int[]))
               AND EXISTS (SELECT 1 FROM sale_order_line l
                             JOIN product_product pp ON pp.id = l.product_id
                             JOIN product_template pt ON pt.id = pp.product_tmpl_id
                            WHERE l.order_id = so.id AND pt.type = 'consu')
        ), steps AS (
            SELECT p.sale_id,
                   max(p.scheduled_date) FILTER (WHERE t.code <> 'incoming' AND p.state NOT IN ('done', 'cancel'))
                       AS open_date,
                   max(p.date_done) FILTER (WHERE t.code = 'outgoing' AND p.state = 'done') AS done_date
              FROM stock_picking p
              JOIN stock_picking_type t ON t.id = p.picking_type_id
             WHERE p.sale_id IN (SELECT id FROM goods_order)
          GROUP BY p.sale_id
        ), dated AS (
            SELECT o.id, o.user_id, o.promised, o.tz,
                   steps.open_date IS NULL AND steps.done_date IS NOT NULL AS delivered,
                   timezone(o.tz, timezone('UTC', o.promised))::date AS promised_day,
                   timezone(o.tz, timezone('UTC', coalesce(steps.open_date, steps.done_date)))::date AS projected_day,
                   timezone(o.tz, now())::date AS today
              FROM goods_order o
         LEFT JOIN steps ON steps.sale_id = o.id
             WHERE o.promised IS NOT NULL
        ), outcome AS (
            SELECT d.id, d.user_id, d.promised,
                   CASE
                       WHEN d.delivered AND d.projected_day > d.promised_day THEN 'delivered_late'
                       WHEN d.delivered THEN 'delivered_on_time'
                       WHEN d.today > d.promised_day THEN 'late'
                   END AS state,
                   CASE
                       WHEN d.delivered THEN GREATEST(d.projected_day - d.promised_day, 0)
                       ELSE GREATEST(d.today, coalesce(d.projected_day, d.today)) - d.promised_day
                   END AS days_late
              FROM dated d
             WHERE d.delivered OR d.today > d.promised_day
        ), delivered_qty AS (
            SELECT m.sale_line_id,
                   sum(CASE WHEN dest.usage = 'customer' THEN 1 ELSE -1 END
                       * m.quantity / move_uom.factor * line_uom.factor) AS qty
              FROM stock_move m
              JOIN sale_order_line l ON l.id = m.sale_line_id
              JOIN uom_uom move_uom ON move_uom.id = m.product_uom
              JOIN uom_uom line_uom ON line_uom.id = l.product_uom
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
             WHERE m.state = 'done'
               AND (dest.usage = 'customer') <> (src.usage = 'customer')
               AND l.order_id IN (SELECT id FROM outcome)
          GROUP BY m.sale_line_id
        )
        SELECT oc.id AS order_id, oc.user_id, oc.promised, oc.state, oc.days_late, pt.categ_id,
               CASE WHEN oc.state = 'delivered_on_time' THEN 100.0 ELSE 0.0 END AS on_time,
               CASE WHEN round(coalesce(dq.qty, 0)::numeric, 2) >= l.product_uom_qty THEN 100.0 ELSE 0.0 END
                   AS in_full
          FROM outcome oc
          JOIN sale_order_line l ON l.order_id = oc.id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
     LEFT JOIN delivered_qty dq ON dq.sale_line_id = l.id
         WHERE pt.type = 'consu' AND l.display_type IS NULL
        """,
        company_ids=tuple(company_ids),
        order_ids=order_ids,
    )


def raw_sql(env, group_sql):
    """The raw lines of the user's companies (the report's company rule) grouped by ``group_sql``."""
    return env.execute_query(
        SQL(
            """
            WITH otif_line AS (%(lines)s)
            SELECT %(group)s,
                   avg(CASE WHEN on_time = 100 AND in_full = 100 THEN 100.0 ELSE 0.0 END),
                   avg(on_time), avg(in_full), avg(days_late), count(*)
              FROM otif_line
          GROUP BY %(group)s
            """,
            lines=raw_lines_sql(env.companies.ids),
            group=group_sql,
        )
    )


def sql_by_month_user(env):
    return raw_sql(
        env,
        SQL(
            "date_trunc('month', timezone(%s, timezone('UTC', promised)))::date, user_id",
            env.context.get("tz") or "UTC",
        ),
    )


def stored_sql_by_month_user(env):
    """The same aggregate straight over the addon's stored outcome (no ORM): what the report itself costs."""
    return env.execute_query(
        SQL(
            """
            SELECT date_trunc('month', timezone(%(tz)s, timezone('UTC', so.sales_admin_promised_date)))::date,
                   so.user_id,
                   avg(CASE WHEN so.sales_admin_delivery_state = 'delivered_on_time'
                             AND l.qty_delivered >= l.product_uom_qty THEN 100.0 ELSE 0.0 END),
                   avg(CASE WHEN so.sales_admin_delivery_state = 'delivered_on_time' THEN 100.0 ELSE 0.0 END),
                   avg(CASE WHEN l.qty_delivered >= l.product_uom_qty THEN 100.0 ELSE 0.0 END),
                   avg(so.sales_admin_days_late), count(*)
              FROM sale_order_line l
              JOIN sale_order so ON so.id = l.order_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE so.state = 'sale'
               AND so.sales_admin_delivery_state IN ('delivered_on_time', 'delivered_late', 'late')
               AND l.display_type IS NULL AND pt.type = 'consu' AND so.company_id IN %(company_ids)s
          GROUP BY 1, 2
            """,
            tz=env.context.get("tz") or "UTC",
            company_ids=tuple(env.companies.ids),
        )
    )


def sql_by_category(env):
    return raw_sql(env, SQL("categ_id"))


def orm_by_month_user(env):
    return env["sales_admin.otif.report"]._read_group([], ["date:month", "user_id"], MEASURES)


def orm_by_category(env):
    return env["sales_admin.otif.report"]._read_group([], ["categ_id"], MEASURES)


def as_key(value):
    if isinstance(value, datetime):
        return value.date()
    if hasattr(value, "_name"):
        return value.id or None
    return value


def compare(name, expected_rows, got_rows, width):
    expected = {tuple(as_key(v) for v in row[:width]): [float(v) for v in row[width:]] for row in expected_rows}
    got = {tuple(as_key(v) for v in row[:width]): [float(v or 0.0) for v in row[width:]] for row in got_rows}
    differences = {
        key: (expected.get(key), got.get(key))
        for key in expected.keys() | got.keys()
        if key not in expected
        or key not in got
        or any(abs(a - b) >= 0.01 for a, b in zip(expected[key], got[key], strict=True))
    }
    if differences:
        line(
            f"{name}.check",
            f"FAILED: {len(differences)} groups differ, e.g. {sorted(differences.items(), key=str)[:3]}",
        )
        sys.exit(1)
    lines = sum(values[-1] for values in got.values())
    otif = sum(values[0] * values[-1] for values in got.values()) / lines if lines else 0.0
    line(f"{name}.check", f"same {len(got)} groups and figures ({lines:.0f} lines, OTIF {otif:.2f} %)")


def bench_report(env, args):
    sql = measure(env, lambda: sql_by_month_user(env), runs=args.runs)
    orm = measure(env, lambda: orm_by_month_user(env), runs=args.runs)
    line(f"{NAME}.pivot.groups", f"{len(orm.result)} (month x salesperson)")
    timing_lines(f"{NAME}.pivot", sql, orm)
    compare(f"{NAME}.pivot", sql.result, orm.result, 2)
    stored = measure(env, lambda: stored_sql_by_month_user(env), runs=args.runs)
    line(f"{NAME}.pivot.stored_sql_ms", stored.ms, "ms (the same aggregate in SQL over the stored outcome)")
    line(f"{NAME}.pivot.orm_to_stored_sql", orm.ms / stored.ms if stored.ms else 0.0, "x")
    compare(f"{NAME}.pivot.stored", stored.result, orm.result, 2)

    sql = measure(env, lambda: sql_by_category(env), runs=args.runs)
    orm = measure(env, lambda: orm_by_category(env), runs=args.runs)
    line(f"{NAME}.category.groups", f"{len(orm.result)} (product category)")
    timing_lines(f"{NAME}.category", sql, orm)
    compare(f"{NAME}.category", sql.result, orm.result, 1)


def bench_cron(env, args):
    Order = env["sale.order"].sudo()
    order_ids = Order.search(Order._get_sales_admin_late_crossing_domain(), order="id").ids
    line(f"{NAME}.cron.orders", f"{len(order_ids)} (crossing their promised day or still late)")
    raw_outcome = SQL(
        "SELECT order_id, state, days_late FROM (%s) raw GROUP BY order_id, state, days_late",
        raw_lines_sql(env["res.company"].sudo().search([]).ids, order_ids),
    )
    raw = measure(env, lambda: env.execute_query(raw_outcome), runs=args.runs)
    timings, queries = [], 0
    runs = max(args.cron_runs, 1)
    for run in range(runs):
        env.cr.execute("SAVEPOINT bench_otif_cron")
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        done = Order._cron_sales_admin_delivery_late(batch_size=CRON_BATCH)
        env.flush_all()
        timings.append(time.perf_counter() - start)
        queries = env.cr.sql_log_count - before
        after = env.execute_query(
            SQL(
                "SELECT id, sales_admin_delivery_state, sales_admin_days_late FROM sale_order WHERE id = ANY(%s)",
                order_ids,
            )
        )
        if run < runs - 1:
            # the last run stays: the report is read after it, as every morning (the whole is rolled back)
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_otif_cron")
        env.invalidate_all()
    cron_ms = sorted(timings)[len(timings) // 2] * 1000
    batches = max(math.ceil(done / CRON_BATCH), 1)
    line(f"{NAME}.cron.sql_ms", raw.ms, "ms", is_baseline=True)
    line(f"{NAME}.cron.orm_ms", cron_ms, "ms", baseline=raw.ms)
    line(f"{NAME}.cron.runs", len(timings))
    line(f"{NAME}.cron.rate", done / (cron_ms / 1000) if cron_ms else 0.0, "orders/s")
    line(f"{NAME}.cron.queries", queries)
    line(f"{NAME}.cron.queries_per_batch", queries / batches, f"(batches of {CRON_BATCH}, {batches})")
    # the raw query only knows the outcomes it reports (late, delivered); before the promised day: not in it
    expected = {order_id: (state, days_late) for order_id, state, days_late in raw.result}
    got = {order_id: (state, days_late) for order_id, state, days_late in after}
    differences = {
        order_id: (expected.get(order_id), got[order_id])
        for order_id in got
        if (order_id in expected and expected[order_id] != got[order_id])
        or (order_id not in expected and got[order_id][0] in ("late", "delivered_on_time", "delivered_late"))
    }
    if differences:
        line(f"{NAME}.cron.check", f"FAILED: {len(differences)} orders differ, e.g. {sorted(differences.items())[:3]}")
        sys.exit(1)
    line(f"{NAME}.cron.check", f"same outcome for the {len(got)} orders ({len(expected)} late or delivered)")


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--cron-runs", type=int, default=1, help="timed runs of the cron, each rolled back (default %(default)s)"
        )

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    # the cron commits per batch outside tests: this flag (what Odoo's test runner sets) keeps all in one transaction
    threading.current_thread().testing = True
    with environment(args.database) as env:
        lines, orders, pickings, moves = env.execute_query(
            SQL(
                """SELECT count(*), count(DISTINCT so.id),
                          (SELECT count(*) FROM stock_picking), (SELECT count(*) FROM stock_move)
                     FROM sale_order_line l JOIN sale_order so ON so.id = l.order_id
                    WHERE so.state = 'sale' AND l.display_type IS NULL"""
            )
        )[0]
        line(f"{NAME}.rows", f"{lines} order lines in {orders} confirmed orders, {pickings} pickings, {moves} moves")
        env.flush_all()
        # the cron first: the stored outcome of the orders whose promised day has just passed is brought to today,
        # then the report is read; all is rolled back at the end
        bench_cron(env, args)
        bench_report(env, args)


if __name__ == "__main__":
    main()
