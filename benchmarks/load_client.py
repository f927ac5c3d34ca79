"""The load's users: JSON-RPC clients over loopback, one session per user, doing a day's work (used by load.py).

Pure client code (no Odoo import): ``requests`` sessions, ``/web/session/authenticate`` then
``/web/dataset/call_kw``. Every request is recorded (operation, latency, error); an error is any HTTP status other
than 200, any JSON-RPC error, or a connection failure. Nothing is retried on the client side: a request Odoo could
not serve is an error of the run.
"""

import random
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta

import requests

TIMEOUT = 900  # seconds: longer than the servers' limit_time_real, so a killed worker shows as an HTTP error


class Budget:
    """The run's bounds: a deadline and a maximum number of requests, shared by every user."""

    def __init__(self, duration, max_requests):
        self.deadline = time.monotonic() + duration
        self.left = max_requests
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def take(self):
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline or self.stopped.is_set():
                return False
            self.left -= 1
            return True

    def running(self):
        return self.left > 0 and time.monotonic() < self.deadline and not self.stopped.is_set()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # operation -> [seconds]
        self.errors = defaultdict(list)  # operation -> [message]
        self.server_requests = defaultdict(int)  # server url -> requests
        self.first = None
        self.last = None

    def record(self, operation, server, seconds, error=None):
        now = time.monotonic()
        with self.lock:
            self.latencies[operation].append(seconds)
            self.server_requests[server] += 1
            if error:
                self.errors[operation].append(error)
            self.first = self.first or now - seconds
            self.last = now


class RpcError(Exception):
    pass


class OutOfBudget(Exception):
    pass


class Client:
    """One user's session on one server."""

    def __init__(self, url, db, login, password, stats, budget=None):
        self.url = url
        self.db = db
        self.login = login
        self.password = password
        self.stats = stats
        self.budget = budget
        self.session = requests.Session()
        self.uid = None
        self.context = {}
        self._id = 0

    def _post(self, operation, path, params):
        if self.budget is not None and not self.budget.take():
            raise OutOfBudget()
        self._id += 1
        payload = {"jsonrpc": "2.0", "method": "call", "id": self._id, "params": params}
        start = time.perf_counter()
        error = None
        try:
            response = self.session.post(self.url + path, json=payload, timeout=TIMEOUT)
            if response.status_code != 200:
                error = f"HTTP {response.status_code}"
            else:
                body = response.json()
                if "error" in body:
                    data = body["error"].get("data") or {}
                    message = (data.get("message") or body["error"].get("message") or "").strip().splitlines()
                    error = f"{data.get('name', 'error')}: {message[0] if message else ''}"
        except (requests.RequestException, ValueError) as exc:
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
        seconds = time.perf_counter() - start
        self.stats.record(operation, self.url, seconds, error)
        if error:
            raise RpcError(error)
        return body.get("result")

    def authenticate(self):
        result = self._post(
            "session.authenticate",
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": self.password},
        )
        self.uid = result["uid"]
        self.context = result.get("user_context") or {}
        return result

    def call(self, operation, model, method, *args, context=None, **kwargs):
        ctx = dict(self.context, **(context or {}))
        return self._post(
            operation,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": dict(kwargs, context=ctx)},
        )


def now_str(delta_hours=0.0):
    return (datetime.utcnow() + timedelta(hours=delta_hours)).strftime("%Y-%m-%d %H:%M:%S")


