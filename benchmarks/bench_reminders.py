"""Payment reminders over 100k overdue invoices: the selection against raw SQL, then a full run of the daily cron.

Run on a database seeded by ``seed_receivables.py`` (100k overdue invoices of 20k customers, four reminder levels
in each of two companies); on a database without reminder levels it says so and stops (``make bench``).

(a) Selection. Due: an open overdue customer invoice (out_invoice, posted, not_paid or partial, not in dispute)
has reached the highest active level of its company whose days after the due date it has passed; it asks for a
reminder when that level is above the last one sent for it (``sales_admin_reminder_level_id``). Per customer
(commercial partner and company): the highest level due and the number of invoices due a higher level.
Baseline: one hand-written SQL query over account_move and sales_admin_reminder_level (each level's window of
due dates joined by range). Measured: the engine's ``sales_admin.reminder._get_due_reminder_query`` (what
``_plan_reminders`` inserts from), and its per-invoice ``_get_due_invoice_query`` for the invoice count. Also:
the same selection written with the ORM's ``_read_group`` (one per level window), as an ORM-only implementation
would do it, and ``_plan_reminders`` itself (the INSERT ... SELECT of the pending reminders), rolled back.
Check: the same customers, levels and invoice counts (and amounts for the read_group variant), or exit 1.
(b) ``sales_admin.reminder._cron_send_reminders(batch_size=--batch-size)`` end to end, in a savepoint rolled back
after the run (the thread's ``testing`` flag keeps the cron from committing per batch): wall time, queries in all,
per batch and per reminder, the process's peak memory, what it made (reminders by channel and state, e-mails
queued in mail.mail, letters rendered by wkhtmltopdf as attachments, activities, invoices whose level was
recorded, collection cases open); then a second run the same day, in the same transaction, which must send
nothing. Compared with OCA ``account_credit_control`` 18.0 (ODOO18_NOTES.md): 218 s, 188,581 queries (2.3 per
line), 1.2 GB.
Check: one reminder per customer of the selection (sent or skipped with a reason), no reminder from the second
run, or exit 1. Debian's wkhtmltopdf (built without the patched Qt) renders one document per run and fails on
more, which the engine's one PDF run per batch needs: with it (``--letters auto``), the run records the letters
instead of rendering them, and ``--letter-sample`` of them are rendered one by one after it (time per letter and
the extrapolation to all of them are printed). The letters' PDF files stay in the filestore after the rollback
(Odoo's garbage collector removes them). wkhtmltopdf fetches the report's style sheets from ``web.base.url``: run
an Odoo server on that address during the benchmark (as the cron runs inside one), else every letter waits for a
refused connection.
"""

import math
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta

from _common import environment, line, measure, parse_args, timing_lines

from odoo import fields
from odoo.tools import SQL

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

NAME = "reminders"
OPEN_STATES = ("not_paid", "partial")


def selection_sql(today, company_ids):
    """Per company and customer: the highest level due, the invoices due a higher level and their open amount.

    Each level's window (its days up to the next level's) joined by range to the invoices' due dates."""
    return SQL(
        """
        WITH levels AS (
            SELECT company_id, days_after_due AS days,
                   lead(days_after_due) OVER (PARTITION BY company_id ORDER BY days_after_due) AS next_days
              FROM sales_admin_reminder_level
             WHERE active AND company_id IN %(company_ids)s
        )
        SELECT m.company_id, m.commercial_partner_id, max(l.days), count(*), sum(m.amount_residual_signed)
          FROM account_move m
          JOIN levels l ON l.company_id = m.company_id
                       AND m.invoice_date_due <= %(today)s - l.days
                       AND (l.next_days IS NULL OR m.invoice_date_due > %(today)s - l.next_days)
     LEFT JOIN sales_admin_reminder_level sent ON sent.id = m.sales_admin_reminder_level_id
         WHERE m.move_type = 'out_invoice'
           AND m.state = 'posted'
           AND m.payment_state IN %(open_states)s
           AND m.company_id IN %(company_ids)s
           AND m.sales_admin_in_dispute IS NOT TRUE
           AND l.days > coalesce(sent.days_after_due, 0)
      GROUP BY m.company_id, m.commercial_partner_id
        """,
        today=today,
        company_ids=tuple(company_ids),
        open_states=OPEN_STATES,
    )


