"""Regressions of the hostile-input run (benchmarks/fuzz.py, issue 10 item 4).

Each test replays, in-process and as the least privileged user who can make the call, a hostile call that gave a
server error (an exception that is not one of Odoo's user-facing ones) before its fix, and checks that it is now
refused with a clear message (or left to the ORM's own refusal) and that nothing was written.
"""

import traceback

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import GROUP_USER, SalesAdminCommon


@tagged("post_install", "-at_install")
class TestFuzzRegressions(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="fz_salesman", name="Fuzz Salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Hurtownia Fuzz", "is_company": True, "customer_rank": 1, "user_id": cls.salesperson.id}
        )

    def _counts(self, *models):
        return {model: self.env[model].sudo().with_context(active_test=False).search_count([]) for model in models}

    def test_order_create_with_hostile_partner_left_to_the_orm(self):
        """The campaign attribution's raw query read ``partner_id`` from the values before the ORM checked them: a
        string there made our query fail (``integer = text``); now our query skips values that are not ids and
        the ORM deals with them as it does without our addon (it refuses them, nothing is written)."""
        Order = self.env["sale.order"].with_user(self.sales_admin_user)
        before = self._counts("sale.order")
        for partner in ("'; SELECT pg_sleep(5); --", "1 OR 1=1", 2**40, 1.5):
            with self.subTest(partner=partner):
                self.assertLeftToOrm(Order.create, {"partner_id": partner})
        self.assertEqual(self._counts("sale.order"), before)
        # a valid order still goes through the attribution
        order = Order.create({"partner_id": self.customer.id})
        self.assertEqual(order.partner_id, self.customer)

    def _failing_frames(self, method, *args):
        """The frames of the traceback of ``method(*args)``, which must fail (in a savepoint)."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                method(*args)
        except (psycopg2.Error, ValueError, TypeError, UserError) as error:
            self.assertTrue(str(error), "the error says why")
            return traceback.extract_tb(error.__traceback__)
        self.fail(f"{args!r} was accepted")

    def assertLeftToOrm(self, method, *args):
        """``method(*args)`` fails, and not in our code: the last frame of the addon, if any, is a ``super()`` call
        (the ORM refuses the values as it does without our addon)."""
        ours = [frame for frame in self._failing_frames(method, *args) if "/sales_admin_addon/" in frame.filename]
        if ours:  # else the ORM refused them when flushing, after our code
            self.assertIn("super()", ours[-1].line, f"failed in our code: {ours[-1].name}: {ours[-1].line}")

    def test_visit_check_in_refuses_impossible_positions(self):
        """Check-in's GPS position comes from the browser: infinite, NaN, out-of-range or non-numeric coordinates
        raised OverflowError/TypeError in the float rounding; now a UserError, the visit untouched."""
        visit = (
            self.env["sales_admin.visit"]
            .with_user(self.salesperson)
            .create({"partner_id": self.customer.id, "user_id": self.salesperson.id})
        )
        positions = [
            (float("inf"), 21.0),
            (52.2, float("-inf")),
            (float("nan"), 21.0),
            (91.0, 21.0),
            (52.2, -180.5),
            ("north", 21.0),
            (True, False),
            ([52.2], 21.0),
        ]
        for latitude, longitude in positions:
            with self.subTest(latitude=latitude, longitude=longitude):
                with self.assertRaisesRegex(UserError, "latitude must lie between -90 and 90"):
                    visit.action_check_in(latitude=latitude, longitude=longitude)
                self.assertEqual(visit.state, "planned")
                self.assertFalse(visit.checkin_date)
        visit.action_check_in(latitude=-90, longitude=180.0)
        self.assertEqual((visit.state, visit.checkin_latitude, visit.checkin_longitude), ("in_progress", -90, 180))

    def test_workbook_export_refuses_a_malformed_search(self):
        """The XLSX export takes the report's search from the browser: a search that is no domain ([NaN], a
        string, a dict, 2-item leaves) raised TypeError inside the workbook; now a UserError, no file made."""
        user = new_test_user(self.env, login="fz_report", name="Fuzz Report", groups=f"base.group_user,{GROUP_USER}")
        Workbook = self.env["sales_admin.weekly.workbook"].with_user(user)
        exports = [("res_model", "=", "sales_admin.weekly.workbook")]
        before = self.env["ir.attachment"].sudo().search_count(exports)
        for domain in ([float("nan")], "x", {"a": 1}, [("week_start", "=")], [[1, 2, 3, 4]], [None], 5, [(7, "=", 1)]):
            with self.subTest(domain=domain), self.assertRaisesRegex(UserError, "The search to export is not valid"):
                Workbook.action_export_xlsx(domain)
        self.assertEqual(self.env["ir.attachment"].sudo().search_count(exports), before)
        # a real search still exports
        domain = ["|", ("company_id", "=", self.env.company.id), "!", ("company_id", "=", False)]
        self.assertEqual(Workbook.action_export_xlsx(domain)["type"], "ir.actions.act_url")

    def test_reception_create_leaves_impossible_arrival_to_the_orm(self):
        """The reception's create parsed ``arrival`` itself (to plan an expected visitor) and failed there on an
        impossible date; now the ORM's field conversion refuses it, and nothing is written."""
        Reception = self.env["sales_admin.reception"].with_user(self.sales_admin_user)
        before = self._counts("sales_admin.reception")
        for arrival in ("2026-02-30 10:00:00", "9999-99-99", "2026-13-45 25:61:61", "tomorrow"):
            with self.subTest(arrival=arrival):
                self.assertLeftToOrm(Reception.create, {"visitor_name": "Fuzz", "arrival": arrival})
        self.assertEqual(self._counts("sales_admin.reception"), before)
        # an arrival to come is still an expected visitor
        entry = Reception.create({"visitor_name": "Fuzz", "arrival": "2999-01-01 10:00:00"})
        self.assertEqual(entry.state, "planned")

    def test_ticket_create_and_write_leave_hostile_many2one_to_the_orm(self):
        """The ticket's create and write browsed ``partner_id``, ``stage_id`` and ``company_id`` from the values: a
        string there became a recordset of its characters (``Expected singleton: stage('1', ' ', 'O', 'R'...)``) or
        a failed query; now only ids are read there, the ORM refuses the rest, nothing is written."""
        Ticket = self.env["sales_admin.ticket"].with_user(self.sales_admin_user)
        ticket_type = self.env["sales_admin.ticket.type"].search([], limit=1)
        ticket = Ticket.create({"title": "Fuzz", "partner_id": self.customer.id, "ticket_type_id": ticket_type.id})
        stage, date_update = ticket.stage_id, ticket.date_last_stage_update
        before = self._counts("sales_admin.ticket")
        base = {"title": "Fuzz", "partner_id": self.customer.id, "ticket_type_id": ticket_type.id}
        for field, value in [
            ("stage_id", "1 OR 1=1"),
            ("stage_id", "' UNION SELECT login, password FROM res_users --"),
            ("partner_id", "\\'; SELECT pg_sleep(5); --"),
            ("company_id", "abc"),
            ("stage_id", [1]),
        ]:
            with self.subTest(field=field, value=value):
                self.assertLeftToOrm(Ticket.create, {**base, field: value})
                if field == "stage_id":
                    self.assertLeftToOrm(ticket.write, {field: value})
        self.assertEqual(self._counts("sales_admin.ticket"), before)
        self.assertEqual((ticket.stage_id, ticket.date_last_stage_update), (stage, date_update))

    def test_sla_matching_survives_an_unknown_priority(self):
        """The SLA policy's match converted the ticket's priority with int() while the ORM had not yet refused an
        unknown value ('DRAFT'): a ValueError without a user message; now the ORM's own refusal."""
        self.env["sales_admin.ticket.sla"].create({"name": "Fuzz SLA", "priority": "1", "response_hours": 4})
        Ticket = self.env["sales_admin.ticket"].with_user(self.sales_admin_user)
        ticket_type = self.env["sales_admin.ticket.type"].search([], limit=1)
        before = self._counts("sales_admin.ticket")
        for priority in ("DRAFT", "9", ""):
            with self.subTest(priority=priority):
                self.assertLeftToOrm(
                    Ticket.create,
                    {
                        "title": "Fuzz",
                        "partner_id": self.customer.id,
                        "ticket_type_id": ticket_type.id,
                        "priority": priority,
                    },
                )
        self.assertEqual(self._counts("sales_admin.ticket"), before)

    def test_collection_case_create_leaves_hostile_partner_to_the_orm(self):
        """The one-open-case check hashed ``(partner_id, company_id)`` from the values: a dict or a list there
        raised TypeError; now those values go to the ORM, which refuses them, and nothing is written."""
        Case = self.env["sales_admin.collection.case"].with_user(self.sales_admin_user)
        before = self._counts("sales_admin.collection.case")
        for partner in ({"id": 1}, [1], "1 OR 1=1"):
            with self.subTest(partner=partner):
                self.assertLeftToOrm(Case.create, {"partner_id": partner})
        self.assertEqual(self._counts("sales_admin.collection.case"), before)
        # the check still refuses a second open case
        Case.create({"partner_id": self.customer.id})
        with self.assertRaisesRegex(ValidationError, "already has an open collection case"):
            Case.create({"partner_id": self.customer.id})

    def test_visit_paperwork_owner_of_another_company_refused(self):
        """A visit of one company accepted, over RPC, a paperwork owner who works only for another company (who
        cannot open it, but would get its to-do): now the company check refuses it, nothing is written."""
        other_company = self.env["res.company"].create({"name": "Fuzz Spółka B"})
        outsider = new_test_user(
            self.env,
            login="fz_outsider",
            name="Fuzz Outsider",
            groups="sales_team.group_sale_salesman",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        Visit = self.env["sales_admin.visit"].with_user(self.salesperson)
        before = self._counts("sales_admin.visit")
        with self.assertRaisesRegex(UserError, "Incompatible companies"), self.env.cr.savepoint():
            Visit.create(
                {"partner_id": self.customer.id, "user_id": self.salesperson.id, "paperwork_user_id": outsider.id}
            )
        self.assertEqual(self._counts("sales_admin.visit"), before)
        visit = Visit.create({"partner_id": self.customer.id, "user_id": self.salesperson.id})
        with self.assertRaisesRegex(UserError, "Incompatible companies"), self.env.cr.savepoint():
            visit.write({"paperwork_user_id": outsider.id})
        self.assertFalse(visit.paperwork_user_id)
        visit.paperwork_user_id = self.salesperson
        self.assertEqual(visit.paperwork_user_id, self.salesperson)

    def test_segment_responsible_of_another_company_refused(self):
        """A segment of one company accepted, over RPC, a responsible who works only for another company: now the
        company check refuses it."""
        other_company = self.env["res.company"].create({"name": "Fuzz Spółka C"})
        outsider = new_test_user(
            self.env,
            login="fz_outsider_c",
            name="Fuzz Outsider C",
            groups="base.group_user",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        Segment = self.env["sales_admin.segment"].with_user(self.sales_admin_manager)
        before = self._counts("sales_admin.segment")
        with self.assertRaisesRegex(UserError, "Incompatible companies"), self.env.cr.savepoint():
            Segment.create({"name": "Fuzz", "user_id": outsider.id})
        self.assertEqual(self._counts("sales_admin.segment"), before)
        segment = Segment.create({"name": "Fuzz"})
        self.assertEqual(segment.user_id, self.sales_admin_manager)