class User(threading.Thread):
    """A user of a role doing random daily actions until the budget runs out."""

    def __init__(self, client, role, index, peers, think, seed, shared):
        super().__init__(name=f"load-{client.login}", daemon=True)
        self.client = client
        self.role = role
        self.index = index  # rank among the users of the role: they share the work by id modulo peers
        self.peers = peers
        self.think = think
        self.random = random.Random(seed)
        self.shared = shared
        self.customers = []
        self.products = []
        self.failures = 0

    # ------------------------------------------------------------ helpers
    def mine(self, ids):
        return [record_id for record_id in ids if record_id % self.peers == self.index]

    def pause(self):
        if self.think > 0:
            time.sleep(min(self.random.expovariate(1.0 / self.think), self.think * 5))

    def run(self):
        try:
            self.client.authenticate()
            self.setup()
        except (RpcError, OutOfBudget):
            self.failures += 1
            return
        actions = self.actions()
        names = list(actions)
        weights = [actions[name][1] for name in names]
        while self.client.budget.running():
            name = self.random.choices(names, weights)[0]
            try:
                actions[name][0]()
            except RpcError:
                self.failures += 1  # recorded in the stats; the user goes on with something else
            except OutOfBudget:
                break
            self.pause()

    def setup(self):
        c = self.client
        self.products = c.call(
            "setup.products",
            "product.product",
            "search",
            [("sale_ok", "=", True), ("is_storable", "=", True)],
            limit=40,
            order="id",
        )
        if self.role == "sales":
            self.customers = c.call(
                "setup.customers",
                "res.partner",
                "search",
                [("user_id", "=", c.uid), ("parent_id", "=", False), ("customer_rank", ">", 0)],
                order="id",
            )
        else:
            self.customers = c.call(
                "setup.customers",
                "res.partner",
                "search",
                [("parent_id", "=", False), ("customer_rank", ">", 0)],
                limit=300,
                order="id",
            )

    def actions(self):
        if self.role == "sales":
            return {
                "cockpit": (self.cockpit, 2),
                "partner_360": (self.partner_360, 2),
                "visit": (self.visit, 5),
                "ticket": (self.ticket, 2),
                "order": (self.order, 3),
                "orders_list": (self.orders_list, 1),
            }
        if self.role == "admin":
            return {
                "cockpit": (self.cockpit, 2),
                "dashboard": (self.dashboard, 1),
                "delivery": (self.delivery, 4),
                "paperwork": (self.paperwork, 2),
                "log_call": (self.log_call, 2),
                "solve_ticket": (self.solve_ticket, 2),
                "confirm_quotation": (self.confirm_quotation, 1),
                "partner_360": (self.partner_360, 1),
            }
        return {
            "invoice": (self.invoice, 3),
            "payment": (self.payment, 4),
            "reminders_list": (self.reminders_list, 1),
            "dashboard": (self.dashboard, 1),
            "partner_360": (self.partner_360, 1),
        }

    # ------------------------------------------------------------ reads
    def cockpit(self):
        self.client.call("cockpit.get_cockpit_data", "sales_admin.cockpit", "get_cockpit_data")

    def dashboard(self):
        self.client.call("dashboard.get_dashboard_data", "sales_admin.dashboard", "get_dashboard_data")

    def partner_360(self):
        if self.customers:
            partner = self.random.choice(self.customers)
            self.client.call("partner_360.get_sales_admin_360", "res.partner", "get_sales_admin_360", [partner])

    def orders_list(self):
        self.client.call(
            "orders_list.web_search_read",
            "sale.order",
            "web_search_read",
            [("user_id", "=", self.client.uid)],
            specification={"name": {}, "partner_id": {"fields": {"display_name": {}}}, "state": {}, "amount_total": {}},
            limit=40,
            order="date_order desc",
        )

    def reminders_list(self):
        self.client.call(
            "reminders_list.web_search_read",
            "sales_admin.reminder",
            "web_search_read",
            [],
            specification={"partner_id": {"fields": {"display_name": {}}}, "state": {}, "amount_overdue": {}},
            limit=40,
        )

    # ------------------------------------------------------------ salespeople
    def visit(self):
        """Move one of the salesperson's visits one step: check out, check in, book a proposal, or plan one."""
        c = self.client
        visits = c.call(
            "visit.search_read",
            "sales_admin.visit",
            "search_read",
            [("user_id", "=", c.uid), ("state", "in", ("proposed", "planned", "in_progress"))],
            fields=["state", "partner_id"],
            limit=80,
            order="id",
        )
        by_state = defaultdict(list)
        for visit in visits:
            by_state[visit["state"]].append(visit["id"])
        roll = self.random.random()
        if by_state["in_progress"] and roll < 0.5:
            c.call("visit.action_check_out", "sales_admin.visit", "action_check_out", [by_state["in_progress"][0]])
        elif by_state["planned"] and roll < 0.8:
            c.call(
                "visit.action_check_in",
                "sales_admin.visit",
                "action_check_in",
                [self.random.choice(by_state["planned"])],
                latitude=52.2297 + self.random.uniform(-0.5, 0.5),
                longitude=21.0122 + self.random.uniform(-0.5, 0.5),
            )
        elif by_state["proposed"] and roll < 0.95:
            c.call("visit.action_book", "sales_admin.visit", "action_book", [self.random.choice(by_state["proposed"])])
        else:
            busy = {visit["partner_id"][0] for visit in visits}
            free = [partner for partner in self.customers if partner not in busy]
            if free:
                c.call(
                    "visit.create",
                    "sales_admin.visit",
                    "create",
                    [
                        {
                            "partner_id": self.random.choice(free),
                            "user_id": c.uid,
                            "planned_start": now_str(self.random.uniform(1, 72)),
                            "purpose": "Load test visit",
                        }
                    ],
                )

    def ticket(self):
        if self.customers:
            self.client.call(
                "ticket.create",
                "sales_admin.ticket",
                "create",
                [
                    {
                        "title": f"Load request {self.random.randint(1, 10**6)}",
                        "partner_id": self.random.choice(self.customers),
                        "channel": self.random.choice(("phone", "email", "visit")),
                        "description": "<p>Logged during the load test.</p>",
                    }
                ],
            )

    def order(self):
        if not (self.customers and self.products):
            return
        c = self.client
        lines = [
            (0, 0, {"product_id": product, "product_uom_qty": self.random.randint(1, 20)})
            for product in self.random.sample(self.products, k=min(len(self.products), self.random.randint(1, 3)))
        ]
        order_ids = c.call(
            "order.create",
            "sale.order",
            "create",
            [{"partner_id": self.random.choice(self.customers), "user_id": c.uid, "order_line": lines}],
        )
        c.call("order.action_confirm", "sale.order", "action_confirm", order_ids)

    # ------------------------------------------------------------ sales administration
    def delivery(self):
        """Validate a ready delivery: quantities set to the demand, then button_validate (and its wizard)."""
        c = self.client
        ids = c.call(
            "delivery.search",
            "stock.picking",
            "search",
            [("picking_type_code", "=", "outgoing"), ("state", "=", "assigned")],
            limit=300,
            order="id desc",
        )
        ids = self.mine(ids)
        if not ids:
            return
        picking = self.random.choice(ids[:20])
        moves = c.call(
            "delivery.read_moves",
            "stock.move",
            "search_read",
            [("picking_id", "=", picking), ("state", "not in", ("done", "cancel"))],
            fields=["product_uom_qty"],
        )
        for move in moves:
            c.call(
                "delivery.set_quantity",
                "stock.move",
                "write",
                [move["id"]],
                {"quantity": move["product_uom_qty"], "picked": True},
            )
        result = c.call("delivery.button_validate", "stock.picking", "button_validate", [picking])
        # a wizard may come back: the SMS confirmation asked once per company, a backorder for what is missing
        methods = {"confirm.stock.sms": "dont_send_sms", "stock.backorder.confirmation": "process"}
        for _step in range(3):
            if not (isinstance(result, dict) and result.get("res_model") in methods):
                break
            model = result["res_model"]
            context = result.get("context") or {}
            wizard = c.call(f"delivery.{model}.create", model, "create", [{}], context=context)
            result = c.call(f"delivery.{model}.{methods[model]}", model, methods[model], wizard, context=context)

    def paperwork(self):
        c = self.client
        ids = self.mine(
            c.call(
                "paperwork.search",
                "sales_admin.visit",
                "search",
                [("paperwork_state", "=", "to_process")],
                limit=200,
                order="id",
            )
        )
        if ids:
            c.call("paperwork.action_process_paperwork", "sales_admin.visit", "action_process_paperwork", ids[:5])

    def log_call(self):
        if not self.customers:
            return
        c = self.client
        wizard = c.call(
            "log_call.wizard_create",
            "sales_admin.ticket.log.call",
            "create",
            [
                {
                    "partner_id": self.random.choice(self.customers),
                    "title": f"Phone call {self.random.randint(1, 10**6)}",
                    "note": "<p>The customer called during the load test.</p>",
                }
            ],
        )
        c.call("log_call.action_log_call", "sales_admin.ticket.log.call", "action_log_call", wizard)

    def solve_ticket(self):
        c = self.client
        stages = self.shared.get("closed_stage")
        if stages is None:
            stages = c.call(
                "solve_ticket.stages",
                "sales_admin.ticket.stage",
                "search",
                [("is_closed", "=", True)],
                order="sequence, id",
                limit=1,
            )
            self.shared["closed_stage"] = stages
        ids = self.mine(
            c.call(
                "solve_ticket.search",
                "sales_admin.ticket",
                "search",
                [("is_closed", "=", False)],
                limit=200,
                order="id",
            )
        )
        if ids and stages:
            c.call("solve_ticket.write_stage", "sales_admin.ticket", "write", [ids[0]], {"stage_id": stages[0]})

    def confirm_quotation(self):
        c = self.client
        ids = self.mine(
            c.call(
                "confirm_quotation.search",
                "sale.order",
                "search",
                # the quotations waiting from before the run: a salesperson confirms the ones made during it himself
                # (two people confirming one quotation at once is a race of theirs, not of the server)
                [("state", "in", ("draft", "sent")), ("create_date", "<", self.shared["since"])],
                limit=200,
                order="id desc",
            )
        )
        if ids:
            c.call("confirm_quotation.action_confirm", "sale.order", "action_confirm", [ids[0]])

    # ------------------------------------------------------------ billing
    def invoice(self):
        """Invoice a delivered order (the down-payment wizard, "delivered" lines) and post the invoice."""
        c = self.client
        ids = self.mine(
            c.call(
                "invoice.search",
                "sale.order",
                "search",
                [("state", "=", "sale"), ("invoice_status", "=", "to invoice")],
                limit=200,
                order="id desc",
            )
        )
        if not ids:
            return
        order = ids[0]
        context = {"active_model": "sale.order", "active_ids": [order], "active_id": order}
        wizard = c.call(
            "invoice.wizard_create",
            "sale.advance.payment.inv",
            "create",
            [{"advance_payment_method": "delivered"}],
            context=context,
        )
        c.call("invoice.create_invoices", "sale.advance.payment.inv", "create_invoices", wizard, context=context)
        drafts = c.call(
            "invoice.search_draft",
            "account.move",
            "search",
            [("invoice_origin", "!=", False), ("state", "=", "draft"), ("line_ids.sale_line_ids.order_id", "=", order)],
        )
        if drafts:
            c.call("invoice.action_post", "account.move", "action_post", drafts)

    def payment(self):
        """Register a payment (full, or half of what is left) on a posted customer invoice."""
        c = self.client
        ids = self.mine(
            c.call(
                "payment.search",
                "account.move",
                "search",
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                limit=400,
                order="invoice_date_due, id",
            )
        )
        if not ids:
            return
        invoice = self.random.choice(ids[:40])
        context = {"active_model": "account.move", "active_ids": [invoice], "active_id": invoice}
        vals = {}
        if self.random.random() < 0.3:
            residual = c.call("payment.read_residual", "account.move", "read", [invoice], ["amount_residual"])[0][
                "amount_residual"
            ]
            vals = {"amount": round(residual / 2, 2), "payment_difference_handling": "open"}
        wizard = c.call("payment.wizard_create", "account.payment.register", "create", [vals], context=context)
        c.call(
            "payment.action_create_payments",
            "account.payment.register",
            "action_create_payments",
            wizard,
            context=context,
        )