def selection_orm(env, today):
    """The same selection with ``_read_group``: per level, the invoices of its window whose last level is lower."""
    levels = env["sales_admin.reminder.level"].search([], order="company_id, days_after_due")
    by_company = defaultdict(list)
    for level in levels:
        by_company[level.company_id].append(level)
    result = {}
    Move = env["account.move"]
    for company, company_levels in by_company.items():
        for index, level in enumerate(company_levels):
            following = company_levels[index + 1] if index + 1 < len(company_levels) else None
            domain = [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_STATES),
                ("sales_admin_in_dispute", "=", False),
                ("invoice_date_due", "<=", today - timedelta(days=level.days_after_due)),
                "|",
                ("sales_admin_reminder_level_id", "=", False),
                ("sales_admin_reminder_level_id.days_after_due", "<", level.days_after_due),
            ]
            if following:
                domain.append(("invoice_date_due", ">", today - timedelta(days=following.days_after_due)))
            for partner, count, amount in Move._read_group(
                domain, ["commercial_partner_id"], ["__count", "amount_residual_signed:sum"]
            ):
                key = (company.id, partner.id)
                days, total_count, total_amount = result.get(key, (0, 0, 0.0))
                result[key] = (max(days, level.days_after_due), total_count + count, total_amount + amount)
    return result


def wkhtmltopdf_patched():
    """Whether wkhtmltopdf is built with the patched Qt (several documents per run, headers and footers)."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return False
    return "patched qt" in version.lower()


def rss_kb():
    """The process's resident memory now, in kB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def run_counts(env):
    """What a reminder run leaves: reminders by channel and state, mails, letters, activities, invoice levels."""
    return env.execute_query_dict(
        SQL(
            """
            SELECT (SELECT count(*) FROM sales_admin_reminder) AS reminders,
                   (SELECT count(*) FROM sales_admin_reminder WHERE state = 'sent' AND channel = 'email') AS email,
                   (SELECT count(*) FROM sales_admin_reminder WHERE state = 'sent' AND channel = 'letter') AS letter,
                   (SELECT count(*) FROM sales_admin_reminder WHERE state = 'sent' AND channel = 'phone') AS phone,
                   (SELECT count(*) FROM sales_admin_reminder WHERE state = 'skipped') AS skipped,
                   (SELECT count(*) FROM sales_admin_reminder WHERE state = 'pending') AS pending,
                   (SELECT count(*) FROM mail_mail mail JOIN mail_message message ON message.id = mail.mail_message_id
                     WHERE message.model = 'sales_admin.reminder') AS mails,
                   (SELECT count(*) FROM ir_attachment
                     WHERE res_model = 'sales_admin.reminder' AND mimetype = 'application/pdf') AS letters,
                   (SELECT count(*) FROM mail_activity
                     WHERE res_model IN ('sales_admin.reminder', 'sales_admin.collection.case')) AS activities,
                   (SELECT count(*) FROM sales_admin_collection_case WHERE state = 'open') AS cases,
                   (SELECT count(*) FROM account_move WHERE sales_admin_reminder_level_id IS NOT NULL) AS leveled
            """
        )
    )[0]


def rolled_back(env, func):
    env.cr.execute("SAVEPOINT bench_reminders")
    try:
        return func()
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_reminders")
        env.invalidate_all()


