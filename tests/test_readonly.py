"""The addon's read-only entry points: marked so that Odoo 18 serves them from the database replica, and writing
nothing (issue 10, item 3).

Odoo 18 opens a read-only cursor (on ``db_replica_host``/``db_replica_port`` when set) for a request whose route is
``readonly``: ``/web/dataset/call_kw`` and ``/web/dataset/call_button`` are when the called method carries
``@api.readonly`` (``DataSet._call_kw_readonly``), a controller route when declared with ``readonly=True``. A write
in such a request fails (``ReadOnlySqlTransaction``) and Odoo runs the whole request again on the primary, with a
warning: a method marked read-only that writes costs twice and is never served by the replica.

``READONLY_METHODS`` and ``READONLY_ROUTES`` list the entry points we claim; the tests check that each carries
Odoo's marker (and that nothing else of ours does, so a new mark gets listed here), then call each over HTTP as a
Sales Admin user: the test server opens its read-only cursors as Odoo does in tests (``TestCursor`` with
``SET TRANSACTION READ ONLY``), so a write would fail and be retried with the warning the test looks for.
"""

import logging
import re
from unittest.mock import patch
from urllib.parse import urlencode as url_encode

from odoo import Command, api
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import GROUP_USER

RETRY_WARNING = "retrying with a read/write cursor"

# model: {method: the test's records it is called on ("record") or its arguments (a list)}. Only the reads that cost:
# the buttons that open a list or a form stay on the primary (as Odoo's own do), since the web client saves a record
# and calls its button at once, and a replica that has not replayed the save yet would not find the record.
READONLY_METHODS = {
    "res.partner": {"get_sales_admin_360": "record"},
    "sales_admin.cockpit": {"get_cockpit_data": []},
    "sales_admin.dashboard": {"get_dashboard_data": []},
}

# the reports' lists, pivots and graphs read through Odoo's own read-only methods: none of our overrides may write
REPORT_READS = [
    ("sales_admin.aged.receivable.report", "web_read_group", {"fields": [], "groupby": ["partner_id"]}),
    ("sales_admin.otif.report", "web_read_group", {"fields": [], "groupby": ["partner_id"]}),
    ("sales_admin.ticket.report", "web_read_group", {"fields": [], "groupby": ["stage_id"]}),
    ("sales_admin.weekly.report", "web_read_group", {"fields": [], "groupby": ["week_start:week"]}),
    ("sales_admin.weekly.report", "web_search_read", {"specification": {"week_label": {}}, "limit": 80}),
    ("sales_admin.weekly.customer.report", "web_read_group", {"fields": [], "groupby": ["partner_id"]}),
]

# controller routes of ours that only read: their paths, and a URL a Sales Admin user opens
READONLY_ROUTES = {
    "/sales_admin/weekly_report/export.xlsx": '/sales_admin/weekly_report/export.xlsx?domain=[["ordered", ">=", 0]]',
}
# routes that look like reads but write: the portal list gives each request its access token on first display
WRITING_ROUTES = ["/my/requests"]


def is_readonly(model, method):
    """Odoo's own test (``DataSet._call_kw_readonly``): the first class of the model's MRO whose method carries the
    ``@api.readonly`` marker decides."""
    for cls in type(model).mro():
        function = getattr(cls, method, None)
        if function is not None and hasattr(function, "_readonly"):
            return function._readonly
    return False