class Operator(threading.Thread):
    """The administrator: every ``every`` seconds, asks the cron workers to run the three crons (ir.cron.trigger,
    taken by the cron worker of either server) but one of the cadence and proposal crons, in turn, that he runs
    himself through "Run Manually" (ir.cron.method_direct_trigger, in an HTTP worker) when it is not waiting for or
    in a cron worker."""

    CRONS = (
        "sales_admin_addon.ir_cron_sales_admin_send_reminders",
        "sales_admin_addon.ir_cron_res_partner_refresh_visit_cadence_state",
        "sales_admin_addon.ir_cron_propose_visits",
    )

    def __init__(self, client, every):
        super().__init__(name="load-operator", daemon=True)
        self.client = client
        self.every = every
        self.cron_ids = []
        self.triggered = 0
        self.direct = 0
        self.failures = 0

    def resolve(self):
        c = self.client
        for xmlid in self.CRONS:
            module, name = xmlid.split(".")
            data = c.call(
                "operator.xmlid",
                "ir.model.data",
                "search_read",
                [("module", "=", module), ("name", "=", name)],
                fields=["res_id"],
            )
            self.cron_ids.append(data[0]["res_id"])

    def run(self):
        try:
            self.client.authenticate()
            self.resolve()
        except (RpcError, OutOfBudget):
            self.failures += 1
            return
        turn = 0
        while self.client.budget.running():
            try:
                self.round(turn)
            except RpcError:
                self.failures += 1
            except OutOfBudget:
                break
            turn += 1
            end = time.monotonic() + self.every
            while time.monotonic() < end and self.client.budget.running():
                time.sleep(1)

    def round(self, turn):
        c = self.client
        # "Run Manually" in turn for the cadence and proposal crons; the reminder run (letters rendered by
        # wkhtmltopdf, minutes on a loaded machine) is left to the cron workers, as in production
        direct = self.cron_ids[1 + turn % (len(self.cron_ids) - 1)]
        pending = c.call(
            "operator.pending_triggers",
            "ir.cron.trigger",
            "search_count",
            [("cron_id", "=", direct)],
        )
        for cron_id in self.cron_ids:
            if cron_id == direct and not pending:
                continue
            c.call("operator.trigger", "ir.cron.trigger", "create", [{"cron_id": cron_id, "call_at": now_str()}])
            self.triggered += 1
        if not pending:
            c.call("operator.method_direct_trigger", "ir.cron", "method_direct_trigger", [direct])
            self.direct += 1


def percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(share * (len(ordered) - 1)))))
    return ordered[rank]
