"""Visit cadence: the due list and the cron that proposes visits, against hand-written SQL on the raw tables.

(a) Due list: customers (active commercial entities with customer_rank > 0 and an active salesperson of their
company) whose next visit is due by today + the visit horizon, with no open visit (proposed, planned, in
progress). Baseline: one SQL query over the raw tables: the last done visit per customer from sales_admin_visit,
the frequency from res_partner.visit_frequency or the shortest of its tags' sales_admin_visit_frequency.
Measured: the addon's ``res.partner._get_visit_due_query`` over the stored cadence fields (visit_due_date,
visit_frequency_effective). Check: the same partners, or exit 1.
(b) ``sales_admin.visit._cron_propose_visits`` end to end (batches of 500), inside the benchmark's transaction
and rolled back after each run, so the database stays reusable: wall time, proposals, queries per batch.
Baseline: the same proposals written by one INSERT ... SELECT (and the partners' next visit date by the same
statement), also rolled back. Check: the same number of proposals for the same partners, or exit 1.
(c) ``res.partner._cron_refresh_visit_cadence_state`` the next day (the clock moved one day on, so every visited
customer's days since the last visit changes), batches of 5,000, rolled back after each run. Baseline: one UPDATE
of the same two columns for the same rows. Check: the same rows and values, or exit 1.
"""

import math
import sys
import threading
import time
from datetime import timedelta

from _common import environment, line, measure, parse_args, timing_lines
from freezegun import freeze_time

from odoo import fields
from odoo.tools import SQL

NAME = "cadence"
OPEN_STATES = ("proposed", "planned", "in_progress")
CRON_BATCH = 500
REFRESH_BATCH = 5000


def due_list_sql(tz, limit_date):
    """The due list from the raw tables (sales_admin_visit, res_partner, the tags), without the stored fields."""
    return SQL(
        """
        WITH last_visit AS (
            SELECT partner_id, MAX(checkout_date) AS last_checkout
              FROM sales_admin_visit
             WHERE state = 'done'
          GROUP BY partner_id
        ),
        tag_frequency AS (
            SELECT rel.partner_id, MIN(tag.sales_admin_visit_frequency) AS frequency
              FROM res_partner_res_partner_category_rel rel
              JOIN res_partner_category tag ON tag.id = rel.category_id
             WHERE tag.sales_admin_visit_frequency > 0
          GROUP BY rel.partner_id
        ),
        cadence AS (
            SELECT p.id, p.user_id, p.company_id,
                   COALESCE(NULLIF(p.visit_frequency, 0), tag_frequency.frequency) AS frequency,
                   CASE WHEN last_visit.last_checkout IS NULL THEN p.create_date::date
                        ELSE (last_visit.last_checkout AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                             + COALESCE(NULLIF(p.visit_frequency, 0), tag_frequency.frequency)
                   END AS due_date
              FROM res_partner p
         LEFT JOIN last_visit ON last_visit.partner_id = p.id
         LEFT JOIN tag_frequency ON tag_frequency.partner_id = p.id
             WHERE p.active
               AND p.parent_id IS NULL
               AND p.customer_rank > 0
        )
        SELECT c.id, c.user_id, c.company_id, c.frequency, c.due_date
          FROM cadence c
          JOIN res_users u ON u.id = c.user_id AND u.active
         WHERE c.frequency > 0
           AND c.due_date <= %(limit_date)s
           AND (c.company_id IS NULL OR EXISTS (
                SELECT 1 FROM res_company_users_rel r WHERE r.user_id = u.id AND r.cid = c.company_id))
           AND NOT EXISTS (
                SELECT 1 FROM sales_admin_visit v WHERE v.partner_id = c.id AND v.state IN %(open_states)s)
        """,
        tz=tz,
        limit_date=limit_date,
        open_states=OPEN_STATES,
    )


