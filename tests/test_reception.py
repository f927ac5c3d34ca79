from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import ADDON, GROUP_USER, SalesAdminCommon

NOW = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestReceptionCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.receptionist = cls.sales_admin_user
        cls.host = new_test_user(
            cls.env,
            login="sa_rc_host",
            name="Jan Handlowiec",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )
        cls.other_host = new_test_user(
            cls.env,
            login="sa_rc_host2",
            name="Ewa Handlowiec",
            groups="sales_team.group_sale_salesman",
            notification_type="email",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Hurtownia Kowalski", "is_company": True, "customer_rank": 1, "user_id": cls.host.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Piotr Kowalski",
                "parent_id": cls.customer.id,
                "email": "piotr@kowalski.example.com",
                "phone": "+48 601 000 001",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Krzesło", "type": "consu", "is_storable": True, "list_price": 100.0}
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 1000)
        cls.Reception = cls.env["sales_admin.reception"]

    def _entry(self, user=None, **vals):
        with freeze_time(NOW):
            return self.Reception.with_user(user or self.receptionist).create(
                {"kind": "visit", "purpose": "Reklamacja krzeseł", "host_id": self.host.id, **vals}
            )

    def _host_notifications(self, entry, user=None):
        return self.env["mail.notification"].search(
            [
                ("mail_message_id", "in", entry.message_ids.ids),
                ("res_partner_id", "=", (user or self.host).partner_id.id),
            ]
        )


@tagged("post_install", "-at_install")
class TestReception(TestReceptionCommon):
    def test_check_in_and_out(self):
        entry = self._entry(visitor_name="Anna Zielińska", visitor_company="Zielona Budowa")
        self.assertEqual((entry.state, entry.arrival, entry.departure), ("checked_in", NOW, False))
        self.assertEqual(entry.display_name, "Anna Zielińska (Zielona Budowa)")
        with self.assertRaises(UserError):
            entry.action_check_in()
        with freeze_time(NOW + timedelta(minutes=40)):
            entry.action_check_out()
        self.assertEqual((entry.state, entry.departure), ("checked_out", NOW + timedelta(minutes=40)))
        with self.assertRaises(UserError):
            entry.action_check_out()

    def test_expected_visitor_checked_in_later(self):
        entry = self._entry(visitor_name="Anna Zielińska", arrival=NOW + timedelta(hours=3))
        self.assertEqual(entry.state, "planned")
        self.assertFalse(self._host_notifications(entry), "nobody is there yet")
        with self.assertRaises(UserError):
            entry.action_check_out()
        with freeze_time(NOW + timedelta(hours=2, minutes=50)):
            entry.action_check_in()
        self.assertEqual((entry.state, entry.arrival), ("checked_in", NOW + timedelta(hours=2, minutes=50)))
        self.assertEqual(len(self._host_notifications(entry)), 1)
        entry.action_cancel()
        entry.action_reset_to_planned()
        self.assertEqual(entry.state, "planned")

    def test_departure_before_arrival_refused(self):
        entry = self._entry(visitor_name="Anna Zielińska")
        with self.assertRaises(ValidationError) as refusal:
            entry.write({"departure": NOW - timedelta(minutes=5)})
        self.assertIn("departure is before the arrival", str(refusal.exception))
        entry.invalidate_recordset()
        self.assertFalse(entry.departure)
        before = self.Reception.search_count([])
        with self.assertRaises(ValidationError):
            self._entry(visitor_name="Jan Nowy", departure=NOW - timedelta(hours=1))
        self.assertEqual(self.Reception.search_count([]), before)

    def test_host_notified_in_their_inbox_or_by_email(self):
        entry = self._entry(partner_id=self.contact.id)
        notification = self._host_notifications(entry)
        self.assertEqual(len(notification), 1)
        self.assertEqual(notification.notification_type, "inbox")
        self.assertIn(
            "Piotr Kowalski (Hurtownia Kowalski) arrived to see you (Reklamacja krzeseł).",
            notification.mail_message_id.body,
        )
        self.assertEqual(notification.mail_message_id.author_id, self.receptionist.partner_id)
        call = self._entry(kind="call", visitor_name="Anna Zielińska", host_id=self.other_host.id, purpose=False)
        notification = self._host_notifications(call, self.other_host)
        self.assertEqual(notification.notification_type, "email")
        self.assertIn("Anna Zielińska is calling for you.", notification.mail_message_id.body)
        self.assertFalse(self._host_notifications(call), "only the host is notified")
        # another host takes over the visitor: they are told, the first host is not told twice
        entry.host_id = self.other_host
        self.assertEqual(len(self._host_notifications(entry, self.other_host)), 1)
        self.assertEqual(len(self._host_notifications(entry)), 1)
        entry.host_id = self.host
        # the host reads the entry from the notification
        self.assertEqual(entry.with_user(self.host).read(["visitor_name"])[0]["visitor_name"], "Piotr Kowalski")

    def test_known_contact_fills_details(self):
        entry = self._entry(partner_id=self.contact.id)
        self.assertEqual(entry.commercial_partner_id, self.customer)
        self.assertEqual(
            (entry.visitor_name, entry.visitor_company, entry.phone, entry.email),
            ("Piotr Kowalski", "Hurtownia Kowalski", "+48 601 000 001", "piotr@kowalski.example.com"),
        )


