from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import ADDON, SalesAdminCommon

NOW = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestTicketCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesperson = new_test_user(
            cls.env, login="sa_tk_salesman", name="Jan Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, login="sa_tk_salesman2", name="Ewa Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create({"name": "Północ", "member_ids": [(4, cls.salesperson.id)]})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Hurtownia Kowalski", "is_company": True, "customer_rank": 1, "user_id": cls.salesperson.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Piotr Kowalski",
                "parent_id": cls.customer.id,
                "email": "piotr@kowalski.example.com",
                "phone": "+48 601 000 001",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Budmax", "is_company": True, "customer_rank": 1, "user_id": cls.other_salesperson.id}
        )
        cls.product = cls.env["product.product"].create({"name": "Krzesło", "list_price": 100.0})
        cls.stage_new = cls.env.ref(f"{ADDON}.ticket_stage_new")
        cls.stage_in_progress = cls.env.ref(f"{ADDON}.ticket_stage_in_progress")
        cls.stage_solved = cls.env.ref(f"{ADDON}.ticket_stage_solved")
        cls.stage_cancelled = cls.env.ref(f"{ADDON}.ticket_stage_cancelled")
        cls.type_complaint = cls.env.ref(f"{ADDON}.ticket_type_complaint")
        cls.type_request = cls.env.ref(f"{ADDON}.ticket_type_request")
        cls.Ticket = cls.env["sales_admin.ticket"]

    def _ticket(self, user=None, **vals):
        return self.Ticket.with_user(user or self.sales_admin_user).create(
            {"title": "Uszkodzone krzesła", "partner_id": self.customer.id, **vals}
        )

    def _order(self, partner, **vals):
        return self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": self.product.id})], **vals}
        )

    def _invoice(self, partner, move_type="out_invoice"):
        invoice = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": NOW.date(),
                "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 100.0})],
            }
        )
        invoice.action_post()
        return invoice

    def _visit(self, partner=None, user=None, **vals):
        return (
            self.env["sales_admin.visit"]
            .with_user(user or self.salesperson)
            .create({"partner_id": (partner or self.customer).id, "planned_start": NOW, **vals})
        )