def bench_selection(env, args, companies, today, levels):
    """(a): the selection, its baseline and checks: ``(expected per customer, invoices due, baseline ms)``."""
    Reminder = env["sales_admin.reminder"]
    # (a) the selection
    sql = measure(env, lambda: env.execute_query(selection_sql(today, companies.ids)), runs=args.runs)
    engine = measure(
        env, lambda: env.execute_query(Reminder._get_due_reminder_query(today, companies.ids)), runs=args.runs
    )
    engine_lines = measure(
        env,
        lambda: env.execute_query(
            SQL(
                "SELECT company_id, partner_id, count(*) FROM (%s) due WHERE due_days > sent_days GROUP BY 1, 2",
                Reminder._get_due_invoice_query(today, companies.ids),
            )
        ),
        runs=args.runs,
    )
    read_group = measure(env, lambda: selection_orm(env, today), runs=args.runs)
    plan = measure(env, lambda: rolled_back(env, lambda: Reminder._plan_reminders(today)), runs=args.runs)

    expected = {
        (company_id, partner_id): (days, count, amount) for company_id, partner_id, days, count, amount in sql.result
    }
    level_days = {level.id: level.days_after_due for level in levels}
    engine_levels = {
        (company_id, partner_id): level_days[level_id] for company_id, partner_id, level_id in engine.result
    }
    engine_counts = {(company_id, partner_id): count for company_id, partner_id, count in engine_lines.result}
    per_level = defaultdict(int)
    for days, _count, _amount in expected.values():
        per_level[days] += 1
    due_invoices = sum(count for _days, count, _amount in expected.values())
    line(
        f"{NAME}.selection",
        f"{len(expected)} customers due a reminder, {due_invoices} invoices due a higher level "
        f"(customers per level: {', '.join(f'{d} d {n}' for d, n in sorted(per_level.items()))})",
    )
    timing_lines(f"{NAME}.selection", sql, engine)
    line(f"{NAME}.selection.invoices_ms", engine_lines.ms, "ms", baseline=sql.ms)
    line(f"{NAME}.selection.read_group_ms", read_group.ms, "ms", baseline=sql.ms)
    line(f"{NAME}.selection.read_group_queries", read_group.queries)
    line(f"{NAME}.plan_ms", plan.ms, "ms", baseline=sql.ms)
    line(f"{NAME}.plan_reminders", len(plan.result), baseline=len(expected))
    failures = []
    if engine_levels != {key: days for key, (days, _c, _a) in expected.items()}:
        failures.append(f"the engine's customers or levels differ ({len(engine_levels)} customers)")
    if engine_counts != {key: count for key, (_d, count, _a) in expected.items()}:
        failures.append(f"the engine's invoice counts differ ({sum(engine_counts.values())} invoices)")
    got = read_group.result
    if set(got) != set(expected) or any(
        expected[key][:2] != got[key][:2] or abs(expected[key][2] - got[key][2]) >= 0.005 for key in expected
    ):
        failures.append("the read_group selection differs")
    if len(plan.result) != len(expected):
        failures.append(f"_plan_reminders planned {len(plan.result)} reminders")
    if failures:
        line(f"{NAME}.selection.check", "FAILED: " + "; ".join(failures))
        sys.exit(1)
    line(
        f"{NAME}.selection.check",
        f"same {len(expected)} customers, levels and {due_invoices} invoices (engine, read_group, plan)",
    )
    return expected, due_invoices, sql.ms


