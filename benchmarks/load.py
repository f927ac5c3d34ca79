"""Multi-worker load: 50 users' daily work over JSON-RPC on two Odoo servers sharing one PostgreSQL database.

Never part of ``make test`` (``make load``, scripts/load.sh). Steps:

1. copy the benchmark database (``createdb -T sales_admin_bench <db>``, with its filestore; the original is never
   touched), upgrade the addon in the copy, and prepare it (benchmarks/load_prepare.py: the users of three roles with
   their passwords, customers spread over the salespeople, visit cadences, stock, crons of the night moved away);
2. start two Odoo servers on that database, in multi-process mode, with the same data directory (filestore and
   HTTP sessions shared): server A ``--workers 4 --max-cron-threads 1``, server B ``--workers 2
   --max-cron-threads 1``, each with its own HTTP and gevent ports, ``--log-level=info`` into a log file;
3. play the users for ``--duration`` seconds and at most ``--max-requests`` requests: threads in this process, one
   HTTP session per user, two users in three on server A and one in three on server B; salespeople plan, book,
   check in and check out visits, log requests, create and confirm orders, read their cockpit and their customers'
   360; Sales Administration users validate deliveries, process visit paperwork, log phone calls through the
   wizard, solve requests, confirm quotations, read the dashboard and the cockpit; billing users invoice delivered
   orders and register payments; the administrator triggers the reminder, cadence and proposal crons on a cycle
   (``ir.cron.trigger``: the cron worker of either server takes them; the cadence or the proposal cron, in turn,
   through ``method_direct_trigger`` in an HTTP worker);
4. after the users stop, let the crons finish, check each cockpit counter against ``search_count`` of the list it
   opens (over RPC, as the same user), stop the servers, then check the data (benchmarks/load_check.py: duplicates,
   stored figures against a recomputation) and count in the server logs the serialization failures Odoo retried
   (``odoo.service.model``: "... tries left, try again"), the ones it gave up, and every ERROR line;
5. print a markdown report (``--append`` appends it to benchmarks/RESULTS.md). Exit 1 when a request failed or a
   check found a difference.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import requests
from _common import REPO_ROOT, _env_sh_odoo_args
from load_client import Budget, Client, Operator, RpcError, Stats, User, percentile

BENCH_DIR = Path(__file__).resolve().parent
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
PYTHON = sys.executable
RETRY_RE = re.compile(r"odoo\.service\.model: (\w+), (\d+) tries left, try again")
BATCH_RETRY_RE = re.compile(r"sales_admin_addon\.tools: (\w+) in a batch, (\d+) tries left")
GAVE_UP_RE = re.compile(r"odoo\.service\.model: (\w+), maximum number of tries reached")
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) (\S+) ([\w.]+): (.*)$")
JOB_DONE_RE = re.compile(r"Job '(.+?)' \((\d+)\) processed (\d+) records, (\d+) records remaining")
MANUAL_RE = re.compile(r"Job '(.+?)' \((\d+)\) done")


def parse():
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", default=env.get("LOAD_DB", "sales_admin_load"), help="the copy")
    parser.add_argument("--bench-db", default=env.get("BENCH_DB", "sales_admin_bench"), help="copied, never changed")
    parser.add_argument("--bench-data-dir", default=env.get("BENCH_DATA_DIR"), help="data dir of the bench database")
    parser.add_argument("--users", type=int, default=int(env.get("USERS", 50)))
    parser.add_argument("--duration", type=float, default=float(env.get("DURATION", 600)), help="seconds")
    parser.add_argument("--max-requests", type=int, default=int(env.get("MAX_REQUESTS", 200000)))
    parser.add_argument("--think", type=float, default=float(env.get("THINK", 1.0)), help="mean pause, seconds")
    parser.add_argument("--cron-every", type=float, default=float(env.get("CRON_EVERY", 45)), help="seconds")
    parser.add_argument("--cron-wait", type=float, default=float(env.get("CRON_WAIT", 600)), help="seconds, at most")
    parser.add_argument("--workers", type=int, default=int(env.get("WORKERS", 4)), help="server A's workers")
    parser.add_argument("--workers-b", type=int, default=int(env.get("WORKERS_B", 2)), help="server B's (0: none)")
    parser.add_argument("--ports", default=env.get("LOAD_PORTS", "8272,8273"), help="HTTP ports of A and B")
    parser.add_argument("--gevent-ports", default=env.get("LOAD_GEVENT_PORTS", "9272,9273"))
    parser.add_argument("--db-maxconn", type=int, default=int(env.get("DB_MAXCONN", 8)), help="per process")
    parser.add_argument("--out", default=env.get("LOAD_OUT"), help="directory of logs and report")
    parser.add_argument("--reuse", action="store_true", help="use the prepared copy as it is (development)")
    parser.add_argument("--keep", action="store_true", help="keep the copy afterwards (default: dropped)")
    parser.add_argument("--append", action="store_true", help="append the report to benchmarks/RESULTS.md")
    parser.add_argument("--title", default="", help="suffix of the RESULTS.md section title")
    args, odoo_args = parser.parse_known_args()
    if not any(arg.startswith("--addons-path") for arg in odoo_args):
        odoo_args = _env_sh_odoo_args() + odoo_args
    args.odoo_args = odoo_args
    args.data_dir = next(arg.split("=", 1)[1] for arg in odoo_args if arg.startswith("--data-dir="))
    args.ports = [int(port) for port in args.ports.split(",")]
    args.gevent_ports = [int(port) for port in args.gevent_ports.split(",")]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    args.out = Path(args.out or REPO_ROOT / "benchmarks" / "out" / f"load-{stamp}")
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def say(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def pg_args(args):
    pg = []
    for arg in args.odoo_args:
        for option, flag in (("--db_host=", "-h"), ("--db_port=", "-p"), ("--db_user=", "-U")):
            if arg.startswith(option):
                pg += [flag, arg.split("=", 1)[1]]
    return pg


def pg_env(args):
    env = dict(os.environ)
    for arg in args.odoo_args:
        if arg.startswith("--db_password="):
            env["PGPASSWORD"] = arg.split("=", 1)[1]
    return env


def psql(args, sql, db=None):
    out = subprocess.run(
        ["psql", *pg_args(args), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", db or "postgres", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        env=pg_env(args),
    )
    return out.stdout.strip()


def db_exists(args, name):
    return psql(args, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def odoo(args, *extra, **kwargs):
    return subprocess.run([PYTHON, f"{ODOO_SRC}/odoo-bin", *args.odoo_args, *extra], check=True, **kwargs)


def copy_database(args):
    if not re.fullmatch(r"[A-Za-z0-9_]+", args.database) or args.database == args.bench_db:
        sys.exit(f"refusing database name {args.database!r}")
    if not db_exists(args, args.bench_db):
        sys.exit(f"no benchmark database {args.bench_db!r}: build it with `make bench` first")
    drop_database(args)
    say(f"copying {args.bench_db} into {args.database}")
    subprocess.run(["createdb", *pg_args(args), "-T", args.bench_db, args.database], check=True, env=pg_env(args))
    source = Path(args.bench_data_dir or args.data_dir) / "filestore" / args.bench_db
    target = Path(args.data_dir) / "filestore" / args.database
    if source.is_dir():
        shutil.copytree(source, target)
    say(f"upgrading sales_admin_addon in {args.database}")
    odoo(args, "-d", args.database, "-u", "sales_admin_addon", "--stop-after-init", "--no-http", "--log-level=warn")


def drop_database(args):
    subprocess.run(
        ["dropdb", *pg_args(args), "--if-exists", args.database], check=True, env=pg_env(args), capture_output=True
    )
    shutil.rmtree(Path(args.data_dir) / "filestore" / args.database, ignore_errors=True)


def prepare(args, credentials):
    say(f"preparing {args.users} users (benchmarks/load_prepare.py)")
    subprocess.run(
        [
            PYTHON,
            str(BENCH_DIR / "load_prepare.py"),
            *args.odoo_args,
            "-d",
            args.database,
            "--users",
            str(args.users),
            "--credentials",
            str(credentials),
            "--base-url",
            f"http://127.0.0.1:{args.ports[0]}",
            "--hours",
            str(args.duration / 3600 + 2),
        ],
        check=True,
    )


class Server:
    def __init__(self, args, name, workers, port, gevent_port):
        self.name = name
        self.workers = workers
        self.url = f"http://127.0.0.1:{port}"
        self.log = args.out / f"server_{name}.log"
        self.command = [
            PYTHON,
            f"{ODOO_SRC}/odoo-bin",
            *args.odoo_args,
            "-d",
            args.database,
            f"--db-filter=^{args.database}$",
            f"--workers={workers}",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={gevent_port}",
            f"--db_maxconn={args.db_maxconn}",
            "--limit-time-cpu=600",
            "--limit-time-real=1200",
            "--limit-time-real-cron=1800",
            "--limit-memory-soft=2147483648",
            "--limit-memory-hard=2684354560",
            "--limit-request=65536",
            "--log-level=info",
            f"--logfile={self.log}",
        ]
        self.process = None

    def start(self):
        # what the server writes outside its log file (the gevent process' start-up errors): a file of its own
        with open(self.log.with_suffix(".stderr"), "w") as stderr:
            self.process = subprocess.Popen(
                self.command, start_new_session=True, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr
            )

    def wait_ready(self, timeout=180):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                sys.exit(f"server {self.name} stopped at start (exit {self.process.returncode}); see {self.log}")
            try:
                if requests.get(self.url + "/web/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        sys.exit(f"server {self.name} not ready after {timeout} s; see {self.log}")

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)  # the session this script started for the server and its workers
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait()


def wait_crons_idle(args, timeout=600):
    """Until no trigger is left and no cron job row is locked by a cron worker (or ``timeout``)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pending = psql(
            args,
            "SELECT count(*) FROM ir_cron_trigger t JOIN ir_cron c ON c.id = t.cron_id "
            "WHERE c.active AND t.call_at <= now() AT TIME ZONE 'UTC'",
            args.database,
        )
        running = psql(
            args,
            f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{args.database}' AND state = 'active' "
            "AND pid <> pg_backend_pid()",
        )
        if pending == "0" and running == "0":
            return True
        time.sleep(3)
    return False


