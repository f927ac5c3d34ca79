"""Segment sync: a ~200k-partner segment materialised as a mailing list, against an SQL insert-select.

    .venv/bin/python benchmarks/bench_segment_sync.py -d sales_admin_bench_segment [--batch-size 5000]

On the database of ``seed_segment.py``, as the superuser (as the cron), everything rolled back at the end:

(a) the first sync of the segment ``Bench: newsletter`` into a new list (``_sync_mailing_list``: the plan in SQL,
    then contacts and subscriptions created through the ORM in batches): wall time, queries in all and per batch,
    the counts;
(b) a second sync (idempotent: nothing added, nothing removed): wall time and queries;
(c) the baseline: one hand-written ``INSERT ... SELECT`` of the same contacts (same dedupe, blacklist, no e-mail
    and invalid rules; e-mail normalised in SQL) and one of their subscriptions into a scratch list;
(d) check: the baseline and the sync hold the same (partner, normalised e-mail) pairs, or exit 1.

``--runs`` repeats (a)-(c) (each rolled back); the median is reported.
"""

import math
import statistics
import sys
import time

from _common import environment, line, parse_args

from odoo.tools import SQL

NAME = "segment_sync"
SEGMENT = "Bench: newsletter"


def add_arguments(parser):
    parser.add_argument("--batch-size", type=int, default=5000, help="sync batch size (default %(default)s)")


def baseline(env, segment):
    """The same list by two INSERT ... SELECT: the contacts (new ones, as on a first sync), their subscriptions."""
    members = env["res.partner"].sudo()._search(segment._get_partner_domain())
    env.cr.execute(
        "INSERT INTO mailing_list (name, active, is_public, create_uid, write_uid, create_date, write_date) "
        "VALUES ('Bench: baseline', TRUE, FALSE, 1, 1, now(), now()) RETURNING id"
    )
    list_id = env.cr.fetchone()[0]
    env.cr.execute(
        SQL(
            """
            WITH member AS (
                SELECT p.id, p.name, p.country_id, p.commercial_partner_id, p.commercial_company_name,
                       p.email_normalized
                  FROM res_partner p
                 WHERE p.id IN %(members)s
                   AND COALESCE(btrim(p.email), '') != ''
                   AND p.email_normalized IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM mail_blacklist bl WHERE bl.active AND bl.email = p.email_normalized)
            ),
            chosen AS (
                SELECT DISTINCT ON (email_normalized) *
                  FROM member
              ORDER BY email_normalized, id != commercial_partner_id, id
            ),
            contact AS (
                INSERT INTO mailing_contact (name, email, email_normalized, partner_id, company_name, country_id,
                                             message_bounce, create_uid, write_uid, create_date, write_date)
                SELECT name, email_normalized, email_normalized, id, commercial_company_name, country_id,
                       0, 1, 1, now(), now()
                  FROM chosen
             RETURNING id
            )
            INSERT INTO mailing_subscription (contact_id, list_id, opt_out, create_uid, write_uid, create_date,
                                              write_date)
            SELECT id, %(list_id)s, FALSE, 1, 1, now(), now() FROM contact
            """,
            members=members.subselect(),
            list_id=list_id,
        )
    )
    return list_id, env.cr.rowcount


def pairs(env, list_id):
    env.cr.execute(
        SQL(
            """SELECT c.partner_id, c.email_normalized FROM mailing_subscription s
                 JOIN mailing_contact c ON c.id = s.contact_id WHERE s.list_id = %s AND NOT s.opt_out""",
            list_id,
        )
    )
    return set(env.cr.fetchall())


def main():
    args = parse_args(__doc__.splitlines()[0], add_arguments)
    runs = max(args.runs, 1)
    with environment(args.database, superuser=True) as env:
        segment = env["sales_admin.segment"].search([("name", "=", SEGMENT)], limit=1)
        if not segment:
            sys.exit(f"no segment '{SEGMENT}': seed the database with seed_segment.py first")
        if segment.mailing_list_id:
            sys.exit("the segment already has a list: reseed with seed_segment.py --reset")
        env.cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'bench-seg-%'")
        line(f"{NAME}.partners", env.cr.fetchone()[0])
        line(f"{NAME}.members", segment.member_count)
        first_times, second_times, sql_times = [], [], []
        for _run in range(runs):
            env.flush_all()
            env.cr.execute("SAVEPOINT bench_sync")
            env.invalidate_all()
            before, start = env.cr.sql_log_count, time.perf_counter()
            first = segment._sync_mailing_list(batch_size=args.batch_size)
            first_times.append(time.perf_counter() - start)
            first_queries = env.cr.sql_log_count - before
            env.invalidate_all()
            before, start = env.cr.sql_log_count, time.perf_counter()
            second = segment._sync_mailing_list(batch_size=args.batch_size)
            second_times.append(time.perf_counter() - start)
            second_queries = env.cr.sql_log_count - before
            env.flush_all()
            synced = pairs(env, segment.mailing_list_id.id)
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_sync")
            env.invalidate_all()
            env.cr.execute("SAVEPOINT bench_baseline")
            start = time.perf_counter()
            list_id, inserted = baseline(env, segment)
            sql_times.append(time.perf_counter() - start)
            expected = pairs(env, list_id)
            env.cr.execute("ROLLBACK TO SAVEPOINT bench_baseline")
            env.invalidate_all()
        added = first["added"]
        batches = math.ceil(added / args.batch_size) if added else 0
        line(f"{NAME}.counts", ", ".join(f"{key} {value}" for key, value in first.items()))
        line(f"{NAME}.batch_size", args.batch_size)
        sql_ms = statistics.median(sql_times) * 1000
        line(f"{NAME}.sql_insert_select_ms", sql_ms, "ms", is_baseline=True)
        line(f"{NAME}.first_sync_ms", statistics.median(first_times) * 1000, "ms", baseline=sql_ms)
        line(f"{NAME}.first_sync_queries", first_queries)
        line(f"{NAME}.batches", batches)
        if batches:
            # the fixed part of a sync (rights, lock, plan) is what the second sync spends
            line(f"{NAME}.queries_per_batch", round((first_queries - second_queries) / batches, 1))
        line(f"{NAME}.first_sync_ms_per_1000_contacts", statistics.median(first_times) * 1e6 / max(added, 1), "ms")
        line(f"{NAME}.second_sync_ms", statistics.median(second_times) * 1000, "ms", baseline=sql_ms)
        line(f"{NAME}.second_sync_queries", second_queries)
        line(f"{NAME}.second_sync_counts", f"added {second['added']}, removed {second['removed']}")
        ok = synced == expected and second["added"] == 0 and second["removed"] == 0 and inserted == added
        line(
            f"{NAME}.check",
            f"{'OK' if ok else 'MISMATCH'}: sync {len(synced)} pairs, insert-select {len(expected)} "
            f"({len(synced - expected)} only in the sync, {len(expected - synced)} only in the baseline)",
        )
        if not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