@tagged("post_install", "-at_install")
class TestReadonly(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the records of every model, as the access test makes them (one per model, in the user's company)
        from . import test_rpc_access  # noqa: PLC0415 (a module-level import would collect its tests here too)

        cls.company = cls.env.company
        cls.records = test_rpc_access.TestRpcAccess._make_records.__func__(cls)
        cls.user = new_test_user(
            cls.env,
            login="sa_readonly",
            name="Sales Admin Reader",
            groups=f"base.group_user,{GROUP_USER},account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    # helpers

    def _call(self, model, method, args, kwargs=None):
        """``model.method`` over JSON-RPC as the web client calls it (buttons through call_button); the result and
        whether Odoo had to run it again on a read/write cursor."""
        route = "call_button" if method.startswith("action_") else "call_kw"
        with self.assertLogs("odoo.http", logging.WARNING) as logs:
            logging.getLogger("odoo.http").warning("sales_admin readonly probe")  # assertLogs needs one record
            result = self.make_jsonrpc_request(
                f"/web/dataset/{route}/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            )
        retried = [line for line in logs.output if RETRY_WARNING in line]
        return result, retried

    def _args(self, model, how):
        return [self.records[model].ids] if how == "record" else how

    def _our_routes(self):
        """``{path: routing}`` of the addon's controller routes, as Odoo dispatches them."""
        IrHttp = self.env["ir.http"]
        rules = IrHttp._generate_routing_rules(sorted(self.env.registry._init_modules), IrHttp._get_converters())
        return {
            url: endpoint.routing
            for url, endpoint in rules
            if endpoint.original_endpoint.__module__.startswith("odoo.addons.sales_admin_addon.")
        }

    # the markers

    def test_listed_methods_are_marked(self):
        for model_name, methods in READONLY_METHODS.items():
            model = self.env[model_name]
            for method in methods:
                with self.subTest(method=f"{model_name}.{method}"):
                    get_public_method(model, method)  # reachable over RPC
                    self.assertTrue(is_readonly(model, method), "not marked @api.readonly")

    def test_every_marked_method_is_listed(self):
        """A new @api.readonly of ours is listed above, hence proven to write nothing."""
        marked = set()
        for model_name in self.env.registry:
            for cls in type(self.env[model_name]).mro():
                if not cls.__module__.startswith("odoo.addons.sales_admin_addon."):
                    continue
                marked |= {
                    (model_name, name)
                    for name, value in vars(cls).items()
                    if callable(value) and getattr(value, "_readonly", False)
                }
        listed = {(model, method) for model, methods in READONLY_METHODS.items() for method in methods}
        self.assertEqual(sorted(marked - listed), [], "marked @api.readonly but not listed in READONLY_METHODS")

    def test_write_methods_are_not_marked(self):
        """The buttons that change data stay on the primary (a mark would cost a failed run on the replica)."""
        for model_name, method in [
            ("sales_admin.visit", "action_check_in"),
            ("sales_admin.visit", "action_open_calendar_event"),
            ("sale.order", "action_confirm"),
            ("sales_admin.weekly.workbook", "action_export_xlsx"),
            ("sales_admin.ticket", "write"),
            ("res.partner", "action_open_sales_admin_tickets"),
            ("sales_admin.collection.case", "action_record_promise"),
        ]:
            with self.subTest(method=f"{model_name}.{method}"):
                self.assertFalse(is_readonly(self.env[model_name], method))

    def test_routes_are_marked(self):
        routes = self._our_routes()
        for path in READONLY_ROUTES:
            with self.subTest(route=path):
                self.assertIs(routes[path]["readonly"], True)
        for path in WRITING_ROUTES:
            with self.subTest(route=path):
                self.assertFalse(routes[path]["readonly"])
        marked = {path for path, routing in routes.items() if routing["readonly"] is True}
        self.assertEqual(marked, set(READONLY_ROUTES), "a readonly route of ours missing from READONLY_ROUTES")

    # the read-only transactions

    def test_methods_write_nothing(self):
        self.authenticate(self.user.login, self.user.login)
        for model, methods in READONLY_METHODS.items():
            for method, how in methods.items():
                with self.subTest(method=f"{model}.{method}"):
                    result, retried = self._call(model, method, self._args(model, how))
                    self.assertTrue(result, "no result")
                    self.assertEqual(retried, [], "wrote in its read-only transaction: run again on the primary")

    def test_report_reads_write_nothing(self):
        self.authenticate(self.user.login, self.user.login)
        for model, method, kwargs in REPORT_READS:
            with self.subTest(method=f"{model}.{method}"):
                self.assertTrue(is_readonly(self.env[model], method))
                result, retried = self._call(model, method, [], {"domain": [], **kwargs})
                self.assertIsInstance(result, dict)
                self.assertEqual(retried, [])

    def test_routes_write_nothing(self):
        self.authenticate(self.user.login, self.user.login)
        for path, url in READONLY_ROUTES.items():
            with self.subTest(route=path), self.assertLogs("odoo.http", logging.WARNING) as logs:
                logging.getLogger("odoo.http").warning("sales_admin readonly probe")
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.content.startswith(b"PK"), "not an XLSX (zip) file")
            self.assertFalse([line for line in logs.output if RETRY_WARNING in line], path)

    def test_export_refuses_a_bad_search(self):
        self.authenticate(self.user.login, self.user.login)
        for domain in ("[[", '{"a": 1}', '[["no_such_field", "=", 1]]', '[["ordered", "no-op", 1]]'):
            with self.subTest(domain=domain), mute_logger("odoo.http"):
                response = self.url_open(f"/sales_admin/weekly_report/export.xlsx?{url_encode({'domain': domain})}")
                self.assertEqual(response.status_code, 400)

    def test_a_write_is_caught(self):
        """The check above can fail: a read-only method that writes runs on a read-only cursor, fails there and is
        run again by Odoo on the primary, with the warning the tests look for."""
        self.authenticate(self.user.login, self.user.login)
        Dashboard = type(self.env["sales_admin.dashboard"])
        get_dashboard_data = Dashboard.get_dashboard_data

        @api.readonly
        @api.model
        def writing_dashboard(self, scope=None):
            self.env["res.partner"].sudo().browse(self.env.user.partner_id.id).write({"comment": "seen"})
            self.env.flush_all()
            return get_dashboard_data(self, scope)

        with patch.object(Dashboard, "get_dashboard_data", writing_dashboard), mute_logger("odoo.sql_db"):
            result, retried = self._call("sales_admin.dashboard", "get_dashboard_data", [])
        self.assertTrue(result)
        self.assertEqual(len(retried), 1)
        self.assertTrue(re.search("read-only transaction", retried[0]))
        self.assertIn("seen", self.user.partner_id.comment, "the retry on the read/write cursor wrote")

    def test_360_of_a_record_the_replica_lacks_runs_on_the_primary(self):
        """The customer form loads the 360 right after saving a new customer: a replica behind the primary does not
        know the record yet, so the 360 asks Odoo to run it again on the primary rather than fail (here the
        record is missing on the primary too, which then says so)."""
        self.authenticate(self.user.login, self.user.login)
        missing = self.env["res.partner"].create({"name": "Usunięty", "is_company": True})
        missing_id = missing.id
        missing.unlink()
        with mute_logger("odoo.sql_db"), self.assertLogs("odoo.http", logging.WARNING) as logs:
            logging.getLogger("odoo.http").warning("sales_admin readonly probe")
            payload = {"model": "res.partner", "method": "get_sales_admin_360", "args": [[missing_id]], "kwargs": {}}
            with self.assertRaises(JsonRpcException) as caught:
                self.make_jsonrpc_request("/web/dataset/call_kw/res.partner/get_sales_admin_360", payload)
        self.assertIn("MissingError", str(caught.exception))
        self.assertEqual(len([line for line in logs.output if RETRY_WARNING in line]), 1)
