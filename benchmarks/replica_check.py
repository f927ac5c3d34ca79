"""Which PostgreSQL server serves which call: Odoo 18 with a streaming replica (issue 10, item 3).

Starts Odoo (threaded, no cron: ``--max-cron-threads 0``) on ``--database`` with ``--db_replica_host`` /
``--db_replica_port`` pointing at the hot standby that ``scripts/replica.sh start`` runs, then calls over HTTP, as
a Sales Admin user (made here, with a password, through the administrator's JSON-RPC), the addon's read-only entry
points and a few writes. Around each entry point it reads, for that database on the primary and on the replica,
once the servers' statistics stopped moving: the transactions (``pg_stat_database``) and the rows read and written
in its tables (``pg_stat_user_tables``: ``seq_tup_read + idx_tup_fetch``, ``n_tup_ins + n_tup_upd + n_tup_del``;
catalogs left out, so a background worker of the primary reading them, as autovacuum visiting each database every
minute, does not blur the figures). A call served by the replica reads its rows there; the primary still sees the
request's own bookkeeping (Odoo opens a read/write cursor to check the registry and match the route): the baseline
row, Odoo's own read-only ``res.users.has_group``, shows its size.
After each write it measures the replication lag: the time from the response until the replica has replayed the
primary's WAL position and shows the new row.

    .venv/bin/python benchmarks/replica_check.py -d sales_admin_replica [--runs 3] [--port 8281]

Prints a Markdown table (and ``--json`` the raw figures). Exit status 1 when a read-only entry point was not served
by the replica, a write did not land on the primary or is missing on the replica afterwards, or a read-only request
wrote (Odoo's "retrying with a read/write cursor" warning in the server's log).
"""

import argparse
import getpass
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
SOCKET_DIR = "/var/run/postgresql"
LOGIN = "replica_check@example.com"
PASSWORD = "replica-check-password"
GROUPS = [
    ("base", "group_user"),
    ("sales_admin_addon", "sales_admin_addon_group_user"),
    ("account", "group_account_invoice"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", default=os.environ.get("REPLICA_DB", "sales_admin_replica"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("REPLICA_HTTP_PORT", "8281")))
    parser.add_argument("--db-host", default=os.environ.get("DB_HOST") or SOCKET_DIR, help="primary host or socket dir")
    parser.add_argument("--db-port", type=int, default=int(os.environ.get("DB_PORT", "5432")))
    parser.add_argument("--db-user", default=os.environ.get("DB_USER") or getpass.getuser())
    parser.add_argument("--replica-host", default=os.environ.get("REPLICA_HOST", SOCKET_DIR))
    parser.add_argument("--replica-port", type=int, default=int(os.environ.get("REPLICA_PORT", "5433")))
    parser.add_argument("--admin-password", default=os.environ.get("ADMIN_PASSWORD", "admin"))
    parser.add_argument("--runs", type=int, default=3, help="measured calls per entry point, after one warm-up")
    parser.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", str(REPO_ROOT / ".odoo" / "data")))
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    return parser.parse_args()


class Stats:
    """The statistics of one database on one server: its transactions from ``pg_stat_database`` (read from the
    server's ``postgres`` database, so reading adds none), the rows its tables gave and took from
    ``pg_stat_user_tables`` (read in the database: the probe reads catalogs only, which these figures leave out, as
    they leave out the primary's background workers reading them, such as autovacuum's visit every minute)."""

    def __init__(self, label, host, port, user, dbname):
        self.label = label
        self.dbname = dbname
        self.target = {"host": host, "port": port, "user": user, "dbname": dbname}
        self.conn = self._connect("postgres")
        self.db_conn = self._connect(dbname)

    def _connect(self, dbname):
        conn = psycopg2.connect(**{**self.target, "dbname": dbname})
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("SET stats_fetch_consistency = none")
        return conn

    def read(self):
        """Transactions, rows read and rows written of the database (catalogs and background workers included)."""
        with self.conn.cursor() as cr:
            cr.execute(
                """SELECT xact_commit + xact_rollback, tup_returned + tup_fetched,
                          tup_inserted + tup_updated + tup_deleted
                     FROM pg_stat_database WHERE datname = %s""",
                [self.dbname],
            )
            return cr.fetchone()

    def read_tables(self):
        """Rows read and written in the database's tables (one transaction of this probe, reported later)."""
        with self.db_conn.cursor() as cr:
            cr.execute(
                """SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0),
                          coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)
                     FROM pg_stat_user_tables"""
            )
            return tuple(int(value) for value in cr.fetchone())

    def query(self, sql, params=None):
        with self.conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchone()


def settled(servers):
    """The figures of every server once every backend reported: an idle backend reports its statistics within
    ``PGSTAT_IDLE_INTERVAL`` (10 s) of its last transaction, so they are read after 11 s of quiet, until two reads
    agree; then the tables' figures (their probe's transaction is reported in the next window: one per window)."""
    time.sleep(11)
    last = [server.read() for server in servers]
    for _attempt in range(10):
        time.sleep(1.5)
        now = [server.read() for server in servers]
        if now == last:
            break
        last = now
    return [(*database, *server.read_tables()) for server, database in zip(servers, last, strict=True)]


class Client:
    def __init__(self, base_url, db):
        self.base_url = base_url
        self.db = db
        self.session = requests.Session()

    def login(self, login, password):
        self.session = requests.Session()
        result = self._post(
            "/web/session/authenticate", {"db": self.db, "login": login, "password": password}, check=True
        )
        return result["uid"]

    def _post(self, path, params, check=True):
        response = self.session.post(
            self.base_url + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=600,
        )
        response.raise_for_status()
        body = response.json()
        if check and "error" in body:
            raise RuntimeError(f"{path}: {body['error']['data'].get('message') or body['error']['message']}")
        return body.get("result")

    def call(self, model, method, args=(), kwargs=None, route="call_kw"):
        return self._post(
            f"/web/dataset/{route}/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs or {}},
        )

    def get(self, path, params=None):
        response = self.session.get(self.base_url + path, params=params, timeout=600)
        response.raise_for_status()
        return response.content

    def execute_kw(self, uid, password, model, method, args=(), kwargs=None):
        return self._post(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, uid, password, model, method, list(args), kwargs or {}],
            },
        )


