"""Tickets: the complaints Pareto and the SLA pivot of the ticket analysis, and the two SLA crons.

(a) Pareto of complaints by root cause, by product and by customer: ``_read_group`` on the ticket analysis
(``sales_admin.ticket.report``, an SQL view) with the ticket count, ordered by it, descending. Baseline: the same
figures by one aggregate over the raw ``sales_admin_ticket`` table. Then the pivot: type x week of opening (in the
user's time zone) with the count and both SLA rates, against the same aggregate in raw SQL. Check: the same groups
and figures, or exit 1.
(b) ``sales_admin.ticket._cron_sla_escalate`` end to end (batches of 1,000), inside the benchmark's transaction
and rolled back after each run, so the database stays reusable: wall time, tickets, activities, queries per batch
and per ticket (OCA ``helpdesk_mgmt_sla`` 18.0: 26 queries per ticket). Check: one activity per breach escalated
(when the ticket has someone to tell), or exit 1.
(c) ``sales_admin.ticket._cron_refresh_sla`` (the nightly refresh of the open tickets) end to end, rolled back:
wall time, tickets, queries per batch.
"""

import math
import sys
import threading
import time
from datetime import timedelta

from _common import environment, line, measure, parse_args, timing_lines

from odoo.tools import SQL
from odoo.tools.misc import get_lang

NAME = "tickets"
CRON_BATCH = 1000
PARETO = ("root_cause_id", "product_id", "partner_id")


def pareto_sql(column):
    return SQL(
        """SELECT %(column)s, count(*) FROM sales_admin_ticket
            WHERE active AND is_complaint GROUP BY %(column)s ORDER BY count(*) DESC, %(column)s""",
        column=SQL.identifier(column),
    )


def pivot_sql(tz, days_offset):
    """The pivot's cells; weeks start on the first day of the user's language, in the user's time zone."""
    return SQL(
        """
        SELECT ticket_type_id,
               date_trunc('week', timezone(%(tz)s, timezone('UTC', date_open)) - %(shift)s) + %(shift)s AS week,
               count(*),
               avg(CASE WHEN sla_id IS NULL THEN NULL WHEN sla_response_breached THEN 0.0
                        WHEN date_first_response IS NOT NULL THEN 100.0 END),
               avg(CASE WHEN sla_id IS NULL THEN NULL WHEN sla_resolution_breached THEN 0.0
                        WHEN is_closed THEN 100.0 END)
          FROM sales_admin_ticket
         WHERE active
      GROUP BY 1, 2
        """,
        tz=tz,
        shift=timedelta(days=-days_offset),  # as _read_group: minus a negative interval
    )


def rounded(value):
    # _read_group gives 0.0 for an average over no value (a week of open tickets has no resolution rate yet)
    return round(float(value or 0.0), 6)


def check(name, expected, got):
    if expected != got:
        diff = set(expected.items()) ^ set(got.items())
        line(f"{NAME}.{name}_check", f"FAILED: {len(diff)} groups differ (e.g. {sorted(diff, key=str)[:4]})")
        sys.exit(1)
    line(f"{NAME}.{name}_check", f"same {len(got)} groups")


ESCALATED_SQL = SQL(
    """SELECT count(*) FILTER (WHERE sla_response_escalated), count(*) FILTER (WHERE sla_resolution_escalated)
         FROM sales_admin_ticket"""
)


