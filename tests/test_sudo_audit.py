"""Every place where the addon leaves the user's rights (``sudo()``, ``with_user``, ``su=True``, ``SUPERUSER_ID``),
and every HTTP route of its controllers, listed with why it is safe; plus the behaviour of the risky ones.

``SUDO_SITES`` lists each function of the addon that raises or switches rights, with how many such calls it makes
and a one-line justification; ``test_every_sudo_site_is_listed`` scans the addon's source (AST) and fails on a
function that is not listed, on a count that changed and on a listed site that disappeared: a new ``sudo()`` gets
its line here, reviewed. ``ROUTES`` does the same for the controllers' routes (auth, methods, the access check in
the function's body, the test that shows it).

The behavioural tests play the callers who could abuse a site: a user of another company (through an onchange,
which accepts any company id on a new record), an employee without sales rights, a survey user linking an answer
to another company's ticket, a marketing user filtering segments on fields he may not read, an anonymous visitor
with a wrong token.
"""

import ast
import inspect
from datetime import timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import ADDON, GROUP_USER, SalesAdminCommon

TESTS = Path(__file__).parent
ADDON_DIR = TESTS.parent / ADDON
SWITCHES = ("sudo", "with_user")

# {"path/in/addon.py::Class.function": (number of rights switches, "why it cannot read or write what the caller's
# rules forbid")}. Computes marked "company-bounded" restrict their superuser read to the user's companies.
SUDO_SITES = {
    "controllers/portal.py::SalesAdminTicketPortal.portal_my_sales_admin_tickets": (
        1,
        "renders tickets found by the portal user's own search (record rules applied)",
    ),
    "controllers/portal.py::SalesAdminTicketPortal.portal_new_sales_admin_ticket": (
        3,
        "ticket types are global; orders searched child_of the user's own commercial partner; the ticket is "
        "created with partner and company forced from the user (order only among his own)",
    ),
    "models/calendar_event.py::CalendarEvent.write": (
        1,
        "only learns which of the events the user just wrote are visits' meetings; the visits are then synced with "
        "the user's own rights (tests/test_visit.py::test_user_without_visit_access_moves_own_meeting)",
    ),
    "models/account_move.py::AccountMove._compute_sales_admin_in_dispute": (
        1,
        "stored compute (a flag on the invoice the user reads), reads complaints of that invoice only",
    ),
    "models/account_move.py::AccountMove._set_sales_admin_dispute_hold": (
        1,
        "billing/sales-administration group checked, then check_access('read') on the invoices before the write",
    ),
    "models/account_partial_reconcile.py::AccountPartialReconcile._get_sales_admin_receivable_lines": (
        1,
        "reads the lines of the partials Odoo is creating/removing to refresh derived collection figures",
    ),
    "models/mail_blacklist.py::MailBlacklist._sales_admin_withdraw_consent": (
        1,
        "only withdraws marketing consent (never grants), the unsubscribe flow proves identity by token",
    ),
    "models/mailing_contact.py::MailingContact._sales_admin_withdraw_consent": (
        1,
        "only withdraws marketing consent (never grants) of partners opted out of every list",
    ),
    "models/res_partner.py::ResPartner._check_preferred_product_ids": (
        1,
        "constraint: reads products to validate, returns nothing",
    ),
    "models/res_partner.py::ResPartner._compute_sales_admin_overdue": (
        1,
        "groups=salesman fields, aggregates only, env.company (checked against the user's companies)",
    ),
    "models/res_partner.py::ResPartner._compute_sales_admin_reminder_level_id": (
        1,
        "groups=salesman fields, the open case of env.company only (checked against the user's companies)",
    ),
    "models/res_partner.py::ResPartner._compute_visit_dates": (
        1,
        "stored, company-independent customer cadence (dates only; see the review: accepted)",
    ),
    "models/res_partner.py::ResPartner._get_sales_admin_payment_kind": (
        1,
        "reads whether a payment method line is a card provider's: a kind, no data",
    ),
    "models/res_partner.py::ResPartner._get_sales_admin_payment_setup": (
        4,
        "a state (ready / no card / no trusted account) per customer and env.company method: no account or card data",
    ),
    "models/res_partner.py::ResPartner._get_sales_admin_payment_setup_domain": (
        2,
        "the search side of the same state (method lines and token holders): ids of partners only",
    ),
    "models/res_partner.py::ResPartner._sales_admin_record_survey_answers": (
        2,
        "answers done (links checked on create/write of survey.user_input); writes the answering partner's needs",
    ),
    "models/res_partner.py::ResPartner._search_sales_admin_payment_setup": (
        1,
        "search of the payment state, the result ANDed with the user's own partner search",
    ),
    "models/sale_order.py::SaleOrder._action_cancel": (1, "refreshes derived preferences of the orders' customers"),
    "models/sale_order.py::SaleOrder._action_confirm": (
        1,
        "refreshes derived preferences of the orders' customers (portal customers confirm by paying online)",
    ),
    "models/sale_order.py::SaleOrder._cron_sales_admin_delivery_late": (1, "cron, no caller input"),
    "models/sale_order.py::SaleOrder._cron_sales_admin_order_followup": (2, "cron, no caller input"),
    "models/sale_order.py::SaleOrder._get_sales_admin_overdue_by_order": (
        1,
        "company-bounded (fixed: an onchange could name another company), aggregate only",
    ),
    "models/sale_order.py::SaleOrder._sales_admin_schedule_activities": (
        1,
        "to-dos on the orders being processed, for their salesperson",
    ),
    "models/sale_order.py::SaleOrder._sales_admin_schedule_delivery_alerts": (
        1,
        "to-dos on the orders being processed, for their follow-up responsible",
    ),
    "models/sale_order.py::SaleOrder._sales_admin_sync_checklist": (
        3,
        "adds the order company's checklist lines to open orders the caller writes",
    ),
    "models/sales_admin_collection_case.py::SalesAdminCollectionCase._check_one_open_case": (
        1,
        "constraint: counts open cases to refuse a duplicate, returns nothing",
    ),
    "models/sales_admin_collection_case.py::SalesAdminCollectionCase._cron_check_promises": (1, "cron"),
    "models/sales_admin_collection_case.py::SalesAdminCollectionCase._get_collection_figures": (
        2,
        "derived figures for the partners and companies its callers pass (after check_access or from crons)",
    ),
    "models/sales_admin_collection_case.py::SalesAdminCollectionCase._refresh_collection_cases": (
        4,
        "rewrites derived figures (no caller values); callers check access first (action_refresh, hold, wizard)",
    ),
    "models/sales_admin_contract_checklist_item.py::SalesAdminContractChecklistItem._add_to_open_orders": (
        1,
        "manager's new item reaches the open orders of the item's company (company of a record he wrote)",
    ),
    "models/sales_admin_contract_checklist_item.py::SalesAdminContractChecklistItem._unlink_except_used": (
        1,
        "ondelete check: counts usage to refuse, returns nothing",
    ),
    "models/sales_admin_reception.py::SalesAdminReception._compute_customer_strip": (
        1,
        "company-bounded and only for sales or billing users (fixed: hosts and onchanges saw any figures)",
    ),
    "models/sales_admin_reception.py::SalesAdminReception._get_late_order_counts": (
        1,
        "counts for the companies passed by the bounded strip compute",
    ),
    "models/sales_admin_reception.py::SalesAdminReception._get_overdue_amounts": (
        1,
        "amounts for the companies passed by the bounded strip compute",
    ),
    "models/sales_admin_reminder.py::SalesAdminReminder._cron_send_reminders": (1, "cron"),
    "models/sales_admin_reminder.py::SalesAdminReminder._render_letters": (
        2,
        "renders the letters of reminders checked for write (action_send_now) or of the cron",
    ),
    "models/sales_admin_reminder.py::SalesAdminReminder._schedule_reminder_activities": (
        1,
        "to-dos for the reminders being sent",
    ),
    "models/sales_admin_reminder_level.py::SalesAdminReminderLevel._unlink_except_used": (
        1,
        "ondelete check: refuses, returns nothing",
    ),
    "models/sales_admin_report_pack.py::SalesAdminReportPack._create_logs": (1, "cron/managers: logs of their packs"),
    "models/sales_admin_report_pack.py::SalesAdminReportPack._cron_send_packs": (2, "cron"),
    "models/sales_admin_report_pack.py::SalesAdminReportPack._get_domain": (
        1,
        "with_user: the saved filter is evaluated as the pack's responsible, in the pack's company",
    ),
    "models/sales_admin_report_pack_log.py::SalesAdminReportPackLog._get_summary": (
        1,
        "with_user: figures read with the pack responsible's rights, in the pack's company",
    ),
    "models/sales_admin_report_pack_log.py::SalesAdminReportPackLog._queue_mail": (1, "returns the queued mail"),
    "models/sales_admin_report_pack_log.py::SalesAdminReportPackLog._render_attachments": (
        2,
        "workbook built with_user(responsible); the attachment is stored on the log",
    ),
    "models/sales_admin_report_subscription.py::SalesAdminReportSubscription._check_filter_readable": (
        4,
        "constraint: the filter must be the subscriber's own or shared, and readable with_user(subscriber)",
    ),
    "models/sales_admin_report_subscription.py::SalesAdminReportSubscription._cron_send_subscriptions": (1, "cron"),
    "models/sales_admin_report_subscription.py::SalesAdminReportSubscription._send": (
        3,
        "workbook built with_user(subscriber) in one of his companies, mailed to him only",
    ),
    "models/sales_admin_satisfaction_mixin.py::SalesAdminSatisfactionMixin._sales_admin_ask_satisfaction": (
        2,
        "answers created for the records being solved/closed by the caller",
    ),
    "models/sales_admin_satisfaction_mixin.py::SalesAdminSatisfactionMixin._sales_admin_record_satisfaction": (
        1,
        "score from a done answer; who may link an answer to a ticket/visit is checked (fixed)",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._compute_member_count": (
        1,
        "count of the segment's definition; its free conditions are checked with the author's rights (fixed)",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._cron_sync_mailing_lists": (1, "cron"),
    "models/sales_admin_segment.py::SalesAdminSegment._get_extra_domain": (
        1,
        "with_user: the free conditions are evaluated with their author's rights (fixed: were superuser's)",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._get_criteria_domain": (
        1,
        "team members of the segment's teams (ids only, for the domain)",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._get_partner_domain": (
        1,
        "members limited to the segment's company (and shared partners); a query, not returned data",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._parse_extra_domain": (
        1,
        "builds the SQL only to validate the domain (nothing read)",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._prepare_sync_tables": (
        1,
        "members of a segment checked for write by _sync_mailing_list",
    ),
    "models/sales_admin_segment.py::SalesAdminSegment._sync_mailing_list": (
        4,
        "check_access('write') on the segment first; writes its own mailing list",
    ),
    "models/sales_admin_target.py::SalesAdminTarget._generate_lines": (
        2,
        "lines of targets the caller creates/writes (manager)",
    ),
    "models/sales_admin_target.py::SalesAdminTarget._raise_overlap": (
        1,
        "constraint: overlap in the targets' own companies, refuses",
    ),
    "models/sales_admin_ticket.py::SalesAdminTicket._check_customer_consistency": (
        1,
        "constraint: compares linked documents' customers, refuses",
    ),
    "models/sales_admin_ticket.py::SalesAdminTicket._message_post_after_hook": (
        1,
        "sets the first-response date of a ticket the poster may post on, only for an employee's comment",
    ),
    "models/sales_admin_ticket_priority_rule.py::SalesAdminTicketPriorityRule._get_complaint_counts": (
        1,
        "a count for the ticket's priority, not returned",
    ),
    "models/sales_admin_ticket_priority_rule.py::SalesAdminTicketPriorityRule._get_partners_with_overdue_invoices": (
        1,
        "a yes/no for the ticket's priority in its company",
    ),
    "models/sales_admin_visit.py::SalesAdminVisit._compute_partner_amount_due": (
        1,
        "company-bounded (fixed: summed every company's receivables)",
    ),
    "models/sales_admin_visit.py::SalesAdminVisit._compute_partner_open_ticket_count": (
        1,
        "company-bounded (fixed: an onchange could name another company)",
    ),
    "models/sales_admin_visit.py::SalesAdminVisit._create_calendar_events": (
        1,
        "the meeting of the visit the caller books, for its salesperson and customer",
    ),
    "models/sales_admin_visit.py::SalesAdminVisit._cron_propose_visits": (2, "cron"),
    "models/sales_admin_visit.py::SalesAdminVisit._get_visit_horizon_days": (1, "reads a system parameter"),
    "models/sales_admin_visit.py::SalesAdminVisit._sync_to_calendar_event": (
        2,
        "the meeting follows the visit the caller wrote",
    ),
    "models/sales_admin_weekly_snapshot.py::SalesAdminWeeklySnapshot._cron_take_snapshots": (2, "cron"),
    "models/sales_admin_weekly_snapshot.py::SalesAdminWeeklySnapshot._weeks_due": (1, "cron helper"),
    "report/sales_admin_weekly_workbook.py::SalesAdminWeeklyWorkbook._eval_filter_domain": (
        1,
        "reads the filter's domain; callers check it is the user's own or shared (subscription, pack) and the "
        "report is then searched with the user's rights",
    ),
    "report/sales_admin_weekly_workbook.py::SalesAdminWeeklyWorkbook._gc_exports": (1, "autovacuum"),
    "wizard/sales_admin_postal_campaign.py::SalesAdminPostalCampaign._gc_exports": (1, "autovacuum"),
    "wizard/sales_admin_postal_campaign.py::SalesAdminPostalCampaign._log_on_segment": (
        1,
        "a note in the user's name on a segment he may read",
    ),
    "wizard/sales_admin_segment_survey.py::SalesAdminSegmentSurvey._get_recipient_groups": (
        1,
        "which members were already invited (partners, returned in the user's env)",
    ),
    "wizard/sales_admin_segment_survey.py::SalesAdminSegmentSurvey.action_send": (
        1,
        "a note in the user's name on a segment he may read",
    ),
}

# {function: {"routes", "auth", "methods", "check": the call in its body that limits what it shows, "test"}}
ROUTES = {
    "portal_my_sales_admin_tickets": {
        "routes": ["/my/requests", "/my/requests/page/<int:page>"],
        "auth": "user",
        "methods": None,
        "check": "_get_sales_admin_ticket_domain",
        "test": "tests/test_ticket_portal.py::TestTicketPortal::test_list_and_page_show_own_company_only",
    },
    "portal_my_sales_admin_ticket": {
        "routes": ["/my/requests/<int:ticket_id>"],
        "auth": "public",
        "methods": None,
        "check": "_document_check_access",
        "test": "tests/test_sudo_audit.py::TestPortalTokens::test_ticket_page_needs_rights_or_its_token",
    },
    "portal_new_sales_admin_ticket": {
        "routes": ["/my/requests/new"],
        "auth": "user",
        "methods": ["GET", "POST"],
        "check": "_parse_sales_admin_ticket_form",
        "test": "tests/test_ticket_portal.py::TestTicketPortal::test_new_request_from_the_portal",
    },
    # the workbook is built with the user's own rights (request.env): a salesperson gets his own figures only
    "export_weekly_report_xlsx": {
        "routes": ["/sales_admin/weekly_report/export.xlsx"],
        "auth": "user",
        "methods": ["GET", "POST"],
        "check": "_build_workbook",
        "test": "tests/test_weekly_workbook.py::TestWeeklyWorkbook::test_salesperson_reads_own_figures_only",
    },
}


def _site_kind(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SWITCHES:
        return node.func.attr
    if isinstance(node, ast.keyword) and node.arg == "su":
        return "su"
    if isinstance(node, ast.Name) and node.id == "SUPERUSER_ID":
        return "SUPERUSER_ID"
    return None


def addon_sudo_sites():
    """``{"path::Class.function": count}`` of the rights switches in the addon's code (migrations aside)."""
    found = {}
    for path in sorted(ADDON_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        relative = path.relative_to(ADDON_DIR).as_posix()
        for owner in ast.walk(tree):
            if not isinstance(owner, ast.ClassDef | ast.Module):
                continue
            for function in owner.body:
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                count = sum(1 for node in ast.walk(function) if _site_kind(node))
                if count:
                    name = f"{owner.name}.{function.name}" if isinstance(owner, ast.ClassDef) else function.name
                    found[f"{relative}::{name}"] = count
    # a switch at class or module level (outside any function) is a site too
    for path in sorted(ADDON_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        inside = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
        }
        loose = sum(1 for node in ast.walk(tree) if _site_kind(node) and id(node) not in inside)
        if loose:
            found[f"{path.relative_to(ADDON_DIR).as_posix()}::<outside a function>"] = loose
    return found


def controller_routes():
    """``{function: {"routes", "auth", "methods", "csrf", "source"}}`` of the addon's controllers."""
    found = {}
    for path in sorted((ADDON_DIR / "controllers").glob("*.py")):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if not (isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "route"):
                    continue
                routes = ast.literal_eval(decorator.args[0])
                keywords = {keyword.arg: ast.literal_eval(keyword.value) for keyword in decorator.keywords}
                found[node.name] = {
                    "routes": [routes] if isinstance(routes, str) else list(routes),
                    "auth": keywords.get("auth", "user"),
                    "methods": keywords.get("methods"),
                    "csrf": keywords.get("csrf", True),
                    "source": ast.get_source_segment(source, node),
                }
    return found


def _test_exists(reference):
    path, class_name, test_name = reference.split("::")
    tree = ast.parse((TESTS.parent / path).read_text())
    return any(
        isinstance(node, ast.ClassDef)
        and node.name == class_name
        and any(isinstance(item, ast.FunctionDef) and item.name == test_name for item in node.body)
        for node in tree.body
    )


@tagged("post_install", "-at_install")
class TestSudoAudit(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Spółka Obca Audyt"})
        cls.outsider = new_test_user(
            cls.env,
            login="sa_audit_outsider",
            name="Obcy Handlowiec",
            groups=f"base.group_user,{GROUP_USER}",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        # a customer both companies sell to (shared partner), in debt with the first company only
        cls.customer = cls.env["res.partner"].create({"name": "Klient Wspólny", "is_company": True})
        product = cls.env["product.product"].create({"name": "Usługa", "type": "service"})
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "invoice_date": fields.Date.today() - timedelta(days=60),
                "invoice_date_due": fields.Date.today() - timedelta(days=30),
                "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 700, "tax_ids": []})],
            }
        )
        cls.invoice.action_post()
        cls.ticket = cls.env["sales_admin.ticket"].create(
            {"title": "Reklamacja spółki A", "partner_id": cls.customer.id, "company_id": cls.company.id}
        )
        cls.company.write({"sales_admin_overdue_guard": "warn", "sales_admin_overdue_threshold": 10})

    # inventories

    def test_every_sudo_site_is_listed(self):
        found = addon_sudo_sites()
        self.assertFalse(
            sorted(set(found) - set(SUDO_SITES)), "new rights switches: review them and list them in SUDO_SITES"
        )
        self.assertFalse(sorted(set(SUDO_SITES) - set(found)), "SUDO_SITES lists sites that are gone")
        changed = {site: (SUDO_SITES[site][0], count) for site, count in found.items() if SUDO_SITES[site][0] != count}
        self.assertFalse(changed, "the number of rights switches changed in these functions (listed, found)")
        self.assertTrue(all(reason.strip() for __, reason in SUDO_SITES.values()))

    def test_every_route_is_listed_with_its_check(self):
        found = controller_routes()
        self.assertEqual(set(found), set(ROUTES), "a route was added or removed: list it in ROUTES with its check")
        for name, route in found.items():
            listed = ROUTES[name]
            with self.subTest(route=name):
                self.assertEqual(route["routes"], listed["routes"])
                self.assertEqual(route["auth"], listed["auth"])
                self.assertEqual(route["methods"], listed["methods"])
                self.assertTrue(route["csrf"], "no route of ours turns the CSRF check off")
                self.assertIn(f"{listed['check']}(", route["source"], "the listed access check is not called")
                if route["auth"] in ("public", "none"):
                    # anonymous visitors are let in by a token only: the portal's check compares it with consteq
                    self.assertTrue(
                        "_document_check_access(" in route["source"] or "consteq(" in route["source"],
                        "a public route must check its token (_document_check_access or consteq)",
                    )
                self.assertTrue(_test_exists(listed["test"]), f"{listed['test']} does not exist")
        # the portal's check that the public route relies on compares tokens in constant time
        self.assertIn("consteq(", inspect.getsource(CustomerPortal._document_check_access))

    # company-bounded computes: another company's user, through an onchange naming the first company

    def _onchange(self, model, values, spec):
        Model = self.env[model].with_user(self.outsider).with_company(self.other_company)
        try:
            return Model.onchange(values, [], {name: {} for name in spec})["value"]
        except AccessError:
            return {}

    def test_order_onchange_shows_no_overdue_of_another_company(self):
        value = self._onchange(
            "sale.order",
            {"partner_id": self.customer.id, "company_id": self.company.id},
            ["partner_id", "company_id", "sales_admin_overdue_amount", "sales_admin_overdue_warning"],
        )
        self.assertFalse(value.get("sales_admin_overdue_amount"), "another company's overdue amount leaked")
        self.assertFalse(value.get("sales_admin_overdue_warning"))
        # the first company's own users still see it
        order = self.env["sale.order"].with_user(self.sales_admin_user).new({"partner_id": self.customer.id})
        self.assertEqual(order.sales_admin_overdue_amount, 700)

    def test_visit_onchange_shows_nothing_of_another_company(self):
        value = self._onchange(
            "sales_admin.visit",
            {"partner_id": self.customer.id, "company_id": self.company.id},
            ["partner_id", "company_id", "partner_amount_due", "partner_open_ticket_count"],
        )
        self.assertFalse(value.get("partner_amount_due"), "another company's receivables leaked")
        self.assertFalse(value.get("partner_open_ticket_count"), "another company's requests leaked")

    def test_visit_amount_due_counts_its_own_company_only(self):
        visit = (
            self.env["sales_admin.visit"]
            .sudo()
            .create({"partner_id": self.customer.id, "company_id": self.other_company.id, "user_id": self.outsider.id})
        )
        own_visit = self.env["sales_admin.visit"].create({"partner_id": self.customer.id})
        mine = visit.with_user(self.outsider).with_company(self.other_company)
        self.assertEqual(mine.partner_amount_due, 0, "the first company's invoices counted on the other's visit")
        self.assertEqual(mine.partner_open_ticket_count, 0)
        own = own_visit.with_user(self.sales_admin_user)
        self.assertEqual((own.partner_amount_due, own.partner_open_ticket_count), (700, 1))

    def test_reception_onchange_shows_nothing_of_another_company(self):
        value = self._onchange(
            "sales_admin.reception",
            {"partner_id": self.customer.id, "company_id": self.company.id},
            ["partner_id", "company_id", "partner_overdue_amount", "partner_open_ticket_count"],
        )
        self.assertFalse(value.get("partner_overdue_amount"), "another company's overdue amount leaked")
        self.assertFalse(value.get("partner_open_ticket_count"))

    def test_reception_strip_hidden_from_employees_without_sales_rights(self):
        entry = self.env["sales_admin.reception"].create(
            {"partner_id": self.customer.id, "host_id": self.internal_user.id}
        )
        host_view = entry.with_user(self.internal_user)
        host_view.check_access("read")  # the host reads his guest's entry
        self.assertEqual((host_view.partner_overdue_amount, host_view.partner_open_ticket_count), (0, 0))
        desk = entry.with_user(self.sales_admin_user)
        self.assertEqual((desk.partner_overdue_amount, desk.partner_open_ticket_count), (700, 1))

    # survey answers write their score on the linked ticket or visit as superuser

    def test_survey_answer_cannot_be_linked_to_another_company_ticket(self):
        surveyor = new_test_user(
            self.env,
            login="sa_audit_surveyor",
            groups="base.group_user,survey.group_survey_user",
            company_id=self.other_company.id,
            company_ids=[Command.set(self.other_company.ids)],
        )
        survey = self.env["survey.survey"].with_user(surveyor).create({"title": "Ankieta obca"})
        Answer = self.env["survey.user_input"].with_user(surveyor)
        with self.assertRaises(AccessError):
            Answer.create({"survey_id": survey.id, "sales_admin_ticket_id": self.ticket.id})
        answer = Answer.create({"survey_id": survey.id})
        with self.assertRaises(AccessError):
            answer.write({"sales_admin_ticket_id": self.ticket.id})
        self.assertFalse(self.env["survey.user_input"].search([("sales_admin_ticket_id", "=", self.ticket.id)]))
        # nor to a customer of the first company only (its last survey and need tags would be written)
        own_customer = self.env["res.partner"].create(
            {"name": "Klient Spółki A", "is_company": True, "company_id": self.company.id}
        )
        with self.assertRaises(AccessError):
            Answer.create({"survey_id": survey.id, "partner_id": own_customer.id})
        with self.assertRaises(AccessError):
            answer.write({"partner_id": own_customer.id})

    # segments are counted and synced as superuser

    def test_segment_conditions_limited_to_what_the_author_reads(self):
        marketer = new_test_user(
            self.env, login="sa_audit_marketer", groups="base.group_user,mass_mailing.group_mass_mailing_user"
        )
        Segment = self.env["sales_admin.segment"].with_user(marketer)
        with self.assertRaises(ValidationError):
            # a salesman-only field: the member count would tell which customers are due to reorder
            Segment.create({"name": "Wyrocznia", "extra_domain": repr([("reorder_due", "=", True)])})
        with self.assertRaises(ValidationError):
            # a model he has no access to (sales orders, of every company as superuser)
            Segment.create({"name": "Zamówienia", "extra_domain": repr([("sale_order_ids.amount_total", ">", 1000)])})
        segment = Segment.create({"name": "Kraków", "extra_domain": repr([("city", "=", "Kraków")])})
        self.assertEqual(segment.member_count, 0)
        self.assertEqual(segment.extra_domain_uid, marketer)

    def test_segment_conditions_read_other_records_with_the_author_rights(self):
        # the shared customer has a large order in the first company only
        product = self.env["product.product"].create({"name": "Maszyna", "type": "service"})
        self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 5000, "tax_id": []})],
            }
        )
        conditions = repr([("id", "=", self.customer.id), ("sale_order_ids.amount_total", ">", 1000)])
        segment = (
            self.env["sales_admin.segment"]
            .with_user(self.outsider)
            .with_company(self.other_company)
            .create({"name": "Duzi klienci", "require_consent": False, "extra_domain": conditions})
        )
        self.assertEqual(segment.company_id, self.other_company)
        self.assertEqual(segment.member_count, 0, "counted another company's orders")
        self.assertFalse(segment.sudo()._get_partners(), "the sync would select on another company's orders")
        # the first company's own segment, by one of its users, finds the customer
        own = (
            self.env["sales_admin.segment"]
            .with_user(self.sales_admin_user)
            .create({"name": "Duzi klienci A", "require_consent": False, "extra_domain": conditions})
        )
        self.assertEqual(own.member_count, 1)


@tagged("post_install", "-at_install")
class TestPortalTokens(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.env["res.partner"].create({"name": "Firma Tokenowa", "is_company": True})
        cls.ticket = cls.env["sales_admin.ticket"].create({"title": "Poufna sprawa", "partner_id": customer.id})
        cls.token = cls.ticket._portal_ensure_token()

    def test_ticket_page_needs_rights_or_its_token(self):
        for token in (None, "", "x" * len(self.token), self.token[:-1]):
            with self.subTest(token=token):
                url = f"/my/requests/{self.ticket.id}" + (f"?access_token={token}" if token is not None else "")
                page = self.url_open(url)
                self.assertNotIn("Poufna sprawa", page.text, "shown without rights or the right token")
        page = self.url_open(f"/my/requests/{self.ticket.id}?access_token={self.token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Poufna sprawa", page.text)
