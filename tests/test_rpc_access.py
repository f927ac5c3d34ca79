"""Every public method of the addon's models that JSON-RPC can reach, checked for access.

A method is public when Odoo's RPC dispatcher accepts it (``odoo.service.model.get_public_method``: no leading
underscore, not ``@api.private``). Each public method our addon defines (on its own models and on Odoo's) is listed
in ``PUBLIC_METHODS`` with how its access is shown; a new public method without an entry fails
``test_every_public_method_is_listed``. The kinds:

- ``company``: called over JSON-RPC by a user of another company (with every group of the app) on a record of the
  first company, it is refused with an AccessError and writes nothing (``test_other_company_refused``);
- ``open``: it only opens a list, a form, a wizard or a report: called the same way, it is refused, or the action
  it returns shows that user nothing of the first company (its list is empty, its record unreadable, its report
  refused; a wizard it opens is then refused as below) (``test_other_company_opens_nothing``);
- ``wizard``: the user of another company fills the wizard with records of the first company and runs it: refused
  (AccessError, or the company check's UserError), nothing written (``test_other_company_wizards_refused``);
- ``orm``: an override of an ORM, mail or wizard default method that calls ``super()`` (checked on its source), so
  that Odoo's own access checks and record rules run before and after our code;
- ``"tests/<file>.py::<Class>::<test>"``: a test of its own checks that method's scoping (checked to exist).
"""

import ast
import inspect
from datetime import timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.base.models.ir_qweb import QWebException

from .common import GROUP_MANAGER

TESTS = Path(__file__).parent
ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"