def run_cron(env, method, runs):
    """Run the cron ``runs`` times, each in a savepoint rolled back: (median seconds, queries, result, extra)."""
    timings, queries, result, extra = [], 0, 0, None
    for _dummy in range(max(runs, 1)):
        env.cr.execute("SAVEPOINT bench_tickets_cron")
        env.invalidate_all()
        activities_before = env.execute_query(SQL("SELECT COALESCE(max(id), 0) FROM mail_activity"))[0][0]
        flags_before = env.execute_query(ESCALATED_SQL)[0]
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = method(batch_size=CRON_BATCH)
        env.flush_all()
        timings.append(time.perf_counter() - start)
        queries = env.cr.sql_log_count - before
        activities = env.execute_query(
            SQL(
                "SELECT count(*) FROM mail_activity WHERE id > %s AND res_model = 'sales_admin.ticket'",
                activities_before,
            )
        )[0][0]
        flags = env.execute_query(ESCALATED_SQL)[0]
        extra = (activities, flags[0] - flags_before[0], flags[1] - flags_before[1])
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_tickets_cron")
        env.invalidate_all()
    return sorted(timings)[len(timings) // 2], queries, result, extra


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--cron-runs", type=int, default=1, help="timed runs of each cron, each rolled back (default %(default)s)"
        )

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    # the crons commit per batch outside tests: this flag (what Odoo's test runner sets) keeps all in one transaction
    threading.current_thread().testing = True
    with environment(args.database) as env:
        tz = env.context.get("tz") or "UTC"
        first_week_day = int(get_lang(env).week_start) - 1  # as _read_group: 0 is Monday
        days_offset = first_week_day and 7 - first_week_day
        tickets, open_count, complaints = env.execute_query(
            SQL(
                """SELECT count(*), count(*) FILTER (WHERE NOT is_closed), count(*) FILTER (WHERE is_complaint)
                     FROM sales_admin_ticket WHERE active"""
            )
        )[0]
        line(f"{NAME}.rows", f"{tickets} tickets, {open_count} open, {complaints} complaints")
        Report = env["sales_admin.ticket.report"]

        # (a) the Pareto, by root cause, product and customer
        for column in PARETO:
            sql = measure(env, lambda column=column: env.execute_query(pareto_sql(column)), runs=args.runs)
            orm = measure(
                env,
                lambda column=column: Report._read_group(
                    [("is_complaint", "=", True)], [column], ["ticket_count:sum"], order="ticket_count:sum desc"
                ),
                runs=args.runs,
            )
            expected = {key: count for key, count in sql.result}
            got = {record.id or None: count for record, count in orm.result}
            counts = [count for _record, count in orm.result]
            line(f"{NAME}.pareto_{column}", f"{len(got)} groups, top {counts[:3]}")
            timing_lines(f"{NAME}.pareto_{column}", sql, orm)
            if counts != sorted(counts, reverse=True):
                line(f"{NAME}.pareto_{column}_check", "FAILED: not ordered by the count, descending")
                sys.exit(1)
            check(f"pareto_{column}", expected, got)

        # the pivot: type x week, with the SLA rates
        sql = measure(env, lambda: env.execute_query(pivot_sql(tz, days_offset)), runs=args.runs)
        orm = measure(
            env,
            lambda: Report._read_group(
                [],
                ["ticket_type_id", "date_open:week"],
                ["ticket_count:sum", "sla_response_rate:avg", "sla_resolution_rate:avg"],
            ),
            runs=args.runs,
        )
        expected = {(type_id, week): (count, rounded(r1), rounded(r2)) for type_id, week, count, r1, r2 in sql.result}
        got = {(ttype.id, week): (count, rounded(r1), rounded(r2)) for ttype, week, count, r1, r2 in orm.result}
        line(f"{NAME}.pivot", f"{len(got)} cells (type x week)")
        timing_lines(f"{NAME}.pivot", sql, orm)
        check("pivot", expected, got)

        # (b) the escalation cron, rolled back
        Ticket = env["sales_admin.ticket"].sudo()
        seconds, queries, done, (activities, response, resolution) = run_cron(
            env, Ticket._cron_sla_escalate, args.cron_runs
        )
        batches = max(math.ceil(done / CRON_BATCH), 1)
        line(f"{NAME}.escalate_ms", seconds * 1000, "ms")
        line(f"{NAME}.escalate_tickets", done)
        line(f"{NAME}.escalate_breaches", f"{response} response, {resolution} resolution escalated")
        line(f"{NAME}.escalate_activities", activities)
        line(f"{NAME}.escalate_queries", queries)
        line(f"{NAME}.escalate_queries_per_batch", queries / batches, f"(batches of {CRON_BATCH}, {batches})")
        line(f"{NAME}.escalate_queries_per_ticket", queries / max(done, 1), "(OCA helpdesk_mgmt_sla: 26)")
        line(f"{NAME}.escalate_ms_per_ticket", seconds * 1000 / max(done, 1), "ms (OCA helpdesk_mgmt_sla: 53-74)")
        if activities > response + resolution:
            line(f"{NAME}.escalate_check", f"FAILED: {activities} activities for {response + resolution} breaches")
            sys.exit(1)
        line(f"{NAME}.escalate_check", f"{activities} activities for {response + resolution} breaches (rolled back)")

        # (c) the nightly refresh, rolled back
        seconds, queries, done, _extra = run_cron(env, Ticket._cron_refresh_sla, args.cron_runs)
        batches = max(math.ceil(done / CRON_BATCH), 1)
        line(f"{NAME}.refresh_ms", seconds * 1000, "ms")
        line(f"{NAME}.refresh_tickets", done)
        line(f"{NAME}.refresh_queries", queries)
        line(f"{NAME}.refresh_queries_per_batch", queries / batches, f"(batches of {CRON_BATCH}, {batches})")
        line(f"{NAME}.refresh_ms_per_ticket", seconds * 1000 / max(done, 1), "ms")
        if done != open_count:
            line(f"{NAME}.refresh_check", f"FAILED: {done} tickets refreshed, {open_count} open")
            sys.exit(1)
        line(f"{NAME}.refresh_check", f"all {done} open tickets (rolled back)")


if __name__ == "__main__":
    main()