@tagged("post_install", "-at_install")
class TestTicket(TestTicketCommon):
    def test_sequence_and_defaults(self):
        with freeze_time(NOW):
            ticket = self._ticket()
            other = self._ticket()
        self.assertTrue(ticket.name.startswith("REQ/2026/"), ticket.name)
        self.assertNotEqual(ticket.name, other.name)
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(ticket.ticket_type_id, self.type_complaint)
        self.assertTrue(ticket.is_complaint)
        self.assertEqual((ticket.channel, ticket.priority), ("phone", "0"))
        self.assertEqual(ticket.date_open, NOW)
        self.assertFalse(ticket.is_closed or ticket.date_closed)
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(self.Ticket.name_search(ticket.name), [(ticket.id, ticket.display_name)])
        self.assertIn(ticket, self.Ticket.search([("display_name", "ilike", "krzesła")]))

    def test_commercial_partner_from_contact(self):
        ticket = self._ticket(partner_id=False, contact_id=self.contact.id)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(
            (ticket.contact_name, ticket.contact_email, ticket.contact_phone),
            ("Piotr Kowalski", "piotr@kowalski.example.com", "+48 601 000 001"),
        )
        self.assertEqual(ticket._mail_get_partners()[ticket.id], self.contact | self.customer)
        # the person chosen as the customer becomes the contact of their company
        ticket = self._ticket(partner_id=self.contact.id)
        self.assertEqual((ticket.partner_id, ticket.contact_id), (self.customer, self.contact))
        # in the form, the customer follows the contact and the order
        form = Form(self.Ticket.with_user(self.sales_admin_user))
        form.title = "Faktura"
        form.contact_id = self.contact
        self.assertEqual(form.partner_id, self.customer)
        order = self._order(self.other_customer)
        form = Form(self.Ticket.with_user(self.sales_admin_user))
        form.title = "Zamówienie"
        form.sale_order_id = order
        self.assertEqual(form.partner_id, self.other_customer)
        # a line of the order fills in the order and the product
        ticket = self._ticket(partner_id=self.other_customer.id, sale_line_id=order.order_line.id)
        self.assertEqual((ticket.sale_order_id, ticket.product_id), (order, self.product))

    def test_closing_sets_and_reopening_clears_date_closed(self):
        with freeze_time(NOW):
            ticket = self._ticket()
        with freeze_time(NOW + timedelta(hours=1)):
            ticket.stage_id = self.stage_in_progress
        self.assertFalse(ticket.date_closed)
        self.assertEqual(ticket.date_last_stage_update, NOW + timedelta(hours=1))
        with freeze_time(NOW + timedelta(days=1)):
            ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.is_closed)
        self.assertEqual(ticket.date_closed, NOW + timedelta(days=1))
        with freeze_time(NOW + timedelta(days=2)):
            ticket.stage_id = self.stage_cancelled
        self.assertEqual(ticket.date_closed, NOW + timedelta(days=1), "from closed to closed keeps the date")
        with freeze_time(NOW + timedelta(days=3)):
            ticket.stage_id = self.stage_in_progress
        self.assertFalse(ticket.is_closed or ticket.date_closed)
        # created straight into a closing stage
        with freeze_time(NOW):
            closed = self._ticket(stage_id=self.stage_solved.id)
        self.assertEqual(closed.date_closed, NOW)

    def test_stage_columns_expand(self):
        self._ticket()
        groups = self.Ticket.with_user(self.sales_admin_user).web_read_group([], ["stage_id"], ["stage_id"])["groups"]
        stages = self.env["sales_admin.ticket.stage"].search([])
        self.assertEqual([group["stage_id"][0] for group in groups], stages.ids, "every stage is a column")

    def test_customer_consistency(self):
        other_order = self._order(self.other_customer)
        other_invoice = self._invoice(self.other_customer)
        other_visit = self._visit(partner=self.other_customer, user=self.other_salesperson)
        other_contact = self.env["res.partner"].create({"name": "Obcy", "parent_id": self.other_customer.id})
        delivery = self.env["stock.picking"].create(
            {"picking_type_id": self.env.ref("stock.picking_type_out").id, "partner_id": self.other_customer.id}
        )
        bill = self._invoice(self.customer, move_type="in_invoice")
        order = self._order(self.customer)
        for vals in (
            {"sale_order_id": other_order.id},
            {"invoice_id": other_invoice.id},
            {"visit_id": other_visit.id},
            {"picking_id": delivery.id},
            {"contact_id": other_contact.id},
            {"invoice_id": bill.id},
            {"sale_order_id": order.id, "sale_line_id": other_order.order_line.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    self._ticket(title="Błędny", **vals)
        self.assertFalse(self.Ticket.search([("title", "=", "Błędny")]), "no failed ticket was written")
        ticket = self._ticket()
        with self.assertRaises(ValidationError):
            ticket.write({"sale_order_id": other_order.id, "partner_id": self.customer.id})
        with self.assertRaises(ValidationError):
            ticket.write({"partner_id": self.contact.id})
        ticket.invalidate_recordset()
        self.assertEqual((ticket.partner_id, ticket.sale_order_id), (self.customer, self.env["sale.order"]))
        # the customer's own documents are accepted
        ticket.write({"sale_order_id": order.id, "sale_line_id": order.order_line.id, "contact_id": self.contact.id})
        self.assertEqual(ticket.product_id, self.product)

    def test_company_consistency(self):
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        order = self._order(self.customer, company_id=other_company.id)
        with self.assertRaises(UserError):
            self._ticket(user=self.env.user, title="Inna spółka", sale_order_id=order.id)
        self.assertFalse(self.Ticket.search([("title", "=", "Inna spółka")]))


@tagged("post_install", "-at_install")
class TestTicketFromDocuments(TestTicketCommon):
    def _save_new_ticket(self, action, user, title="Prośba"):
        self.assertEqual((action["res_model"], action["view_mode"]), ("sales_admin.ticket", "form"))
        form = Form(self.Ticket.with_user(user).with_context(action["context"]))
        form.title = title
        return form.save()

    def test_visit_request_prefill_and_counts(self):
        visit = self._visit(contact_id=self.contact.id)
        self.assertEqual(visit.team_id, self.team)
        visit.action_check_in()
        ticket = self._save_new_ticket(visit.action_log_request(), self.salesperson)
        self.assertEqual(
            (ticket.partner_id, ticket.contact_id, ticket.visit_id, ticket.channel, ticket.team_id),
            (self.customer, self.contact, visit, "visit", self.team),
        )
        self.assertEqual(ticket.create_uid, self.salesperson)
        self.assertEqual(visit.ticket_count, 1)
        action = visit.action_view_tickets()
        self.assertEqual(self.Ticket.with_user(self.salesperson).search(action["domain"]), ticket)
        self.assertEqual(ticket.action_open_visit()["res_id"], visit.id)

    def test_order_button(self):
        order = self._order(self.contact, user_id=self.salesperson.id)
        order.invalidate_recordset()
        action = order.with_user(self.salesperson).action_log_sales_admin_request()
        ticket = self._save_new_ticket(action, self.salesperson)
        self.assertEqual(
            (ticket.partner_id, ticket.contact_id, ticket.sale_order_id), (self.customer, self.contact, order)
        )
        self.assertEqual(order.sales_admin_ticket_count, 1)
        action = order.action_open_sales_admin_tickets()
        self.assertEqual(self.Ticket.search(action["domain"]), ticket)
        self.assertEqual(action["context"]["default_sale_order_id"], order.id)

    def test_invoice_button_and_partner_count(self):
        invoice = self._invoice(self.customer)
        ticket = self._save_new_ticket(
            invoice.with_user(self.sales_admin_user).action_log_sales_admin_request(), self.sales_admin_user
        )
        self.assertEqual((ticket.partner_id, ticket.invoice_id), (self.customer, invoice))
        self.assertEqual(invoice.sales_admin_ticket_count, 1)
        self.assertEqual(self.Ticket.search(invoice.action_open_sales_admin_tickets()["domain"]), ticket)
        with self.assertRaises(UserError):
            self._invoice(self.customer, move_type="in_invoice").action_log_sales_admin_request()
        # the customer and its people count the customer's tickets
        self._ticket(partner_id=self.other_customer.id)
        self.assertEqual((self.customer.sales_admin_ticket_count, self.contact.sales_admin_ticket_count), (1, 1))
        action = self.contact.action_open_sales_admin_tickets()
        self.assertEqual(self.Ticket.search(action["domain"]), ticket)
        self.assertEqual(action["context"]["default_contact_id"], self.contact.id)


@tagged("post_install", "-at_install")
class TestTicketLogCall(TestTicketCommon):
    def _wizard(self, user=None, context=None, **vals):
        wizard = self.env["sales_admin.ticket.log.call"].with_user(user or self.salesperson)
        return wizard.with_context(**(context or {})).create(
            {"title": "Brak faktury", "note": "<p>Klient nie dostał faktury.</p>", **vals}
        )

    def test_known_caller(self):
        wizard = self._wizard(context={"active_model": "res.partner", "active_id": self.contact.id})
        self.assertEqual((wizard.partner_id, wizard.caller_phone), (self.contact, "+48 601 000 001"))
        action = wizard.action_log_call()
        ticket = self.Ticket.with_user(self.salesperson).browse(action["res_id"])
        self.assertEqual(
            (ticket.channel, ticket.partner_id, ticket.contact_id, ticket.title),
            ("phone", self.customer, self.contact, "Brak faktury"),
        )
        self.assertIn("Klient nie dostał faktury.", ticket.description)
        note = ticket.message_ids.filtered(lambda message: "Phone call from" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Piotr Kowalski (+48 601 000 001)", note.body)
        self.assertIn("Klient nie dostał faktury.", note.body)

    def test_unknown_caller(self):
        action = self._wizard(caller_name="Zofia Nowicka", caller_phone="+48 500 600 700").action_log_call()
        ticket = self.Ticket.browse(action["res_id"])
        self.assertFalse(ticket.partner_id or ticket.contact_id)
        self.assertEqual((ticket.contact_name, ticket.contact_phone), ("Zofia Nowicka", "+48 500 600 700"))
        self.assertEqual(ticket.create_uid, self.salesperson)
        count = self.Ticket.search_count([])
        with self.assertRaises(UserError):
            self._wizard(caller_name="  ").action_log_call()
        self.assertEqual(self.Ticket.search_count([]), count, "no ticket without a caller")

    def test_company_calls_in(self):
        ticket = self.Ticket.browse(self._wizard(partner_id=self.customer.id).action_log_call()["res_id"])
        self.assertEqual((ticket.partner_id, ticket.contact_id), (self.customer, self.env["res.partner"]))
        self.assertEqual(ticket.contact_name, "Hurtownia Kowalski")

    def test_reachable_from_menu_and_partner(self):
        action = self.env.ref(f"{ADDON}.sales_admin_ticket_log_call_action")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        menu = self.env.ref(f"{ADDON}.sales_admin_ticket_log_call_menu")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.sales_admin_user)._visible_menu_ids())


@tagged("post_install", "-at_install")
class TestTicketAccess(TestTicketCommon):
    def test_salesperson_sees_own_customers_assigned_and_created(self):
        own_customer = self._ticket()
        assigned = self._ticket(partner_id=self.other_customer.id, user_id=self.salesperson.id)
        created = self._ticket(user=self.salesperson, partner_id=self.other_customer.id)
        hidden = self._ticket(partner_id=self.other_customer.id)
        tickets = self.Ticket.with_user(self.salesperson)
        self.assertEqual(tickets.search([]), own_customer | assigned | created)
        with self.assertRaises(AccessError):
            hidden.with_user(self.salesperson).read(["title"])
        with self.assertRaises(AccessError):
            hidden.with_user(self.salesperson).write({"priority": "3"})
        own_customer.with_user(self.salesperson).write({"priority": "2"})
        self.assertEqual(own_customer.priority, "2")
        with self.assertRaises(AccessError):
            own_customer.with_user(self.salesperson).unlink()
        self.assertEqual(self.Ticket.with_user(self.other_salesperson).search([]), hidden | assigned | created)
        self.assertEqual(self.Ticket.with_user(self.sales_admin_user).search([]), self.Ticket.search([]))

    def test_other_company_refused(self):
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        foreign = self._ticket(user=self.env.user, company_id=other_company.id)
        with self.assertRaises(AccessError):
            foreign.with_user(self.sales_admin_user).read(["title"])
        self.assertFalse(self.Ticket.with_user(self.sales_admin_user).search([("id", "=", foreign.id)]))

    def test_portal_and_internal_refused(self):
        ticket = self._ticket()
        for user in (self.portal_user, self.internal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ticket.with_user(user).read(["title"])
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.portal_user).create({"title": "Portal", "partner_id": self.customer.id})

    def test_configuration_is_for_managers(self):
        for model in ("sales_admin.ticket.type", "sales_admin.ticket.stage", "sales_admin.ticket.tag"):
            with self.subTest(model=model):
                self.env[model].with_user(self.salesperson).check_access("read")
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.sales_admin_user).create({"name": "Nowy"})
                self.env[model].with_user(self.sales_admin_manager).create({"name": "Nowy"})

    def test_views_load_for_each_role(self):
        ticket_views = [(False, view) for view in ("kanban", "list", "form", "search", "pivot", "graph")]
        for user in (self.salesperson, self.sales_admin_user):
            with self.subTest(user=user.login):
                views = self.Ticket.with_user(user).get_views(ticket_views)["views"]
                self.assertIn('name="stage_id"', views["form"]["arch"])
                for model in ("res.partner", "sale.order", "account.move"):
                    arch = self.env[model].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
                    self.assertIn("action_open_sales_admin_tickets", arch)
        wizard = self.env["sales_admin.ticket.log.call"].with_user(self.salesperson)
        self.assertIn("action_log_call", wizard.get_views([(False, "form")])["views"]["form"]["arch"])

    def test_counts_on_documents_need_no_ticket_rights(self):
        """An accountant who is no salesperson opens invoices and contacts without the ticket counts."""
        accountant = new_test_user(self.env, login="sa_tk_accountant", groups="account.group_account_invoice")
        invoice = self._invoice(self.customer)
        self._ticket(invoice_id=invoice.id)
        form = Form(invoice.with_user(accountant))
        self.assertEqual(form.partner_id, self.customer)
        self.assertNotIn("sales_admin_ticket_count", invoice.with_user(accountant).fields_get())
        arch = invoice.with_user(accountant).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_open_sales_admin_tickets", arch)


