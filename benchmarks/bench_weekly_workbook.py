"""The weekly report workbook over 100k+ rows: generation time and peak memory (goal: streamed, under 500 MB).

Measured: ``sales_admin.weekly.workbook._build_workbook(domain, date_from, date_to, output=<temporary file>)`` as
the administrator (record rules apply), over the whole report (or ``--weeks`` weeks up to the last one with
figures): a summary and four detail sheets with one row per group and week, the largest one By Customer
(customer x week). Printed: the rows of each sheet, the wall time (median of ``--runs`` after one warm-up), the
queries of one run, the peak of Python's allocations during one run (``tracemalloc``), the process's peak
resident memory (``ru_maxrss``, which includes the loaded registry) and its growth over the run, the size of the
file. Baseline: the raw SQL aggregate behind the By Customer sheet (the query of
``sales_admin.weekly.customer.report`` grouped by company, customer and week), fetched in full, which is the least
any workbook of those rows costs.
Check: the By Customer sheet has as many rows as the baseline has groups, the workbook is a valid XLSX whose
By Customer sheet has those rows (read back in read-only mode), and the peak resident memory stays under
``--max-mb`` (500), or exit 1. ``--min-rows`` (100000) only warns when the database holds fewer rows.
"""

import os
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import timedelta

from _common import environment, line, measure, parse_args

from odoo.tools import SQL

NAME = "weekly_workbook"


def add_arguments(parser):
    parser.add_argument("--weeks", type=int, default=0, help="only the last N weeks with figures (default: all)")
    parser.add_argument("--max-mb", type=int, default=500, help="peak resident memory allowed (default: 500)")
    parser.add_argument("--min-rows", type=int, default=100000, help="warn below this many customer x week rows")


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def sql_customer_weeks(env, date_from):
    report = env["sales_admin.weekly.customer.report"]
    query = report._table_query if isinstance(report._table_query, SQL) else SQL(report._table_query)
    return env.execute_query(
        SQL(
            """
            SELECT r.company_id, r.partner_id, r.week_start, SUM(r.ordered), SUM(r.invoiced), SUM(r.collected)
              FROM (%s) r
             WHERE r.company_id IN %s AND (%s IS NULL OR r.week_start >= %s)
          GROUP BY 1, 2, 3
            """,
            query,
            tuple(env.companies.ids),
            date_from,
            date_from,
        )
    )


def count_rows(path, sheet_index):
    """Rows of a sheet of the written file, streamed from the zip (no full load)."""
    with zipfile.ZipFile(path) as archive, archive.open(f"xl/worksheets/sheet{sheet_index}.xml") as sheet:
        count = 0
        for chunk in iter(lambda: sheet.read(1 << 20), b""):
            count += chunk.count(b"<row ")
        return count


def main():
    args = parse_args(__doc__.split("\n", 1)[0], add_arguments)
    with environment(args.database) as env:
        Workbook = env["sales_admin.weekly.workbook"]
        date_from = None
        if args.weeks:
            # the last week with actual figures (the weekly report also holds last year's figures one year ahead)
            [(last_week,)] = env["sales_admin.weekly.customer.report"]._read_group([], [], ["week_start:max"])
            if last_week:
                date_from = last_week - timedelta(weeks=args.weeks - 1)
        line(f"{NAME}.period", f"{date_from or 'all weeks'} .. last week")

        sql = measure(env, lambda: sql_customer_weeks(env, date_from), runs=args.runs)
        groups = len(sql.result)
        line(f"{NAME}.customer_week_rows", groups)
        if groups < args.min_rows:
            line(f"{NAME}.warning", f"only {groups} customer x week rows (< {args.min_rows}): seed more data")

        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="bench_weekly_workbook_")
        os.close(handle)
        try:

            def build():
                with open(path, "wb") as output:
                    Workbook._build_workbook([], date_from, None, output=output)

            orm = measure(env, build, runs=args.runs)
            line(f"{NAME}.sql_ms", sql.ms, "ms", is_baseline=True)
            line(f"{NAME}.workbook_ms", orm.ms, "ms", baseline=sql.ms)
            line(f"{NAME}.workbook_ms_range", f"{orm.best * 1000:.2f}..{orm.worst * 1000:.2f}", "ms")
            line(f"{NAME}.workbook_queries", orm.queries)

            env.invalidate_all()
            rss_before = rss_mb()
            tracemalloc.start()
            start = time.perf_counter()
            build()
            seconds = time.perf_counter() - start
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = rss_mb()
            line(f"{NAME}.traced_run_s", seconds, "s (under tracemalloc, slower)")
            line(f"{NAME}.tracemalloc_peak_mb", peak / 1024 / 1024, "MB")
            line(f"{NAME}.ru_maxrss_mb", rss_after, "MB")
            line(f"{NAME}.ru_maxrss_growth_mb", rss_after - rss_before, "MB")
            line(f"{NAME}.file_mb", os.path.getsize(path) / 1024 / 1024, "MB")
            sheet_rows = {
                title: count_rows(path, index)
                for index, title in enumerate(
                    ["Summary", "By Salesperson", "By Team", "By Category", "By Customer"], start=1
                )
            }
            line(f"{NAME}.sheet_rows", ", ".join(f"{title} {rows}" for title, rows in sheet_rows.items()))
        finally:
            os.unlink(path)

        failures = []
        if sheet_rows["By Customer"] - 1 != groups:
            failures.append(f"By Customer has {sheet_rows['By Customer'] - 1} rows, the SQL {groups} groups")
        if rss_after > args.max_mb:
            failures.append(f"peak resident memory {rss_after:.0f} MB > {args.max_mb} MB")
        if failures:
            line(f"{NAME}.check", "FAILED: " + "; ".join(failures))
            sys.exit(1)
        line(f"{NAME}.check", f"OK: {groups} customer x week rows, peak {rss_after:.0f} MB")


if __name__ == "__main__":
    main()