def cockpit_check(url, db, credentials, stats):
    """Each cockpit counter against search_count of the list it opens, as the same user, over RPC."""
    differences, checked = [], 0
    for cred in credentials:
        client = Client(url, db, cred["login"], cred["password"], stats)
        try:
            client.authenticate()
            data = client.call("check.get_cockpit_data", "sales_admin.cockpit", "get_cockpit_data")
            for section in data["sections"]:
                for counter in section["counters"]:
                    action = counter["action"]
                    listed = client.call("check.search_count", action["res_model"], "search_count", action["domain"])
                    checked += 1
                    if listed != counter["count"]:
                        differences.append(
                            f"{cred['login']} {data['scope']} {counter['key']}: "
                            f"shows {counter['count']}, lists {listed}"
                        )
        except RpcError as error:
            differences.append(f"{cred['login']}: {error}")
    return checked, differences


def scan_logs(paths):
    retries, gave_up, levels, errors, jobs = Counter(), Counter(), Counter(), Counter(), Counter()
    batch_retries = Counter()
    for path in paths:
        if not path.exists():
            continue
        for raw in path.read_text(errors="replace").splitlines():
            if match := RETRY_RE.search(raw):
                retries[match.group(1)] += 1
            if match := BATCH_RETRY_RE.search(raw):
                batch_retries[match.group(1)] += 1
            if match := GAVE_UP_RE.search(raw):
                gave_up[match.group(1)] += 1
            if match := JOB_DONE_RE.search(raw):
                jobs[match.group(1)] += 1
            if match := LOG_LINE_RE.match(raw):
                level, _db, logger, message = match.groups()
                levels[level] += 1
                if level in ("ERROR", "CRITICAL"):
                    errors[f"{logger}: {re.sub(r'[0-9]+', 'N', message)[:160]}"] += 1
    return retries, gave_up, levels, errors, jobs, batch_retries