@tagged("post_install", "-at_install")
class TestReceptionContact(TestReceptionCommon):
    def test_create_contact_with_new_company(self):
        entry = self._entry(
            visitor_name=" Anna Zielińska ",
            visitor_company="Zielona Budowa Sp. z o.o.",
            phone="+48 22 555 01 02",
            email="anna@zielona.example.com",
        )
        entry.action_create_partner()
        partner = entry.partner_id
        self.assertEqual(
            (partner.name, partner.phone, partner.email),
            ("Anna Zielińska", "+48 22 555 01 02", "anna@zielona.example.com"),
        )
        self.assertEqual(partner.parent_id.name, "Zielona Budowa Sp. z o.o.")
        self.assertTrue(partner.parent_id.is_company)
        self.assertEqual(entry.commercial_partner_id, partner.parent_id)
        with self.assertRaises(UserError):
            entry.action_create_partner()
        # the next visitor of the same company joins it
        other = self._entry(visitor_name="Marek Zieliński", visitor_company="Zielona Budowa Sp. z o.o.")
        other.action_create_partner()
        self.assertEqual(other.partner_id.parent_id, partner.parent_id)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Zielona Budowa Sp. z o.o.")]), 1)

    def test_create_contact_found_company_and_without_company(self):
        entry = self._entry(visitor_name="Tomasz Kowalski", visitor_company="Hurtownia Kowalski")
        entry.action_create_partner()
        self.assertEqual(entry.partner_id.parent_id, self.customer)
        self.assertEqual(entry.commercial_partner_id, self.customer)
        alone = self._entry(visitor_name="Jan Prywatny")
        alone.action_create_partner()
        self.assertFalse(alone.partner_id.parent_id)
        self.assertEqual(alone.commercial_partner_id, alone.partner_id)

    def test_create_contact_without_name_refused(self):
        entry = self._entry(visitor_name="  ", visitor_company="Firma Bez Nazwiska")
        before = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError):
            entry.action_create_partner()
        self.assertEqual(self.env["res.partner"].search_count([]), before)
        self.assertFalse(entry.partner_id)

    def test_link_to_existing_contact(self):
        entry = self._entry(kind="call", visitor_name="Pan Piotr", email="PIOTR@kowalski.example.com ")
        action = entry.action_link_partner()
        self.assertEqual(action["res_model"], "sales_admin.reception.link")
        wizard = (
            self.env["sales_admin.reception.link"]
            .with_user(self.receptionist)
            .with_context(action["context"])
            .create({})
        )
        self.assertEqual(wizard.partner_id, self.contact, "suggested from the e-mail")
        wizard.action_link()
        self.assertEqual(entry.partner_id, self.contact)
        self.assertEqual(entry.visitor_name, "Piotr Kowalski")
        self.assertEqual(entry.commercial_partner_id, self.customer)
        empty = (
            self.env["sales_admin.reception.link"]
            .with_user(self.receptionist)
            .create({"reception_id": self._entry(visitor_name="Nieznany", phone="+48 000").id})
        )
        self.assertFalse(empty.partner_id)
        with self.assertRaises(UserError):
            empty.action_link()