@tagged("post_install", "-at_install")
class TestTodaysRound(TestTicketCommon):
    def test_open_requests_of_the_customer(self):
        self._ticket()
        self._ticket(user=self.salesperson, stage_id=self.stage_in_progress.id)
        self._ticket(stage_id=self.stage_solved.id)
        self._ticket(partner_id=False, contact_id=self.contact.id)
        self._ticket(partner_id=self.other_customer.id)
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        self._ticket(user=self.env.user, company_id=other_company.id)
        # the salesperson also covers a colleague's customer today: its open ticket counts, unseen or not
        covering = self._visit(partner=self.other_customer)
        fresh = self._visit(partner=self.env["res.partner"].create({"name": "Nowy", "customer_rank": 1}))
        visits = (self._visit() | covering | fresh).with_user(self.salesperson)
        self.assertEqual(visits.mapped("partner_open_ticket_count"), [3, 1, 0])
        self.assertFalse(self.Ticket.with_user(self.salesperson).search([("partner_id", "=", self.other_customer.id)]))

    def _forget_round(self):
        for model in ("sales_admin.visit", "res.partner", "sales_admin.ticket"):
            self.env[model].invalidate_model()

    def test_query_count_does_not_grow_with_the_visits(self):
        def run(count):
            customers = self.env["res.partner"].create(
                [
                    {"name": f"Klient {i}", "is_company": True, "customer_rank": 1, "user_id": self.salesperson.id}
                    for i in range(count)
                ]
            )
            self.Ticket.create(
                [{"title": f"Prośba {i}", "partner_id": customer.id} for i, customer in enumerate(customers)]
            )
            visits = self.env["sales_admin.visit"].create(
                [
                    {"partner_id": customer.id, "planned_start": NOW, "user_id": self.salesperson.id}
                    for customer in customers
                ]
            )
            visits = visits.with_user(self.salesperson)
            self.env.flush_all()
            self._forget_round()
            visits[0].partner_open_ticket_count  # noqa: B018 (fills the caches of the user's groups and rules)
            self._forget_round()
            # the visits, their customers, one count of the tickets
            with self.assertQueryCount(3):
                start = self.cr.sql_log_count
                counts = visits.mapped("partner_open_ticket_count")
                queries = self.cr.sql_log_count - start
            self.assertEqual(counts, [1] * count)
            return queries

        small, large = run(5), run(50)
        self.assertEqual(small, large, f"{small} queries for 5 visits, {large} for 50")