PUBLIC_METHODS = {
    "account.move": {
        "action_log_sales_admin_request": "company",
        "action_open_sales_admin_tickets": "open",
        "action_sales_admin_hold_dispute": "company",
        "action_sales_admin_release_hold": "company",
    },
    "account.partial.reconcile": {"create": "orm", "unlink": "orm"},
    "calendar.event": {"write": "orm"},
    "mail.activity": {"unlink_w_meeting": "orm"},
    "mail.blacklist": {"create": "orm", "write": "orm"},
    "mailing.subscription": {"create": "orm", "write": "orm"},
    "res.partner": {
        "action_book_sales_admin_meeting": "company",
        "action_open_sales_admin_collection_case": "open",
        "action_open_sales_admin_late_orders": "open",
        "action_open_sales_admin_open_orders": "open",
        "action_open_sales_admin_otif_report": "open",
        "action_open_sales_admin_overdue_invoices": "open",
        "action_open_sales_admin_reminders": "open",
        "action_open_sales_admin_tickets": "open",
        "action_open_sales_admin_visits": "open",
        "action_refresh_product_preferences": "company",
        "action_sales_admin_prepare_reminder": "company",
        "action_view_sales_admin_mailing_results": "open",
        "action_sales_admin_log_call": "open",
        "action_sales_admin_new_quotation": "open",
        "action_sales_admin_plan_visit": "open",
        "get_sales_admin_360": "tests/test_customer_360.py::TestCustomer360::test_multi_company",
        "create": "orm",
        "write": "orm",
    },
    "sale.order": {
        "action_confirm": "company",
        "action_log_sales_admin_request": "company",
        "action_open_sales_admin_tickets": "open",
        "action_open_sales_admin_visit": "open",
        "action_sales_admin_approve_delivery_notice": "company",
        "action_sales_admin_dismiss_delivery_notice": "company",
        "action_sales_admin_override_checklist": "company",
        "action_sales_admin_override_overdue_guard": "company",
        "create": "orm",
        "write": "orm",
    },
    "sales_admin.cockpit": {"get_cockpit_data": "tests/test_cockpit.py::TestCockpit::test_multi_company"},
    "sales_admin.collection.case": {
        "action_log_call": "open",
        "action_open_overdue_invoices": "open",
        "action_open_partner": "open",
        "action_record_promise": "open",
        "action_refresh": "company",
        "create": "orm",
    },
    "sales_admin.collection.log.call": {"action_log_call": "wizard"},
    "sales_admin.collection.promise": {"action_record_promise": "wizard"},
    "sales_admin.contract.checklist.item": {"create": "orm", "write": "orm"},
    "sales_admin.contract.checklist.line": {"write": "orm"},
    "sales_admin.dashboard": {
        "get_dashboard_data": "tests/test_dashboard.py::TestDashboard::test_other_company_not_counted"
    },
    "sales_admin.postal.campaign": {"action_print": "wizard"},
    "sales_admin.reception": {
        "action_cancel": "company",
        "action_check_in": "company",
        "action_check_out": "company",
        "action_create_partner": "company",
        "action_link_partner": "open",
        "action_log_request": "company",
        "action_reset_to_planned": "company",
        "action_view_partner_late_orders": "company",
        "action_view_partner_overdue_invoices": "company",
        "action_view_partner_tickets": "company",
        "create": "orm",
        "write": "orm",
    },
    "sales_admin.reception.link": {"action_link": "wizard", "default_get": "orm"},
    "sales_admin.reminder": {
        "action_cancel": "company",
        "action_open_invoices": "open",
        "action_print_letter": "open",
        "action_send_now": "company",
    },
    "sales_admin.report.pack": {"action_open_logs": "open", "action_send_now": "company"},
    "sales_admin.segment": {
        "create": "orm",
        "write": "orm",
        "action_sync_mailing_list": "company",
        "action_view_mailing_contacts": "open",
        "action_view_members": "company",
    },
    "sales_admin.segment.mailing": {"action_create_mailing": "wizard"},
    "sales_admin.segment.survey": {"action_send": "wizard"},
    "sales_admin.target": {"action_copy_wizard": "open", "create": "orm", "write": "orm"},
    "sales_admin.target.copy": {"action_copy": "wizard"},
    "sales_admin.ticket": {
        "action_open_visit": "open",
        "action_priority_automatic": "company",
        "action_sales_admin_credit_note": "company",
        "action_sales_admin_return": "company",
        "create": "orm",
        "message_new": "orm",
        "message_update": "orm",
        "write": "orm",
    },
    "sales_admin.ticket.log.call": {"action_log_call": "wizard", "default_get": "orm"},
    "sales_admin.visit": {
        "action_book": "company",
        "action_book_meeting": "company",
        "action_cancel": "company",
        "action_check_in": "company",
        "action_check_out": "company",
        "action_create_quotation": "company",
        "action_log_request": "company",
        "action_no_show": "company",
        "action_open_attachments": "open",
        "action_open_calendar_event": "company",
        "action_process_paperwork": "company",
        "action_propose_next_visit": "company",
        "action_reset_to_planned": "company",
        "action_schedule_activity": "open",
        "action_view_quotations": "open",
        "action_view_survey_results": "open",
        "action_view_tickets": "open",
        "create": "orm",
        "unlink": "orm",
        "write": "orm",
    },
    "sales_admin.weekly.snapshot": {"action_open_report": "open", "write": "orm"},
    "sales_admin.weekly.snapshot.line": {"write": "orm"},
    "survey.user_input": {"create": "orm", "write": "orm"},
    "sales_admin.weekly.workbook": {
        "action_export_xlsx": (
            "tests/test_weekly_workbook.py::TestWeeklyWorkbook::test_salesperson_reads_own_figures_only"
        )
    },
}


def addon_public_methods(env):
    """``{model: {method: function}}``: the public methods the addon's classes define, on every model."""
    found = {}
    for model_name in env.registry:
        model = env[model_name]
        for klass in type(model).mro():
            if not klass.__module__.startswith("odoo.addons.sales_admin_addon."):
                continue
            for name, value in vars(klass).items():
                if name.startswith("_") or not callable(value) or isinstance(value, type):
                    continue
                try:
                    get_public_method(model, name)
                except (AttributeError, AccessError):
                    continue
                found.setdefault(model_name, {}).setdefault(name, value)
    return found