@tagged("post_install", "-at_install")
class TestReceptionCustomerStrip(TestReceptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["sales_admin.ticket"]
        cls.open_tickets = Ticket.create(
            [
                {"title": "Uszkodzone krzesła", "partner_id": cls.customer.id, "contact_id": cls.contact.id},
                {"title": "Brak faktury", "partner_id": cls.customer.id},
            ]
        )
        closed = Ticket.create({"title": "Stara sprawa", "partner_id": cls.customer.id})
        closed.stage_id = cls.env.ref(f"{ADDON}.ticket_stage_solved")
        cls.late_order = cls._order(NOW - timedelta(days=3))
        cls._order(NOW + timedelta(days=5))  # promised later: not late
        cls.overdue = cls._invoice(100.0, date(2026, 2, 15))
        cls.partly_paid_overdue = cls._invoice(50.0, date(2026, 2, 20))
        cls._invoice(300.0, date(2026, 3, 20))  # not due yet
        with freeze_time(NOW):
            cls.env["sale.order"]._cron_sales_admin_delivery_late()

    @classmethod
    def _order(cls, promised):
        with freeze_time(promised - timedelta(days=10)):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.contact.id,
                    "commitment_date": promised,
                    "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 2})],
                }
            )
            order.action_confirm()
            cls.env.flush_all()
        return order

    @classmethod
    def _invoice(cls, amount, due):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": date(2026, 2, 1),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Krzesła", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_strip_of_known_customer(self):
        # half of the second invoice is paid: what remains of it is overdue
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.partly_paid_overdue.ids
        ).create({"amount": 20.0, "payment_date": date(2026, 2, 25)})._create_payments()
        entry = self._entry(partner_id=self.contact.id)
        with freeze_time(NOW):
            entry.invalidate_recordset()
            self.assertEqual(entry.partner_open_ticket_count, 2)
            self.assertEqual(entry.partner_late_order_count, 1)
            self.assertAlmostEqual(entry.partner_overdue_amount, 130.0)
        unknown = self._entry(visitor_name="Anna Zielińska")
        self.assertEqual(
            (unknown.partner_open_ticket_count, unknown.partner_late_order_count, unknown.partner_overdue_amount),
            (0, 0, 0.0),
        )
        # the buttons open the documents behind the figures
        tickets = self.env["sales_admin.ticket"].search(entry.action_view_partner_tickets()["domain"])
        self.assertEqual(tickets, self.open_tickets)
        orders = self.env["sale.order"].search(entry.action_view_partner_late_orders()["domain"])
        self.assertEqual(orders, self.late_order)
        with freeze_time(NOW):
            invoices = self.env["account.move"].search(entry.action_view_partner_overdue_invoices()["domain"])
        self.assertEqual(invoices, self.overdue | self.partly_paid_overdue)

    def test_strip_queries_do_not_grow_with_the_batch(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Klient {i}", "is_company": True, "customer_rank": 1} for i in range(29)]
        )
        contacts = self.contact | customers
        entries = self.Reception.with_user(self.receptionist).browse(
            self._entry(partner_id=contact.id).id for contact in contacts
        )
        fnames = ["partner_open_ticket_count", "partner_late_order_count", "partner_overdue_amount"]

        def read_strip(batch):
            batch.invalidate_model()
            self.env["res.partner"].invalidate_model()
            queries = self.cr.sql_log_count
            rows = batch.read(fnames)
            return self.cr.sql_log_count - queries, rows

        with freeze_time(NOW):
            five_queries, rows = read_strip(entries[:5])
            self.assertEqual(rows[0]["partner_overdue_amount"], 150.0)
            self.assertEqual(rows[0]["partner_late_order_count"], 1)
            # the entries, the access rules, one group per figure and the partners behind the groups
            self.assertLessEqual(five_queries, 12)
            with self.assertQueryCount(five_queries):
                entries.invalidate_model()
                self.env["res.partner"].invalidate_model()
                rows = entries.read(fnames)
        self.assertEqual(len(rows), 30)
        self.assertEqual(rows[0]["partner_open_ticket_count"], 2)
        self.assertEqual([row["partner_open_ticket_count"] for row in rows[1:]], [0] * 29)

    def test_log_as_request_prefill(self):
        call = self._entry(
            kind="call", partner_id=self.contact.id, purpose="Pyta o fakturę", notes="<p>Faktura nie dotarła</p>"
        )
        action = call.action_log_request()
        ticket = call.ticket_id
        self.assertEqual((action["res_model"], action["res_id"]), ("sales_admin.ticket", ticket.id))
        self.assertEqual(
            (ticket.channel, ticket.partner_id, ticket.contact_id, ticket.title),
            ("phone", self.customer, self.contact, "Pyta o fakturę"),
        )
        self.assertIn("Faktura nie dotarła", str(ticket.description))
        self.assertEqual(call.action_log_request()["res_id"], ticket.id, "the same request, not a new one")
        visitor = self._entry(visitor_name="Anna Zielińska", phone="+48 22 555 01 02", purpose=False)
        visitor.action_log_request()
        self.assertEqual(
            (visitor.ticket_id.channel, visitor.ticket_id.contact_name, visitor.ticket_id.contact_phone),
            ("walk_in", "Anna Zielińska", "+48 22 555 01 02"),
        )
        self.assertFalse(visitor.ticket_id.partner_id)
        self.assertEqual(visitor.ticket_id.title, "Inquiry from Anna Zielińska")