def run_cron(env, args):
    """(b): the daily run, then again the same day, rolled back: what was measured."""
    Reminder = env["sales_admin.reminder"]
    # (b) the daily run, end to end, then again the same day; all rolled back
    Reminder_class = type(Reminder)
    render_letters = Reminder_class._render_letters
    letters_apart = args.letters == "apart" or (args.letters == "auto" and not wkhtmltopdf_patched())
    letter_ids = []
    if letters_apart:
        # Debian's wkhtmltopdf (unpatched Qt) renders one document per run and fails on more: the run records
        # the letters to render, a sample is rendered one by one after it
        Reminder_class._render_letters = lambda reminders: letter_ids.extend(reminders.ids)
    env.cr.execute("SAVEPOINT bench_reminders_cron")
    env.invalidate_all()
    cases_before = run_counts(env)["cases"]
    rss_before = rss_kb()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    try:
        done = Reminder._cron_send_reminders(batch_size=args.batch_size)
        env.flush_all()
    finally:
        Reminder_class._render_letters = render_letters
    seconds = time.perf_counter() - start
    queries = env.cr.sql_log_count - before
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first = run_counts(env)
    skip_reasons = env.execute_query(
        SQL("SELECT skip_reason, count(*) FROM sales_admin_reminder WHERE state = 'skipped' GROUP BY 1")
    )
    letter_seconds, letter_queries, sample = [], 0, letter_ids[: args.letter_sample]
    if letters_apart:
        for reminder in Reminder.browse(sample):
            before = env.cr.sql_log_count
            start = time.perf_counter()
            reminder._render_letters()
            letter_seconds.append(time.perf_counter() - start)
            letter_queries += env.cr.sql_log_count - before
        first["letters"] = run_counts(env)["letters"]
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    second_done = Reminder._cron_send_reminders(batch_size=args.batch_size)
    env.flush_all()
    second_seconds = time.perf_counter() - start
    second_queries = env.cr.sql_log_count - before
    second = run_counts(env)
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_reminders_cron")
    env.invalidate_all()
    return {
        "done": done,
        "seconds": seconds,
        "queries": queries,
        "peak_kb": peak_kb,
        "rss_before": rss_before,
        "cases_before": cases_before,
        "first": first,
        "skip_reasons": skip_reasons,
        "letters_apart": letters_apart,
        "letter_ids": letter_ids,
        "letter_seconds": letter_seconds,
        "letter_queries": letter_queries,
        "sample": sample,
        "second_done": second_done,
        "second_seconds": second_seconds,
        "second_queries": second_queries,
        "second": second,
    }