def insert_proposals_sql(env, tz, today, limit_date, visit_type):
    """The cron's proposals in one statement: 9:00 on the due day (today at the earliest) in the salesperson's
    time zone, for the customer's salesperson; the partners' next visit date follows."""
    uid = env.uid
    return SQL(
        """
        WITH due AS (%(due)s),
        new_visits AS (
            INSERT INTO sales_admin_visit (
                name, state, visit_type_id, partner_id, user_id, company_id, planned_start, planned_end,
                planned_duration, purpose, create_uid, create_date, write_uid, write_date)
            SELECT '/', 'proposed', %(visit_type)s, due.id, due.user_id, COALESCE(due.company_id, u.company_id),
                   start.utc, start.utc + make_interval(secs => %(hours)s * 3600), %(hours)s,
                   'Visit due by the customer''s cadence (every ' || due.frequency || ' days).',
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM due
              JOIN res_users u ON u.id = due.user_id
              JOIN res_partner up ON up.id = u.partner_id
             CROSS JOIN LATERAL (
                SELECT ((GREATEST(due.due_date, %(today)s) + time '09:00')
                        AT TIME ZONE COALESCE(up.tz, 'UTC')) AT TIME ZONE 'UTC' AS utc
             ) start
         RETURNING partner_id, planned_start
        ),
        next_visit AS (
            UPDATE res_partner p
               SET next_visit_date = LEAST(p.next_visit_date, new_visits.planned_start)
              FROM new_visits
             WHERE p.id = new_visits.partner_id
         RETURNING p.id
        )
        SELECT partner_id FROM new_visits
        """,
        due=due_list_sql(tz, limit_date),
        visit_type=visit_type.id or None,
        hours=visit_type.default_duration or 1.0,
        uid=uid,
        today=today,
    )


def refresh_state_sql(today):
    """The nightly cadence state in one statement, for the rows whose figures changed."""
    return SQL(
        """
        UPDATE res_partner
           SET days_since_last_visit = COALESCE(%(today)s - last_visit_date, 0),
               visit_overdue = COALESCE(visit_due_date < %(today)s, FALSE)
         WHERE days_since_last_visit IS DISTINCT FROM COALESCE(%(today)s - last_visit_date, 0)
            OR visit_overdue IS DISTINCT FROM COALESCE(visit_due_date < %(today)s, FALSE)
        RETURNING id, days_since_last_visit, visit_overdue
        """,
        today=today,
    )


def state_query(partner_ids):
    return SQL("SELECT id, days_since_last_visit, visit_overdue FROM res_partner WHERE id = ANY(%s)", partner_ids)


def rolled_back(env, query):
    """Run ``query`` in a savepoint rolled back at once: what it returned."""
    env.cr.execute("SAVEPOINT bench_cadence")
    try:
        return env.execute_query(query)
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_cadence")


