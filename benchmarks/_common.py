"""Shared helpers of the benchmark scripts.

- ``parse_args``: the script's own options, everything else goes to Odoo's configuration; without
  ``--addons-path`` the settings of ``scripts/env.sh`` are rebuilt from the same environment variables, so
  ``.venv/bin/python benchmarks/bench_x.py -d sales_admin_bench`` works on its own.
- ``environment``: an Odoo environment on the benchmark database, as the administrator with his language and
  time zone (record rules apply, as for a real user), rolled back at the end unless asked to commit.
- ``measure``: median wall-clock time of N runs after a warm-up, with the SQL queries of one run.
- ``line``: the uniform output format, ``name: value (ratio x.xx to baseline)``.
"""

import argparse
import getpass
import os
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "sales_admin_bench"


def _env_sh_odoo_args():
    """Odoo's connection and path options as ``odoo_args`` in scripts/env.sh builds them."""
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
    state_dir = os.environ.get("STATE_DIR", str(REPO_ROOT / ".odoo"))
    args = [
        f"--addons-path={odoo_src}/addons,{REPO_ROOT}",
        f"--data-dir={os.environ.get('DATA_DIR', state_dir + '/data')}",
        f"--db_port={os.environ.get('DB_PORT', '5432')}",
        f"--db_user={os.environ.get('DB_USER') or getpass.getuser()}",
    ]
    if os.environ.get("DB_HOST"):
        args.append(f"--db_host={os.environ['DB_HOST']}")
    if os.environ.get("DB_PASSWORD"):
        args.append(f"--db_password={os.environ['DB_PASSWORD']}")
    return args


def parse_args(description, add_arguments=None):
    """Parse the script's options; pass the rest (``--addons-path``, ``--db_user``...) to Odoo's config."""
    parser = argparse.ArgumentParser(
        description=description,
        epilog="Any other option is passed to Odoo's configuration (--addons-path, --db_port, --db_user, ...).",
    )
    parser.add_argument(
        "-d",
        "--database",
        default=os.environ.get("BENCH_DB", DEFAULT_DB),
        help="benchmark database (default: $BENCH_DB or %(default)s)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=int(os.environ.get("BENCH_RUNS", "5")),
        help="timed runs after one warm-up; the median is reported (default: $BENCH_RUNS or %(default)s)",
    )
    if add_arguments:
        add_arguments(parser)
    args, odoo_args = parser.parse_known_args()
    if not any(arg.startswith("--addons-path") for arg in odoo_args):
        odoo_args = _env_sh_odoo_args() + odoo_args
    if not any(arg.startswith("--log-level") for arg in odoo_args):
        odoo_args.append("--log-level=warn")
    odoo.tools.config.parse_config([*odoo_args, f"--database={args.database}"], setup_logging=True)
    return args


@contextmanager
def environment(dbname, *, commit=False, superuser=False):
    """Yield an environment on ``dbname``: the administrator with his context, or the superuser."""
    try:
        registry = Registry(dbname)
    except psycopg2.OperationalError as error:
        sys.exit(f"cannot open the database '{dbname}': {str(error).strip()} (build it with make bench)")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not superuser:
            env = env(user=env.ref("base.user_admin"))
            env = env(context=env.user.context_get())  # context_get reads the environment's user
        try:
            yield env
        finally:
            if not commit:
                cr.rollback()


@dataclass
class Measure:
    seconds: float  # median of the timed runs
    best: float
    worst: float
    queries: int  # SQL queries of the last timed run
    result: object  # what the last run returned

    @property
    def ms(self):
        return self.seconds * 1000


def measure(env, func, runs=5, warmup=1):
    """Time ``func()``: the ORM cache is emptied before every run, so each run reads from the database."""
    for _dummy in range(warmup):
        env.invalidate_all()
        func()
    timings = []
    queries = 0
    result = None
    for _dummy in range(max(runs, 1)):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = func()
        timings.append(time.perf_counter() - start)
        queries = env.cr.sql_log_count - before
    return Measure(statistics.median(timings), min(timings), max(timings), queries, result)


def line(name, value, unit="", baseline=None, is_baseline=False):
    """Print one figure: ``name: value unit (ratio x.xx to baseline)``."""
    text = f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}"
    if unit:
        text += f" {unit}"
    if is_baseline:
        text += " (baseline)"
    elif baseline:
        text += f" (ratio {value / baseline:.2f} to baseline)"
    print(text, flush=True)


def timing_lines(name, sql, orm):
    """Print the baseline's and the ORM's timings and the ORM's query count."""
    line(f"{name}.sql_ms", sql.ms, "ms", is_baseline=True)
    line(f"{name}.orm_ms", orm.ms, "ms", baseline=sql.ms)
    line(f"{name}.orm_ms_range", f"{orm.best * 1000:.2f}..{orm.worst * 1000:.2f}", "ms")
    line(f"{name}.orm_queries", orm.queries, baseline=sql.queries)
