"""Customer 360: res.partner.get_sales_admin_360, its rights and the quick actions of the strip."""

from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .collection_common import CollectionCommon
from .common import GROUP_USER

NOW = datetime(2026, 3, 2, 10, 0)
ACCOUNTING_FIGURES = {"overdue", "reminder_level", "promise"}


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCustomer360(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a sales administrator who also bills: sees every figure
        cls.admin = new_test_user(
            cls.env,
            login="sa_360_admin",
            name="Administracja 360",
            groups=f"base.group_user,{GROUP_USER},account.group_account_invoice,survey.group_survey_user",
        )
        cls.colleague = new_test_user(
            cls.env, login="sa_360_colleague", name="Kolega z zespołu", groups="sales_team.group_sale_salesman"
        )
        Team = cls.env["crm.team"]
        cls.team = Team.create(
            {"name": "Zespół Północ", "member_ids": [Command.set((cls.salesperson | cls.colleague).ids)]}
        )
        cls.other_team = Team.create(
            {"name": "Zespół Południe", "member_ids": [Command.set(cls.other_salesperson.ids)]}
        )
        cls.customer, cls.contact = cls._customer("Kowalski Meble")
        cls.customer.write({"visit_frequency": 14, "customer_rank": 1})
        cls.other_customer, _contact = cls._customer("Nowak Okna", cls.other_salesperson)
        cls._build_visits()
        cls._build_orders()
        cls._build_money()
        cls._build_tickets()
        cls._build_customer_data()

    @classmethod
    def _build_visits(cls):
        Visit = cls.env["sales_admin.visit"]
        common = {"partner_id": cls.customer.id, "user_id": cls.salesperson.id}
        cls.visit_done = Visit.create(
            {
                **common,
                "planned_start": datetime(2026, 2, 10, 9),
                "state": "done",
                "checkin_date": datetime(2026, 2, 10, 9),
                "checkout_date": datetime(2026, 2, 10, 10),
            }
        )
        cls.visit_old = Visit.create(
            {
                **common,
                "planned_start": datetime(2026, 1, 5, 9),
                "state": "done",
                "checkin_date": datetime(2026, 1, 5, 9),
                "checkout_date": datetime(2026, 1, 5, 10),
            }
        )
        cls.visit_planned = Visit.create({**common, "planned_start": datetime(2026, 3, 10, 9)})
        cls.visit_to_book = Visit.create({**common, "planned_start": datetime(2026, 3, 5, 9), "state": "proposed"})
        # another salesperson's visit of the same customer: not the salesperson's to see
        cls.visit_other = Visit.create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.other_salesperson.id,
                "planned_start": datetime(2026, 3, 4, 9),
            }
        )

    @classmethod
    def _build_orders(cls):
        goods = cls.env["product.product"].create({"name": "Krzesło", "type": "consu", "is_storable": True})
        cls.goods = goods

        def order(user, commitment, qty=5):
            sale = cls.env["sale.order"].create(
                {
                    "partner_id": cls.contact.id,
                    "user_id": user.id,
                    "date_order": NOW - timedelta(days=20),
                    "commitment_date": commitment,
                    "order_line": [Command.create({"product_id": goods.id, "product_uom_qty": qty})],
                }
            )
            sale.action_confirm()
            return sale

        cls.late_order = order(cls.salesperson, NOW - timedelta(days=2))
        cls.open_order = order(cls.salesperson, NOW + timedelta(days=10))
        cls.others_order = order(cls.other_salesperson, NOW - timedelta(days=1))
        # a quotation is no open order
        cls.env["sale.order"].create({"partner_id": cls.customer.id, "user_id": cls.salesperson.id})

    @classmethod
    def _build_money(cls):
        cls.invoice = cls._invoice(cls.customer, date(2026, 2, 1), 100.0)
        cls._invoice(cls.customer, date(2026, 2, 20), 40.0)
        cls._invoice(cls.customer, date(2026, 3, 20), 500.0)  # not due yet
        cls.Case._refresh_collection_cases(cls.customer)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])
        # the reminder batch writes the level reached on the case; the promise wizard the promise
        cls.case.write(
            {
                "reminder_level_id": cls.level_7.id,
                "last_reminder_date": date(2026, 2, 8),
                "promise_state": "pending",
                "promise_date": date(2026, 3, 12),
                "promise_amount": 90.0,
            }
        )

    @classmethod
    def _build_tickets(cls):
        Ticket = cls.env["sales_admin.ticket"]
        cls.env["sales_admin.ticket.sla"].search([]).active = False
        cls.env["sales_admin.ticket.sla"].create({"name": "Szybko", "response_hours": 1, "resolution_hours": 2})
        with freeze_time(NOW - timedelta(days=7)):
            cls.ticket_breached = Ticket.create({"title": "Złamana noga", "partner_id": cls.customer.id})
        cls.ticket_open = Ticket.create({"title": "Brak faktury", "partner_id": cls.customer.id})
        cls.ticket_closed = Ticket.create({"title": "Stara sprawa", "partner_id": cls.customer.id})
        closed_stage = cls.env["sales_admin.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        cls.ticket_closed.stage_id = closed_stage
        Ticket._cron_refresh_sla()

    @classmethod
    def _build_customer_data(cls):
        journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.bank_method = journal.inbound_payment_method_line_ids.filtered(lambda line: line.code == "manual")[:1]
        cls.customer.write(
            {
                "vat": "PL5260250274",
                "property_inbound_payment_method_line_id": cls.bank_method.id,
                "bank_ids": [Command.create({"acc_number": "PL61109010140000071219812874"})],
                "preferred_product_ids": [Command.link(cls.goods.id)],
                "sales_admin_marketing_consent": True,
            }
        )
        survey = cls.env["survey.survey"].create({"title": "Zadowolenie", "scoring_type": "scoring_with_answers"})
        cls.customer.write(
            {
                "sales_admin_last_survey_id": survey.id,
                "sales_admin_last_survey_scored": True,
                "sales_admin_last_survey_score": 62.5,
                "sales_admin_last_survey_date": NOW - timedelta(days=3),
            }
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _360(self, user, partner=None, company=None):
        partner = (partner or self.customer).with_user(user)
        if company:
            partner = partner.with_company(company)
        data = partner.get_sales_admin_360()
        return data, {figure["key"]: figure for figure in data["figures"]}

    def _listed(self, user, figure):
        action = figure["action"]
        return self.env[action["res_model"]].with_user(user).search(action["domain"])

    # ------------------------------------------------------------
    # Figures equal what their lists show
    # ------------------------------------------------------------

    def test_figures_equal_their_lists(self):
        data, figures = self._360(self.admin)
        self.assertEqual(data["partner_id"], self.customer.id)
        self.assertEqual(
            [figure["key"] for figure in data["figures"]],
            [key for key, _method, _groups in self.customer._get_sales_admin_360_builders()],
            "a user with every right sees every figure",
        )
        for figure in data["figures"]:
            with self.subTest(figure=figure["key"]):
                self.assertTrue(figure["action"], "every figure opens its list")
                self.assertIn(figure["severity"], ("danger", "warning", "success", "info", "muted"))
                self.assertTrue(figure["label"] and figure["value"])

        # visits: the last one done, the first one to come (the admin sees every salesperson's), the cadence
        done = self._listed(self.admin, figures["last_visit"])
        self.assertEqual(done, self.visit_done | self.visit_old)
        self.assertEqual(figures["last_visit"]["raw"], "2026-02-10")
        self.assertEqual(max(done.mapped("checkout_date")).date().isoformat(), figures["last_visit"]["raw"])
        upcoming = self._listed(self.admin, figures["next_visit"])
        self.assertEqual(upcoming, self.visit_planned | self.visit_to_book | self.visit_other)
        self.assertEqual(figures["next_visit"]["raw"], "2026-03-04 09:00:00")
        self.assertEqual(fields.Datetime.to_string(min(upcoming.mapped("planned_start"))), figures["next_visit"]["raw"])
        self.assertTrue(figures["visit_cadence"]["raw"], "last visit 10 February, every 14 days: overdue")
        self.assertEqual(figures["visit_cadence"]["severity"], "danger")

        # orders
        open_orders = self._listed(self.admin, figures["open_orders"])
        self.assertEqual(open_orders, self.late_order | self.open_order | self.others_order)
        self.assertEqual(figures["open_orders"]["raw"], 3)
        late_orders = self._listed(self.admin, figures["late_orders"])
        self.assertEqual(late_orders, self.late_order | self.others_order)
        self.assertEqual((figures["late_orders"]["raw"], figures["late_orders"]["severity"]), (2, "danger"))
        otif_lines = self._listed(self.admin, figures["otif"])
        self.assertEqual(len(otif_lines), 2, "the two late lines are rated")
        self.assertAlmostEqual(figures["otif"]["raw"], sum(otif_lines.mapped("otif")) / len(otif_lines))
        self.assertEqual(figures["otif"]["severity"], "danger")

        # money owed
        overdue = self._listed(self.admin, figures["overdue"])
        self.assertEqual(len(overdue), 2, "the invoice due on 20 March is not overdue")
        self.assertAlmostEqual(figures["overdue"]["raw"], sum(overdue.mapped("amount_residual_signed")))
        self.assertAlmostEqual(figures["overdue"]["raw"], 140.0)
        self.assertEqual(figures["reminder_level"]["raw"], self.level_7.id)
        self.assertEqual(figures["reminder_level"]["value"], "Pierwsze")
        self.assertEqual(self._listed(self.admin, figures["promise"]), self.case)
        self.assertEqual((figures["promise"]["raw"], figures["promise"]["severity"]), ("pending", "info"))

        # requests
        self.assertEqual(self._listed(self.admin, figures["open_tickets"]), self.ticket_breached | self.ticket_open)
        self.assertEqual(figures["open_tickets"]["raw"], 2)
        self.assertEqual(self._listed(self.admin, figures["sla_breached"]), self.ticket_breached)
        self.assertEqual((figures["sla_breached"]["raw"], figures["sla_breached"]["severity"]), (1, "danger"))

        # customer data
        self.assertEqual(figures["payment"]["raw"], "bank_not_validated", "the account is not trusted yet")
        self.assertEqual(figures["payment"]["severity"], "warning")
        self.assertEqual(self._listed(self.admin, figures["payment"]), self.customer.bank_ids)
        self.assertEqual(figures["billing"]["raw"], self.customer.billing_score)
        self.assertLess(figures["billing"]["raw"], 100)
        self.assertIn(self.contact, self._listed(self.admin, figures["billing"]))
        products = self._listed(self.admin, figures["products"])
        self.assertEqual(products, self.goods, "preferred and the top product of the orders")
        self.assertEqual(figures["products"]["raw"], len(products))
        self.assertEqual((figures["consent"]["raw"], figures["consent"]["severity"]), (True, "success"))
        self.assertEqual((figures["survey"]["raw"], figures["survey"]["severity"]), (62.5, "warning"))

    def test_figures_follow_the_data(self):
        """The figures are read, not fixed: closing the requests and paying set them back."""
        (self.ticket_breached | self.ticket_open).stage_id = self.ticket_closed.stage_id
        self.customer.bank_ids.allow_out_payment = True
        _data, figures = self._360(self.admin)
        self.assertEqual((figures["open_tickets"]["raw"], figures["sla_breached"]["raw"]), (0, 0))
        self.assertEqual(figures["open_tickets"]["severity"], "success")
        self.assertEqual((figures["payment"]["raw"], figures["payment"]["severity"]), ("ready", "success"))

    # ------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------

    def test_salesperson_reads_with_own_rights(self):
        data, figures = self._360(self.salesperson)
        self.assertFalse(ACCOUNTING_FIGURES & set(figures), "no accounting figures without accounting rights")
        self.assertNotIn("send_reminder", [action["key"] for action in data["quick_actions"]])
        # the other salesperson's visit and order are not theirs to see, in the figure as in its list
        upcoming = self._listed(self.salesperson, figures["next_visit"])
        self.assertEqual(upcoming, self.visit_planned | self.visit_to_book)
        self.assertEqual(figures["next_visit"]["raw"], "2026-03-05 09:00:00")
        open_orders = self._listed(self.salesperson, figures["open_orders"])
        self.assertEqual(open_orders, self.late_order | self.open_order)
        self.assertEqual(figures["open_orders"]["raw"], 2)
        self.assertEqual(figures["late_orders"]["raw"], len(self._listed(self.salesperson, figures["late_orders"])))
        # a colleague of the same team sees the customer too
        _data, colleague_figures = self._360(self.colleague)
        self.assertIn("open_tickets", colleague_figures)

    def test_accounting_figures_for_billing_staff(self):
        billing = new_test_user(
            self.env,
            login="sa_360_billing",
            name="Fakturzystka",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )
        data, figures = self._360(billing)
        self.assertLessEqual(ACCOUNTING_FIGURES, set(figures))
        self.assertIn("send_reminder", [action["key"] for action in data["quick_actions"]])

    def test_other_team_and_non_salespeople_refused(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.other_salesperson).get_sales_admin_360()
        with self.assertRaises(AccessError):
            self.other_customer.with_user(self.salesperson).get_sales_admin_360()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.internal_user).get_sales_admin_360()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.portal_user).get_sales_admin_360()
        # their own customer, and a customer nobody owns, they may see
        self.assertTrue(self.other_customer.with_user(self.other_salesperson).get_sales_admin_360()["figures"])
        nobody = self.env["res.partner"].create({"name": "Bez opiekuna", "is_company": True})
        self.assertTrue(nobody.with_user(self.other_salesperson).get_sales_admin_360()["figures"])

    def test_contact_shows_its_company(self):
        data, _figures = self._360(self.admin, self.contact)
        self.assertEqual(data["partner_id"], self.customer.id)

    # ------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Oddział B"})
        self.admin.company_ids |= company_b
        # the money figures are the current company's: the case and its promise belong to the first one
        _data, figures_a = self._360(self.admin)
        self.assertAlmostEqual(figures_a["overdue"]["raw"], 140.0)
        self.assertEqual(figures_a["promise"]["raw"], "pending")
        _data, figures_b = self._360(self.admin, company=company_b)
        self.assertAlmostEqual(figures_b["overdue"]["raw"], 0.0)
        self.assertEqual((figures_b["promise"]["raw"], figures_b["reminder_level"]["raw"]), ("none", False))
        cases_b = self.env["sales_admin.collection.case"].with_user(self.admin).with_company(company_b)
        self.assertFalse(cases_b.search(figures_b["promise"]["action"]["domain"]))
        # a customer of the second company only cannot be read from the first
        customer_b = self.env["res.partner"].create({"name": "Tylko B", "is_company": True, "company_id": company_b.id})
        with self.assertRaises(AccessError):
            customer_b.with_user(self.salesperson).get_sales_admin_360()
        self.assertTrue(customer_b.with_user(self.admin).with_company(company_b).get_sales_admin_360()["figures"])

    # ------------------------------------------------------------
    # Query bound
    # ------------------------------------------------------------

    def test_queries_do_not_grow_with_the_customer_documents(self):
        def count_queries():
            self.customer.with_user(self.admin).get_sales_admin_360()  # warm the caches
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.customer.with_user(self.admin).get_sales_admin_360()
            return self.env.cr.sql_log_count - before

        first_count = count_queries()
        # many more documents of every kind the figures count
        self.env["sales_admin.ticket"].create(
            [{"title": f"Sprawa {i}", "partner_id": self.customer.id} for i in range(20)]
        )
        self.env["sales_admin.visit"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesperson.id,
                    "planned_start": NOW + timedelta(days=i),
                }
                for i in range(1, 21)
            ]
        )
        for _i in range(3):
            self.open_order.copy().action_confirm()
        self._invoice(self.customer, date(2026, 2, 10), 30.0)
        self.assertEqual(count_queries(), first_count, "the same queries whatever the number of documents")
        self.env.invalidate_all()
        with self.assertQueryCount(first_count):
            self.customer.with_user(self.admin).get_sales_admin_360()

    # ------------------------------------------------------------
    # Quick actions
    # ------------------------------------------------------------

    def test_quick_actions_open_prefilled_forms(self):
        data, _figures = self._360(self.salesperson)
        keys = [action["key"] for action in data["quick_actions"]]
        self.assertEqual(keys, ["plan_visit", "log_call", "new_quotation", "book_meeting"])
        customer = self.customer.with_user(self.salesperson)

        action = customer.action_sales_admin_plan_visit()
        self.assertEqual((action["res_model"], action["views"]), ("sales_admin.visit", [(False, "form")]))
        visit_form = Form(self.env["sales_admin.visit"].with_user(self.salesperson).with_context(action["context"]))
        self.assertEqual(visit_form.partner_id, self.customer)
        self.assertEqual(visit_form.user_id, self.salesperson)
        self.assertEqual(visit_form.company_id, self.company)
        visits_before = self.env["sales_admin.visit"].search_count([])
        self.assertEqual(self.env["sales_admin.visit"].search_count([]), visits_before, "nothing saved yet")
        visit = visit_form.save()
        self.assertEqual(visit.user_id, self.salesperson)

        # from a contact: the visit is the company's, the contact the one met
        action = self.contact.with_user(self.salesperson).action_sales_admin_plan_visit()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(action["context"]["default_contact_id"], self.contact.id)

        action = self.contact.with_user(self.salesperson).action_sales_admin_log_call()
        self.assertEqual((action["res_model"], action["target"]), ("sales_admin.ticket.log.call", "new"))
        call_form = Form(
            self.env["sales_admin.ticket.log.call"].with_user(self.salesperson).with_context(action["context"])
        )
        self.assertEqual(call_form.partner_id, self.contact)
        self.assertEqual(call_form.caller_name, self.contact.name)

        action = customer.action_sales_admin_new_quotation()
        quotation_form = Form(self.env["sale.order"].with_user(self.salesperson).with_context(action["context"]))
        self.assertEqual(quotation_form.partner_id, self.customer)
        self.assertEqual(quotation_form.user_id, self.salesperson)

        action = customer.action_book_sales_admin_meeting()
        self.assertIn(self.customer.id, action["context"]["default_partner_ids"])
        self.assertIn(self.salesperson.partner_id.id, action["context"]["default_partner_ids"])

    def test_send_reminder_quick_action(self):
        self.case.write({"promise_state": "none", "promise_date": False, "promise_amount": 0.0})
        action = self.customer.with_user(self.admin).action_sales_admin_prepare_reminder()
        reminder = self.env["sales_admin.reminder"].browse(action["res_id"])
        self.assertEqual((reminder.partner_id, reminder.state), (self.customer, "pending"))

    # ------------------------------------------------------------
    # Views
    # ------------------------------------------------------------

    def test_strip_in_the_forms_of_salespeople(self):
        """The partner and reception forms carry the 360 strip for salespeople; employees without sales rights keep
        the reception's short strip and get no 360."""
        widget = 'name="sales_admin_customer_360"'
        for user in (self.salesperson, self.sales_admin_user):
            with self.subTest(user=user.login):
                partner_arch = self.env["res.partner"].with_user(user).get_views([(False, "form")])
                self.assertIn(widget, partner_arch["views"]["form"]["arch"])
                reception_arch = self.env["sales_admin.reception"].with_user(user).get_views([(False, "form")])
                self.assertIn(widget, reception_arch["views"]["form"]["arch"])
                self.assertIn("partner_field", reception_arch["views"]["form"]["arch"])
                self.assertNotIn('name="customer_strip"', reception_arch["views"]["form"]["arch"])
        partner_arch = self.env["res.partner"].with_user(self.internal_user).get_views([(False, "form")])
        self.assertNotIn(widget, partner_arch["views"]["form"]["arch"])
        reception_arch = self.env["sales_admin.reception"].with_user(self.internal_user).get_views([(False, "form")])
        self.assertNotIn(widget, reception_arch["views"]["form"]["arch"])
        self.assertIn('name="customer_strip"', reception_arch["views"]["form"]["arch"])