def run_check(args, since):
    out = subprocess.run(
        [PYTHON, str(BENCH_DIR / "load_check.py"), *args.odoo_args, "-d", args.database, "--since", since],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def loadavg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    args = parse()
    credentials_file = args.out / "credentials.json"
    if not args.reuse or not db_exists(args, args.database):
        copy_database(args)
        prepare(args, credentials_file)
    elif not credentials_file.exists():
        sys.exit(f"--reuse needs {credentials_file} from the run that prepared {args.database}")
    credentials = json.loads(credentials_file.read_text())
    users = [cred for cred in credentials if cred["role"] != "operator"]
    operator = next(cred for cred in credentials if cred["role"] == "operator")

    servers = [Server(args, "a", args.workers, args.ports[0], args.gevent_ports[0])]
    if args.workers_b:
        servers.append(Server(args, "b", args.workers_b, args.ports[1], args.gevent_ports[1]))
    load_before = loadavg()
    report = {}
    try:
        for server in servers:
            say(f"starting server {server.name}: {server.workers} workers + 1 cron worker on {server.url}")
            server.start()
        for server in servers:
            server.wait_ready()
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        stats = Stats()
        budget = Budget(args.duration, args.max_requests)
        shared = {"since": since}
        by_role = {}
        threads = []
        for number, cred in enumerate(users):
            role_users = by_role.setdefault(cred["role"], [])
            server = servers[1] if len(servers) > 1 and number % 3 == 2 else servers[0]
            client = Client(server.url, args.database, cred["login"], cred["password"], stats, budget)
            role_users.append(client)
            threads.append((client, cred["role"]))
        players = []
        for index, (client, role) in enumerate(threads):
            peers = len(by_role[role])
            rank = by_role[role].index(client)
            players.append(User(client, role, rank, peers, args.think, index, shared))
        op = Operator(
            Client(servers[0].url, args.database, operator["login"], operator["password"], stats, budget),
            args.cron_every,
        )
        say(f"playing {len(players)} users for {args.duration:.0f} s (at most {args.max_requests} requests)")
        start = time.monotonic()
        for player in [*players, op]:
            player.start()
            time.sleep(0.05)
        for player in [*players, op]:
            player.join()
        elapsed = time.monotonic() - start
        load_after = loadavg()
        say("users done; waiting for the crons to finish")
        crons_idle = wait_crons_idle(args, args.cron_wait)
        say("checking the cockpit counters against their lists")
        sample = [next(cred for cred in users if cred["role"] == role) for role in ("sales", "admin", "billing")]
        sample += [cred for cred in users if cred["role"] == "sales"][1:3]
        check_stats = Stats()
        cockpit_checked, cockpit_diffs = cockpit_check(servers[0].url, args.database, sample, check_stats)
    finally:
        for server in servers:
            server.stop()
    say("checking the data (benchmarks/load_check.py)")
    checks = run_check(args, since)
    retries, gave_up, levels, log_errors, jobs, batch_retries = scan_logs([server.log for server in servers])
    report = dict(
        args=args,
        servers=servers,
        stats=stats,
        elapsed=elapsed,
        load_before=load_before,
        load_after=load_after,
        crons_idle=crons_idle,
        operator=op,
        cockpit_checked=cockpit_checked,
        cockpit_diffs=cockpit_diffs,
        checks=checks,
        retries=retries,
        gave_up=gave_up,
        batch_retries=batch_retries,
        levels=levels,
        log_errors=log_errors,
        jobs=jobs,
        users=users,
    )
    markdown = render(report)
    (args.out / "report.md").write_text(markdown)
    print(markdown)
    if args.append:
        with open(REPO_ROOT / "benchmarks" / "RESULTS.md", "a") as results:
            results.write("\n" + markdown)
        say("report appended to benchmarks/RESULTS.md")
    if not args.keep:
        drop_database(args)
    failed = (
        sum(len(errors) for errors in stats.errors.values())
        + len(cockpit_diffs)
        + sum(len(problems) for problems in checks["problems"].values())
    )
    sys.exit(1 if failed else 0)


def render(r):
    args, stats = r["args"], r["stats"]
    total = sum(len(values) for values in stats.latencies.values())
    errors = Counter()
    for operation, messages in stats.errors.items():
        for message in messages:
            errors[(operation, message)] += 1
    n_errors = sum(errors.values())
    roles = Counter(cred["role"] for cred in r["users"])
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    title = (
        f"## {now} UTC: load.py, {len(r['users'])} users for {args.duration / 60:g} minutes on "
        + "+".join(str(server.workers) for server in r["servers"])
        + " workers (issue 10, items 2 and 3)"
        + (f", {args.title}" if args.title else "")
    )
    lines = [title, ""]
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    lines += [
        f"- Command: `make load DURATION={args.duration:g} USERS={args.users}` (benchmarks/load.py; database "
        f"`{args.database}`, a copy of `{args.bench_db}` upgraded and prepared by benchmarks/load_prepare.py).",
        f"- Machine: {cpu}, {os.cpu_count()} CPUs shared with other jobs; load average (1, 5, 15 min) before "
        f"{r['load_before']}, at the end of the users' run {r['load_after']}.",
        "- Servers on one PostgreSQL database, one data directory (filestore and sessions shared): "
        + "; ".join(
            f"{server.name.upper()} {server.url} `--workers {server.workers} --max-cron-threads 1`"
            for server in r["servers"]
        )
        + f"; `--db_maxconn {args.db_maxconn} --limit-time-cpu 600 --limit-time-real 1200 --limit-time-real-cron 1800"
        " --limit-memory-soft 2 GiB --limit-memory-hard 2.5 GiB`.",
        f"- Users: {roles['sales']} salespeople, {roles['admin']} Sales Administration users, {roles['billing']} "
        f"billing users (two in three on server A, one in three on B), mean think time {args.think:g} s; the "
        f"administrator triggered the reminder, cadence and proposal crons every {args.cron_every:g} s "
        f"({r['operator'].triggered} ir.cron.trigger rows for the cron workers, {r['operator'].direct} runs through "
        "method_direct_trigger).",
        f"- Requests: {total} in {r['elapsed']:.0f} s ({total / r['elapsed']:.1f} requests/s); per server: "
        + ", ".join(f"{url} {count}" for url, count in sorted(stats.server_requests.items()))
        + f"; errors (HTTP or JSON-RPC): **{n_errors}**.",
        f"- Serialization failures retried by Odoo (`odoo.service.model`, server logs): "
        f"{sum(r['retries'].values())} ({', '.join(f'{k} {v}' for k, v in r['retries'].items()) or 'none'}); "
        f"given up: {sum(r['gave_up'].values())}; batches of our crons run again (`tools.retry_batch`): "
        f"{sum(r['batch_retries'].values())}; client-side retries: 0 (the client never retries).",
        f"- Server logs: {', '.join(f'{k} {v}' for k, v in sorted(r['levels'].items()))} lines; cron jobs run "
        "by the cron workers: "
        + (", ".join(f"{name} x{count}" for name, count in sorted(r["jobs"].items())) or "none")
        + ("" if r["crons_idle"] else " (crons still running when the servers stopped)")
        + ".",
    ]
    if errors:
        lines += ["", "Errors:", "", "| Operation | Error | Count |", "|---|---|---:|"]
        for (operation, message), count in errors.most_common():
            lines.append(f"| {operation} | {message.replace('|', '/')} | {count} |")
    if r["log_errors"]:
        lines += ["", "ERROR lines of the server logs:", "", "| Logger: message | Count |", "|---|---:|"]
        for message, count in r["log_errors"].most_common(20):
            lines.append(f"| {message.replace('|', '/')} | {count} |")
    lines += [
        "",
        "| Operation (one JSON-RPC request) | Requests | Errors | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for operation in sorted(stats.latencies):
        values = stats.latencies[operation]
        lines.append(
            f"| {operation} | {len(values)} | {len(stats.errors.get(operation, []))} | "
            f"{percentile(values, 0.5) * 1000:.0f} | {percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    all_values = [value for values in stats.latencies.values() for value in values]
    if all_values:
        lines.append(
            f"| **all** | {len(all_values)} | {n_errors} | {percentile(all_values, 0.5) * 1000:.0f} | "
            f"{percentile(all_values, 0.95) * 1000:.0f} | {max(all_values) * 1000:.0f} |"
        )
    checks = r["checks"]
    lines += ["", "Data checks after the run (benchmarks/load_check.py, SQL and the ORM on the stopped database):", ""]
    for name, value in checks["figures"].items():
        lines.append(f"- {name}: {value}")
    lines.append(
        f"- Cockpit counters against `search_count` of the list each opens, as the same user (5 users, over "
        f"RPC): {r['cockpit_checked']} counters, {len(r['cockpit_diffs'])} differences"
        + (": " + "; ".join(r["cockpit_diffs"][:10]) if r["cockpit_diffs"] else "")
        + "."
    )
    for name, problems in checks["problems"].items():
        lines.append(
            f"- {name}: **{len(problems)}**" + (" (" + "; ".join(map(str, problems[:5])) + ")" if problems else "")
        )
    median = statistics.median(all_values) * 1000 if all_values else 0
    lines += [
        "",
        f"Reading: {n_errors} errors in {total} requests; median request {median:.0f} ms on "
        f"{os.cpu_count()} shared cores.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