def start_odoo(args, logfile):
    command = [
        sys.executable,
        f"{args.odoo_src}/odoo-bin",
        f"--addons-path={args.odoo_src}/addons,{REPO_ROOT}",
        f"--data-dir={args.data_dir}",
        f"--database={args.database}",
        f"--db-filter=^{args.database}$",
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        # the replica: a socket directory is a host for libpq (psycopg2) as for db_host
        f"--db_replica_host={args.replica_host}",
        f"--db_replica_port={args.replica_port}",
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        f"--gevent-port={args.port + 1}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        f"--logfile={logfile}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Odoo stopped (status {process.returncode}): see {logfile}")
        try:
            if requests.get(f"http://127.0.0.1:{args.port}/web/health", timeout=10).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(1)
    stop_odoo(process)
    raise RuntimeError(f"Odoo did not answer on port {args.port} within 5 minutes: see {logfile}")


def stop_odoo(process):
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ensure_user(client):
    """The Sales Admin user of the check, with a known password (made once, through the administrator)."""
    group_ids = []
    for module, name in GROUPS:
        rows = client.call(
            "ir.model.data", "search_read", [[("module", "=", module), ("name", "=", name)]], {"fields": ["res_id"]}
        )
        group_ids.append(rows[0]["res_id"])
    users = client.call("res.users", "search", [[("login", "=", LOGIN)]], {"context": {"active_test": False}})
    vals = {"groups_id": [(6, 0, group_ids)], "password": PASSWORD, "active": True}
    if users:
        client.call("res.users", "write", [users, vals])
    else:
        client.call("res.users", "create", [{"name": "Replica Check", "login": LOGIN, **vals}])


def main():
    args = parse_args()
    servers = [
        Stats("primary", args.db_host, args.db_port, args.db_user, args.database),
        Stats("replica", args.replica_host, args.replica_port, args.db_user, args.database),
    ]
    primary, replica = servers
    if primary.query("SELECT pg_is_in_recovery()")[0] or not replica.query("SELECT pg_is_in_recovery()")[0]:
        sys.exit("the primary must be a primary and the replica in recovery: run scripts/replica.sh start")
    if not replica.query("SELECT count(*) FROM pg_database WHERE datname = %s", [args.database])[0]:
        sys.exit(f"{args.database} is not on the replica (yet)")

    logdir = tempfile.mkdtemp(prefix="replica_check_")
    logfile = f"{logdir}/odoo.log"
    process = start_odoo(args, logfile)
    try:
        rows, failures = run_checks(args, servers)
    finally:
        stop_odoo(process)
    print_report(args, rows, logfile)
    if args.json:
        print(json.dumps(rows, indent=1, default=str))
    retries = [line for line in Path(logfile).read_text().splitlines() if "retrying with a read/write cursor" in line]
    if retries:
        failures.append(f"{len(retries)} read-only request(s) wrote and were run again on the primary: {retries[0]}")
    for failure in failures:
        print(f"FAILED: {failure}")
    sys.exit(1 if failures else 0)


def run_checks(args, servers):
    primary, replica = servers
    base_url = f"http://127.0.0.1:{args.port}"
    admin = Client(base_url, args.database)
    admin.login("admin", args.admin_password)
    ensure_user(admin)
    client = Client(base_url, args.database)
    uid = client.login(LOGIN, PASSWORD)

    customer = client.call(
        "res.partner",
        "search_read",
        [[("customer_rank", ">", 0), ("is_company", "=", True)]],
        {"fields": ["id"], "limit": 1, "order": "id"},
    )[0]["id"]
    product = client.call("product.product", "search", [[("sale_ok", "=", True)]], {"limit": 1})[0]

    weekly_domain = [("week_start", ">=", "2000-01-01")]
    reads = [
        (
            "baseline: res.users.has_group (Odoo's own @api.readonly)",
            lambda: client.call("res.users", "has_group", [[uid], "base.group_user"]),
        ),
        ("sales_admin.cockpit.get_cockpit_data", lambda: client.call("sales_admin.cockpit", "get_cockpit_data")),
        (
            "sales_admin.dashboard.get_dashboard_data",
            lambda: client.call("sales_admin.dashboard", "get_dashboard_data"),
        ),
        ("res.partner.get_sales_admin_360", lambda: client.call("res.partner", "get_sales_admin_360", [[customer]])),
        (
            "res.partner.action_open_sales_admin_tickets (button; on the primary by design: contrast)",
            lambda: client.call("res.partner", "action_open_sales_admin_tickets", [[customer]], route="call_button"),
        ),
        (
            "sales_admin.weekly.report web_read_group (pivot)",
            lambda: client.call(
                "sales_admin.weekly.report",
                "web_read_group",
                [],
                {"domain": weekly_domain, "fields": ["ordered:sum"], "groupby": ["week_start:week"], "lazy": False},
            ),
        ),
        (
            "sales_admin.weekly.report web_search_read (list)",
            lambda: client.call(
                "sales_admin.weekly.report",
                "web_search_read",
                [],
                {"domain": weekly_domain, "specification": {"week_label": {}, "ordered": {}}, "limit": 80},
            ),
        ),
        (
            "sales_admin.otif.report web_read_group",
            lambda: client.call(
                "sales_admin.otif.report", "web_read_group", [], {"domain": [], "fields": [], "groupby": ["partner_id"]}
            ),
        ),
        (
            "GET /sales_admin/weekly_report/export.xlsx",
            lambda: client.get("/sales_admin/weekly_report/export.xlsx", {"domain": json.dumps(weekly_domain)}),
        ),
        (
            "/jsonrpc execute_kw get_dashboard_data (contrast)",
            lambda: client.execute_kw(uid, PASSWORD, "sales_admin.dashboard", "get_dashboard_data"),
        ),
    ]
    writes = [
        (
            "sales_admin.visit.create",
            "sales_admin_visit",
            lambda: client.call("sales_admin.visit", "create", [{"partner_id": customer}]),
        ),
        (
            "sales_admin.ticket.create",
            "sales_admin_ticket",
            lambda: client.call("sales_admin.ticket", "create", [{"title": "Replica check", "partner_id": customer}]),
        ),
        ("sale.order.action_confirm (button)", "sale_order", lambda: confirm_order(client, customer, product)),
    ]

    rows, failures = [], []
    for _name, call in reads:
        call()  # warm-up: the server's caches
    for _name, _table, call in writes:
        call()
    # fresh planner statistics: an autovacuum ANALYZE during the run would count as rows read and written on the
    # primary (pg_statistic) in the middle of a read
    with psycopg2.connect(**primary.target) as conn, conn.cursor() as cr:
        cr.execute("ANALYZE")
    conn.close()
    snapshot = settled(servers)
    for name, call in reads:
        row, snapshot = measure(servers, snapshot, name, call, args.runs)
        row["expected"] = "primary" if "contrast" in name else None if name.startswith("baseline") else "replica"
        rows.append(row)
    for name, table, call in writes:
        row, snapshot = measure(servers, snapshot, name, call, args.runs, lag=True)
        row["expected"] = "primary"
        row["table"] = table
        rows.append(row)
    # the new rows on the replica: read last, through a connection to the database (which the figures would count)
    with psycopg2.connect(**replica.target) as conn, conn.cursor() as cr:
        for row in rows:
            if "table" in row:
                cr.execute(f'SELECT count(*) FROM "{row["table"]}" WHERE id = ANY(%s)', [row["ids"]])  # noqa: S608
                row["visible_on_replica"] = cr.fetchone()[0] == len(row["ids"])
    conn.close()
    for row in rows:
        if row["expected"] and row["served_by"] != row["expected"]:
            failures.append(f"{row['name']}: served by {row['served_by']}, expected {row['expected']}")
        if row.get("visible_on_replica") is False:
            failures.append(f"{row['name']}: the new rows are not on the replica")
    return rows, failures


def confirm_order(client, customer, product):
    """A new quotation of the customer, confirmed (two writes: the create, then the button)."""
    order_id = client.call(
        "sale.order",
        "create",
        [{"partner_id": customer, "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1})]}],
    )
    client.call("sale.order", "action_confirm", [[order_id]], route="call_button")
    return order_id


def measure(servers, before, name, call, runs, lag=False):
    """``runs`` calls between two settled readings of the statistics (``before`` is the previous reading); with
    ``lag``, the time from each response until the replica replayed the primary's WAL position of that moment."""
    primary, replica = servers
    latencies, lags, ids = [], [], []
    for _run in range(runs):
        started = time.perf_counter()
        result = call()
        latencies.append((time.perf_counter() - started) * 1000)
        if isinstance(result, int) and not isinstance(result, bool):
            ids.append(result)
        if lag:
            lags.append(replication_lag(primary, replica))
    after = settled(servers)
    figures = {}
    for server, old, new in zip(servers, before, after, strict=True):
        xacts, all_read, all_written, rows_read, rows_written = (b - a for a, b in zip(old, new, strict=True))
        figures[server.label] = {
            # less the probe's own transaction of the previous reading
            "xacts": round((xacts - 1) / runs, 1),
            "rows_read": round(rows_read / runs, 1),
            "rows_written": round(rows_written / runs, 1),
            "all_rows_read": round(all_read / runs, 1),
            "all_rows_written": round(all_written / runs, 1),
        }
    # the server that read the rows of the tables: every request has a little bookkeeping (the registry check and
    # the route match on the primary, on sequences and caches; a route that is read-only by default, as /jsonrpc's
    # auth="none" one, opens a read-only cursor before the service opens its own on the primary): see the baseline
    served_by = "replica" if figures["replica"]["rows_read"] > figures["primary"]["rows_read"] else "primary"
    if lag:  # a write: rows written in the primary's tables, not one table row read on the replica
        wrote = figures["primary"]["rows_written"] > 0 and not figures["replica"]["rows_read"]
        served_by = "primary" if wrote else "replica"
    row = {
        "name": name,
        "served_by": served_by,
        "latency_ms": round(statistics.median(latencies), 1),
        "ids": ids,
        **{f"{label}_{key}": value for label, values in figures.items() for key, value in values.items()},
    }
    if lag:
        row["lag_ms"] = round(statistics.median(lags), 1)
        row["lag_max_ms"] = round(max(lags), 1)
    return row, after


def replication_lag(primary, replica):
    """Milliseconds until the replica replayed what the primary had written when asked (its WAL insert position:
    the whole cluster's WAL, the other databases' writes included)."""
    lsn = primary.query("SELECT pg_current_wal_lsn()")[0]
    started = time.perf_counter()
    while replica.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0] is not True:
        if time.perf_counter() - started > 120:
            break
        time.sleep(0.002)
    return (time.perf_counter() - started) * 1000


def print_report(args, rows, logfile):
    print(
        f"database {args.database}: primary {args.db_host}:{args.db_port}, replica {args.replica_host}:"
        f"{args.replica_port}; {args.runs} measured call(s) each after a warm-up; Odoo log {logfile}"
    )
    print()
    print(
        "| entry point | served by | primary: xacts / table rows read / written | replica: xacts / table rows read "
        "| latency (median) | replication lag |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        lag = ""
        if "lag_ms" in row:
            visible = "yes" if row["visible_on_replica"] else "NO"
            lag = f"{row['lag_ms']} ms (max {row['lag_max_ms']} ms); rows on the replica: {visible}"
        primary = " / ".join(num(row[f"primary_{key}"]) for key in ("xacts", "rows_read", "rows_written"))
        replica = " / ".join(num(row[f"replica_{key}"]) for key in ("xacts", "rows_read"))
        print(f"| {row['name']} | {row['served_by']} | {primary} | {replica} | {row['latency_ms']} ms | {lag} |")


def num(value):
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


if __name__ == "__main__":
    main()