def report_cron(args, run, expected, due_invoices, sql_ms):
    """Print the run's figures and check it: one reminder per customer, nothing from the second run."""
    done, seconds, queries, first, second = run["done"], run["seconds"], run["queries"], run["first"], run["second"]
    batches = max(math.ceil(done / args.batch_size), 1)
    line(f"{NAME}.cron_ms", seconds * 1000, "ms", baseline=sql_ms)
    line(f"{NAME}.cron_reminders", done, baseline=len(expected))
    line(
        f"{NAME}.cron_made",
        f"{first['email']} e-mail, {first['letter']} letter, {first['phone']} phone reminders sent, "
        f"{first['skipped']} skipped, {first['pending']} left pending",
    )
    for reason, count in run["skip_reasons"]:
        line(f"{NAME}.cron_skipped", f"{count}: {reason}")
    if run["letters_apart"]:
        per_letter = statistics.median(run["letter_seconds"]) if run["letter_seconds"] else 0.0
        line(
            f"{NAME}.cron_letters",
            f"{len(run['letter_ids'])} letters to render, left out of the run (wkhtmltopdf without patched Qt "
            f"renders one document per run); {len(run['sample'])} rendered one by one after it: "
            f"{per_letter * 1000:.0f} ms and "
            f"{run['letter_queries'] / max(len(run['sample']), 1):.1f} queries per letter (median), so about "
            f"{per_letter * len(run['letter_ids']):.0f} s more for all of them",
        )
    line(
        f"{NAME}.cron_outputs",
        f"{first['mails']} e-mails queued in mail.mail, {first['letters']} letter PDFs, "
        f"{first['activities']} activities, {first['leveled']} invoices with their level recorded, "
        f"{first['cases']} open collection cases ({run['cases_before']} before the run)",
    )
    line(f"{NAME}.cron_rate", done / seconds if seconds else 0.0, "reminders/s")
    line(f"{NAME}.cron_ms_per_reminder", seconds * 1000 / max(done, 1), "ms")
    line(f"{NAME}.cron_queries", queries)
    line(f"{NAME}.cron_queries_per_batch", queries / batches, f"(batches of {args.batch_size}, {batches})")
    line(f"{NAME}.cron_queries_per_reminder", queries / max(done, 1), "(OCA account_credit_control: 2.3 per line)")
    line(f"{NAME}.cron_queries_per_invoice", queries / max(due_invoices, 1))
    line(
        f"{NAME}.cron_memory",
        f"peak RSS {run['peak_kb'] / 1024:.0f} MB, {run['rss_before'] / 1024:.0f} MB before the run "
        "(OCA account_credit_control: 1.2 GB)",
    )
    line(f"{NAME}.second_run_ms", run["second_seconds"] * 1000, "ms")
    line(
        f"{NAME}.second_run",
        f"{run['second_done']} reminders, {second['reminders'] - first['reminders']} new, "
        f"{second['mails'] - first['mails']} new e-mails, {second['activities'] - first['activities']} new "
        f"activities, {run['second_queries']} queries",
    )
    failures = []
    if done != len(expected) or first["reminders"] != len(expected) or first["pending"]:
        failures.append(f"{done} reminders handled, {first['pending']} pending, for {len(expected)} customers")
    if run["second_done"] or second["reminders"] != first["reminders"] or second["mails"] != first["mails"]:
        failures.append("the second run the same day sent something")
    if failures:
        line(f"{NAME}.cron_check", "FAILED: " + "; ".join(failures))
        sys.exit(1)
    line(
        f"{NAME}.cron_check",
        f"one reminder for each of the {len(expected)} customers; the second run sent nothing (rolled back)",
    )


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--batch-size", type=int, default=200, help="reminders per batch of the cron (default %(default)s)"
        )
        parser.add_argument("--no-cron", action="store_true", help="measure the selection only")
        parser.add_argument(
            "--letters",
            choices=("auto", "batch", "apart"),
            default="auto",
            help="letters: rendered by the run as the engine does (batch: one wkhtmltopdf run per batch, one by one "
            "when that fails), or left out of the run and a sample rendered one by one after it (apart); auto: apart "
            "when wkhtmltopdf lacks the patched Qt",
        )
        parser.add_argument(
            "--letter-sample",
            type=int,
            default=10,
            help="letters rendered one by one with --letters apart (%(default)s)",
        )

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    # the cron commits per batch outside tests: this flag (what Odoo's test runner sets) keeps all in one transaction
    threading.current_thread().testing = True
    with environment(args.database) as env:
        companies = env["res.company"].search([])
        env = env(context=dict(env.context, allowed_company_ids=companies.ids))
        today = fields.Date.context_today(env.user)
        levels = env["sales_admin.reminder.level"].search([])
        invoices, overdue, customers = env.execute_query(
            SQL(
                """SELECT count(*), count(*) FILTER (WHERE invoice_date_due < %(today)s),
                          count(DISTINCT commercial_partner_id) FILTER (WHERE invoice_date_due < %(today)s)
                     FROM account_move
                    WHERE move_type = 'out_invoice' AND state = 'posted' AND payment_state IN %(open_states)s""",
                today=today,
                open_states=OPEN_STATES,
            )
        )[0]
        line(
            f"{NAME}.rows",
            f"{invoices} open customer invoices, {overdue} overdue of {customers} customers, "
            f"{len(levels)} reminder levels in {len(levels.company_id)} companies, today {today}",
        )
        if not levels or "sales_admin.reminder" not in env:
            line(f"{NAME}.skipped", "no reminder level or engine: seed the database with seed_receivables.py")
            return
        line(
            f"{NAME}.levels",
            ", ".join(f"company {level.company_id.id}: {level.days_after_due} d {level.channel}" for level in levels),
        )
        Reminder = env["sales_admin.reminder"]
        if Reminder.search_count([]):
            line(f"{NAME}.skipped", "reminders exist already: the benchmark needs a database where none was sent")
            return

        expected, due_invoices, sql_ms = bench_selection(env, args, companies, today, levels)
        if args.no_cron:
            return
        run = run_cron(env, args)
    report_cron(args, run, expected, due_invoices, sql_ms)


if __name__ == "__main__":
    main()