@tagged("post_install", "-at_install")
class TestRpcAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Spółka Obca"})
        cls.outsider = new_test_user(
            cls.env,
            login="sa_rpc_outsider",
            name="Other Company Manager",
            groups=(
                f"base.group_user,{GROUP_MANAGER},sales_team.group_sale_manager,account.group_account_manager,"
                "mass_mailing.group_mass_mailing_user,survey.group_survey_manager"
            ),
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.records = cls._make_records()

    @classmethod
    def _make_records(cls):
        """One record of each model in the first company, as its users would have them."""
        env = cls.env
        company = cls.company
        partner = env["res.partner"].create(
            {"name": "Klient Spółki A", "is_company": True, "company_id": company.id, "email": "a@example.com"}
        )
        product = env["product.product"].create({"name": "Płytka A", "type": "consu", "company_id": company.id})
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 10})],
            }
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": company.id,
                "invoice_date": fields.Date.today() - timedelta(days=60),
                "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 100})],
            }
        )
        invoice.action_post()
        visit = env["sales_admin.visit"].create({"partner_id": partner.id, "company_id": company.id})
        ticket = env["sales_admin.ticket"].create({"title": "Reklamacja A", "partner_id": partner.id})
        reception = env["sales_admin.reception"].create({"visitor_name": "Gość A", "company_id": company.id})
        case = env["sales_admin.collection.case"].create({"partner_id": partner.id, "company_id": company.id})
        level = env["sales_admin.reminder.level"].search([("company_id", "=", company.id)], limit=1)
        reminder = env["sales_admin.reminder"].create(
            {"partner_id": partner.id, "company_id": company.id, "level_id": level.id}
        )
        week_start = fields.Date.today() - timedelta(days=fields.Date.today().weekday())
        snapshot = env["sales_admin.weekly.snapshot"].create(
            {
                "company_id": company.id,
                "week_start": week_start,
                "week_end": week_start + timedelta(days=6),
                "week_label": "2026-W01",
                "date_taken": fields.Datetime.now(),
            }
        )
        return {
            "res.partner": partner,
            "sale.order": order,
            "account.move": invoice,
            "sales_admin.visit": visit,
            "sales_admin.ticket": ticket,
            "sales_admin.reception": reception,
            "sales_admin.collection.case": case,
            "sales_admin.reminder": reminder,
            "sales_admin.report.pack": env["sales_admin.report.pack"].create(
                {"name": "Pakiet A", "company_id": company.id}
            ),
            "sales_admin.segment": env["sales_admin.segment"].create({"name": "Segment A", "company_id": company.id}),
            "sales_admin.target": env["sales_admin.target"].create(
                {
                    "user_id": env.user.id,
                    "company_id": company.id,
                    "period_type": "week",
                    "date_from": week_start,
                    "target_ordered": 1000,
                }
            ),
            "sales_admin.weekly.snapshot": snapshot,
        }

    # helpers

    def _rpc(self, model, method, args, kwargs=None):
        """Call ``model.method`` over JSON-RPC as the outsider: its result, or the name of the exception."""
        try:
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            )
        except JsonRpcException as error:
            return error

    def _methods(self, kind):
        return [
            (model, method)
            for model, methods in sorted(PUBLIC_METHODS.items())
            for method, how in sorted(methods.items())
            if how == kind
        ]

    def _footprint(self):
        """What a refused call must not change: every record's last write and messages, and the row count of the
        addon's and Odoo's main tables."""
        self.env.flush_all()
        self.env.invalidate_all()
        rows = {
            name: self.env[name].sudo().with_context(active_test=False).search_count([])
            for name in (
                "sale.order",
                "account.move",
                "mail.mail",
                "mail.activity",
                "calendar.event",
                "mailing.mailing",
                "mailing.list",
                "survey.user_input",
                *(name for name in self.records if name.startswith("sales_admin.")),
            )
        }
        records = {
            name: (record.write_date, len(record.message_ids) if "message_ids" in record._fields else 0)
            for name, record in self.records.items()
        }
        return rows, records

    # tests

    def test_every_public_method_is_listed(self):
        found = {model: set(methods) for model, methods in addon_public_methods(self.env).items()}
        listed = {model: set(methods) for model, methods in PUBLIC_METHODS.items()}
        missing = sorted(
            f"{model}.{name}" for model, names in found.items() for name in names - listed.get(model, set())
        )
        self.assertFalse(missing, "public methods without an access test: list them in PUBLIC_METHODS and test them")
        stale = sorted(f"{model}.{name}" for model, names in listed.items() for name in names - found.get(model, set()))
        self.assertFalse(stale, "PUBLIC_METHODS lists methods that are no longer public")

    def test_referenced_tests_exist(self):
        for model, methods in PUBLIC_METHODS.items():
            for method, how in methods.items():
                if not how.startswith("tests/"):
                    continue
                path, class_name, test_name = how.split("::")
                tree = ast.parse((TESTS.parent / path).read_text())
                tests = {
                    (node.name, item.name)
                    for node in tree.body
                    if isinstance(node, ast.ClassDef)
                    for item in node.body
                    if isinstance(item, ast.FunctionDef)
                }
                self.assertIn((class_name, test_name), tests, f"{model}.{method}: {how} does not exist")

    def test_orm_overrides_call_super(self):
        found = addon_public_methods(self.env)
        for model, method in self._methods("orm"):
            source = inspect.getsource(found[model][method])
            self.assertIn(f"super().{method}(", source, f"{model}.{method} must call super() (Odoo's checks)")

    def test_other_company_refused(self):
        self.authenticate(self.outsider.login, self.outsider.login)
        before = self._footprint()
        ran = {}
        for model, method in self._methods("company"):
            result = self._rpc(model, method, [self.records[model].ids])
            if not isinstance(result, JsonRpcException) or result.args[0] != ACCESS_ERROR:
                ran[f"{model}.{method}"] = result
        self.assertFalse(ran, "ran for another company's user (or refused with something else than AccessError)")
        self.assertEqual(self._footprint(), before, "a refused call wrote something")

    def test_other_company_opens_nothing(self):
        self.authenticate(self.outsider.login, self.outsider.login)
        env = self.env(user=self.outsider, context={"allowed_company_ids": self.other_company.ids})
        before = self._footprint()
        for model, method in self._methods("open"):
            with self.subTest(method=f"{model}.{method}"):
                result = self._rpc(model, method, [self.records[model].ids])
                if isinstance(result, JsonRpcException):
                    self.assertEqual(result.args[0], ACCESS_ERROR)
                    continue
                if result["type"] == "ir.actions.report":
                    # as the report controller renders it: with the user's environment
                    with self.assertRaises(QWebException) as caught:
                        env["ir.actions.report"]._render_qweb_html(
                            result["report_name"], result["context"]["active_ids"]
                        )
                    self.assertIsInstance(caught.exception.__cause__, AccessError)
                    continue
                self.assertEqual(result["type"], "ir.actions.act_window")
                target = env[result["res_model"]]
                self.assertFalse(target.search(result.get("domain") or []), f"{model}.{method} lists records")
                if result.get("res_id"):
                    with self.assertRaises(AccessError):
                        target.browse(result["res_id"]).check_access("read")
        self.assertEqual(self._footprint(), before, "opening a list wrote something")

    def test_other_company_wizards_refused(self):
        self.authenticate(self.outsider.login, self.outsider.login)
        records = self.records
        survey = self.env["survey.survey"].create({"title": "Ankieta A"})
        wizards = {
            "sales_admin.collection.log.call": {"case_id": records["sales_admin.collection.case"].id},
            "sales_admin.collection.promise": {
                "case_id": records["sales_admin.collection.case"].id,
                "promise_date": fields.Date.to_string(fields.Date.today() + timedelta(days=7)),
                "promise_amount": 50,
            },
            "sales_admin.postal.campaign": {"segment_id": records["sales_admin.segment"].id},
            "sales_admin.segment.mailing": {"segment_id": records["sales_admin.segment"].id, "subject": "Nowości"},
            "sales_admin.segment.survey": {"segment_id": records["sales_admin.segment"].id, "survey_id": survey.id},
            "sales_admin.target.copy": {"target_ids": [Command.set(records["sales_admin.target"].ids)]},
            "sales_admin.reception.link": {
                "reception_id": records["sales_admin.reception"].id,
                "partner_id": records["res.partner"].id,
            },
            "sales_admin.ticket.log.call": {"title": "Telefon", "partner_id": records["res.partner"].id},
        }
        self.assertEqual(set(wizards), {model for model, __ in self._methods("wizard")})
        before = self._footprint()
        for model, method in self._methods("wizard"):
            with self.subTest(method=f"{model}.{method}"):
                created = self._rpc(model, "create", [wizards[model]])
                if isinstance(created, JsonRpcException):
                    self.assertIn(created.args[0], (ACCESS_ERROR, USER_ERROR))
                    continue
                result = self._rpc(model, method, [[created]])
                self.assertIsInstance(result, JsonRpcException, f"{model}.{method} ran on another company's records")
                self.assertIn(result.args[0], (ACCESS_ERROR, USER_ERROR))
        self.assertEqual(self._footprint(), before, "a refused wizard wrote something")