def main():
    def add_arguments(parser):
        parser.add_argument(
            "--cron-runs", type=int, default=1, help="timed runs of the cron, each rolled back (default %(default)s)"
        )

    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    # the crons commit per batch outside tests: this flag (what Odoo's test runner sets) keeps all in one transaction
    threading.current_thread().testing = True
    with environment(args.database) as env:
        today = fields.Date.context_today(env.user)
        tz = env.user.tz or "UTC"
        Visit = env["sales_admin.visit"]
        limit_date = today + timedelta(days=Visit._get_visit_horizon_days())
        customers, visits, done = env.execute_query(
            SQL(
                """SELECT (SELECT count(*) FROM res_partner WHERE active AND parent_id IS NULL AND customer_rank > 0),
                          count(*), count(*) FILTER (WHERE state = 'done') FROM sales_admin_visit"""
            )
        )[0]
        line(
            f"{NAME}.rows", f"{customers} customers, {visits} visits ({done} done), today {today}, due by {limit_date}"
        )

        # (a) the due list
        sql = measure(env, lambda: env.execute_query(due_list_sql(tz, limit_date)), runs=args.runs)
        orm = measure(
            env,
            lambda: env.execute_query(env["res.partner"]._get_visit_due_query(limit_date, None)),
            runs=args.runs,
        )
        expected = {row[0] for row in sql.result}
        got = {row[0] for row in orm.result}
        line(f"{NAME}.due", f"{len(expected)} customers due a visit")
        timing_lines(f"{NAME}.due", sql, orm)
        if expected != got:
            line(
                f"{NAME}.due_check",
                f"FAILED: {len(expected - got)} only in SQL (e.g. {sorted(expected - got)[:5]}), "
                f"{len(got - expected)} only in the addon's query (e.g. {sorted(got - expected)[:5]})",
            )
            sys.exit(1)
        line(f"{NAME}.due_check", f"same {len(got)} customers")

        # (b) the cron, end to end, rolled back after each run
        visit_type = Visit._default_visit_type()
        insert = measure(
            env, lambda: rolled_back(env, insert_proposals_sql(env, tz, today, limit_date, visit_type)), runs=args.runs
        )
        inserted = {row[0] for row in insert.result}
        timings, queries, proposals, proposed = [], 0, 0, set()
        for _dummy in range(max(args.cron_runs, 1)):
            env.cr.execute("SAVEPOINT bench_cron")
            env.invalidate_all()
            before = env.cr.sql_log_count
            start = time.perf_counter()
            proposals = Visit._cron_propose_visits(batch_size=CRON_BATCH)
            env.flush_all()
            timings.append(time.perf_counter() - start)
            queries = env.cr.sql_log_count - before
            proposed = {
                row[0]
                for row in env.execute_query(
                    SQL("SELECT partner_id FROM sales_admin_visit WHERE state = 'proposed' AND name = '/'")
                )
            }
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_cron")
            env.invalidate_all()
        cron_ms = sorted(timings)[len(timings) // 2] * 1000
        batches = max(math.ceil(proposals / CRON_BATCH), 1)
        line(f"{NAME}.propose_sql_ms", insert.ms, "ms", is_baseline=True)
        line(f"{NAME}.propose_cron_ms", cron_ms, "ms", baseline=insert.ms)
        line(f"{NAME}.propose_cron_runs", len(timings))
        line(f"{NAME}.propose_count", proposals, baseline=len(inserted))
        line(f"{NAME}.propose_cron_rate", proposals / (cron_ms / 1000) if cron_ms else 0.0, "proposals/s")
        # the baseline's count holds its SAVEPOINT and ROLLBACK TO SAVEPOINT: one statement does the work
        line(f"{NAME}.propose_cron_queries", queries, baseline=max(insert.queries - 2, 1))
        line(f"{NAME}.propose_cron_queries_per_batch", queries / batches, f"(batches of {CRON_BATCH}, {batches})")
        line(f"{NAME}.propose_cron_queries_per_proposal", queries / max(proposals, 1))
        # seeded proposals (already open) are excluded from the due list: the new ones are those of the due list
        if proposals != len(inserted) or not inserted <= proposed:
            line(f"{NAME}.propose_check", f"FAILED: the cron proposed {proposals}, the INSERT {len(inserted)}")
            sys.exit(1)
        line(f"{NAME}.propose_check", f"same {proposals} proposals (all rolled back)")

        # (c) the nightly cadence state, the next day
        tomorrow = today + timedelta(days=1)
        Partner = env["res.partner"]
        with freeze_time(tomorrow, tick=True):  # tick: the timings use the (frozen) clock
            update = measure(env, lambda: rolled_back(env, refresh_state_sql(tomorrow)), runs=args.runs)
            expected = {row[0]: row[1:] for row in update.result}
            timings, refreshed, got = [], 0, {}
            for _dummy in range(max(args.cron_runs, 1)):
                env.cr.execute("SAVEPOINT bench_refresh")
                env.invalidate_all()
                before = env.cr.sql_log_count
                start = time.perf_counter()
                refreshed = Partner._cron_refresh_visit_cadence_state(batch_size=REFRESH_BATCH)
                timings.append(time.perf_counter() - start)
                queries = env.cr.sql_log_count - before
                got = {row[0]: row[1:] for row in env.execute_query(state_query(list(expected)))}
                env.cr.execute("ROLLBACK TO SAVEPOINT bench_refresh")
                env.invalidate_all()
        refresh_ms = sorted(timings)[len(timings) // 2] * 1000
        batches = max(math.ceil(refreshed / REFRESH_BATCH), 1)
        line(f"{NAME}.refresh_rows", refreshed, baseline=len(expected))
        line(f"{NAME}.refresh_sql_ms", update.ms, "ms", is_baseline=True)
        line(f"{NAME}.refresh_cron_ms", refresh_ms, "ms", baseline=update.ms)
        line(f"{NAME}.refresh_cron_queries_per_batch", queries / batches, f"(batches of {REFRESH_BATCH}, {batches})")
        if refreshed != len(expected) or got != expected:
            line(f"{NAME}.refresh_check", f"FAILED: the cron refreshed {refreshed}, the UPDATE {len(expected)}")
            sys.exit(1)
        line(f"{NAME}.refresh_check", f"same {refreshed} customers and values (all rolled back)")


if __name__ == "__main__":
    main()