@tagged("post_install", "-at_install")
class TestReceptionAccess(TestReceptionCommon):
    def test_salesperson_reads_only_own_guests(self):
        own = self._entry(visitor_name="Gość Jana")
        other = self._entry(visitor_name="Gość Ewy", host_id=self.other_host.id)
        self.assertEqual(self.Reception.with_user(self.host).search([]), own)
        self.assertEqual(self.Reception.with_user(self.sales_admin_user).search([]), own | other)
        with self.assertRaises(AccessError):
            other.with_user(self.host).read(["visitor_name"])
        with self.assertRaises(AccessError):
            own.with_user(self.host).write({"notes": "<p>Zmiana</p>"})
        with self.assertRaises(AccessError):
            self._entry(user=self.host, visitor_name="Własny gość")

    def test_plain_employee_reads_own_guests_only(self):
        own = self._entry(visitor_name="Gość", host_id=self.internal_user.id)
        other = self._entry(visitor_name="Inny gość")
        self.assertEqual(self.Reception.with_user(self.internal_user).search([]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.internal_user).read(["visitor_name"])

    def test_other_company_refused(self):
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        foreign = self.Reception.create({"visitor_name": "Obcy", "company_id": other_company.id})
        with self.assertRaises(AccessError):
            foreign.with_user(self.receptionist).read(["visitor_name"])
        self.assertFalse(self.Reception.with_user(self.receptionist).search([("id", "=", foreign.id)]))

    def test_portal_refused(self):
        entry = self._entry(visitor_name="Gość")
        with self.assertRaises(AccessError):
            entry.with_user(self.portal_user).read(["visitor_name"])
        with self.assertRaises(AccessError):
            self.Reception.with_user(self.portal_user).create({"visitor_name": "Portal"})

    def test_menus_and_actions(self):
        today = self.env.ref(f"{ADDON}.sales_admin_reception_menu_today")
        visible = self.env["ir.ui.menu"].with_user(self.receptionist)._visible_menu_ids()
        self.assertIn(today.id, visible)
        self.assertIn(self.env.ref(f"{ADDON}.sales_admin_reception_menu").id, visible)
        action = self.env.ref(f"{ADDON}.sales_admin_reception_action_today")
        self.assertIn("search_default_today", action.context)
        for view_type in ("form", "list", "kanban", "calendar", "search"):
            with self.subTest(view_type=view_type):
                self.Reception.with_user(self.receptionist).get_views([(False, view_type)])


@tagged("post_install", "-at_install")
class TestReceptionTour(HttpCase):
    def test_reception_tour(self):
        receptionist = new_test_user(
            self.env, login="sa_rc_tour", name="Tour Receptionist", groups=f"base.group_user,{GROUP_USER}"
        )
        host = new_test_user(
            self.env, login="sa_rc_tour_host", name="Tour Host", groups="sales_team.group_sale_salesman"
        )
        customer = self.env["res.partner"].create({"name": "Tour Reception Customer", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Tour Piotr", "parent_id": customer.id})
        self.env["sales_admin.ticket"].create({"title": "Broken chairs", "partner_id": customer.id})
        self.start_tour("/odoo", "sales_admin_reception_tour", login=receptionist.login)
        entry = self.env["sales_admin.reception"].search([("partner_id", "=", contact.id)])
        self.assertEqual((entry.state, entry.host_id, entry.purpose), ("checked_out", host, "Broken chairs"))
        self.assertTrue(entry.departure)
        self.assertTrue(
            self.env["mail.notification"].search(
                [("mail_message_id", "in", entry.message_ids.ids), ("res_partner_id", "=", host.partner_id.id)]
            )
        )
