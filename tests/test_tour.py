from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_USER, BrowserPiecesMixin


@tagged("post_install", "-at_install")
class TestSalesAdminTour(BrowserPiecesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(
            cls.env, login="sa_tour", name="Tour Sales Admin", groups=f"base.group_user,{GROUP_USER}"
        )
        cls.visit_customer = cls.env["res.partner"].create(
            {"name": "Tour Visit Customer", "is_company": True, "customer_rank": 1, "city": "Kraków"}
        )

    def test_order_tour(self):
        """Through the checklist to a confirmed order that turns late (its promised day is past)."""
        self.env["sales_admin.contract.checklist.item"].create({"name": "Credit check"})
        customer = self.env["res.partner"].create({"name": "Tour Late Customer", "is_company": True})
        product = self.env["product.product"].create({"name": "Tour Brick", "type": "consu", "is_storable": True})
        now = fields.Datetime.now()
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.sales_admin.id,
                "date_order": now - timedelta(days=10),
                "commitment_date": now - timedelta(days=3),
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 5})],
            }
        )
        self.start_tour(
            "/odoo/action-sales_admin_addon.sale_order_action_progress",
            "sales_admin_order_tour",
            login=self.sales_admin.login,
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.sales_admin_delivery_state, "late")
        line = order.sales_admin_checklist_line_ids
        self.assertEqual((line.name, line.done, line.done_uid), ("Credit check", True, self.sales_admin))
        alert = self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("sales_admin_delivery_alert", "=", "late")]
        )
        self.assertEqual(len(alert), 1, "one to-do for the late order")

    def test_ticket_tour(self):
        """A phone complaint logged, given its root cause and a replacement, and solved."""
        customer = self.env["res.partner"].create({"name": "Tour Caller Company", "is_company": True})
        self.start_tour("/odoo", "sales_admin_ticket_tour", login=self.sales_admin.login)
        ticket = self.env["sales_admin.ticket"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(
            (ticket.title, ticket.channel, ticket.ticket_type_id, ticket.resolution_type),
            (
                "Pallet of tiles arrived broken",
                "phone",
                self.env.ref("sales_admin_addon.ticket_type_complaint"),
                "replacement",
            ),
        )
        self.assertEqual(ticket.root_cause_id, self.env.ref("sales_admin_addon.ticket_root_cause_delivery_damaged"))
        self.assertTrue(ticket.is_closed and ticket.date_closed)
        self.assertEqual(ticket.corrective_action, "New pallet sent with the next delivery")
        self.assertEqual(ticket.create_uid, self.sales_admin)

    def test_sales_admin_app_tour(self):
        self.start_tour("/odoo", "sales_admin_addon_tour", login=self.sales_admin.login)
        customer = self.env["res.partner"].search([("name", "=", "Tour Customer Sp. z o.o.")])
        self.assertEqual(len(customer), 1, "the tour saved one customer")
        self.assertTrue(customer.is_company)
        self.assertEqual(customer.customer_rank, 1)
        self.assertEqual(customer.create_uid, self.sales_admin)

    def test_visit_tour(self):
        self.start_tour("/odoo", "sales_admin_visit_tour", login=self.sales_admin.login)
        visit = self.env["sales_admin.visit"].search([("partner_id", "=", self.visit_customer.id)])
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.user_id, self.sales_admin)
        self.assertEqual(visit.purpose, "Present the new catalogue")
        self.assertTrue(visit.checkin_date and visit.checkout_date)
        self.assertAlmostEqual(visit.checkin_latitude, 52.2297)
        self.assertAlmostEqual(visit.checkin_longitude, 21.0122)
        self.assertTrue(visit.calendar_event_id)

    def test_reminder_tour(self):
        """An overdue customer's payment reminder prepared, previewed and sent by hand."""
        self.sales_admin.groups_id = [Command.link(self.env.ref("account.group_account_invoice").id)]
        levels = self.env["sales_admin.reminder.level"]
        levels.search([]).active = False
        levels.flush_model()
        levels.create(
            {
                "name": "Tour First Reminder",
                "days_after_due": 5,
                "channel": "email",
                "mail_template_id": self.env.ref("sales_admin_addon.mail_template_sales_admin_reminder").id,
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Debtor", "is_company": True, "email": "debtor@example.com"}
        )
        product = self.env["product.product"].create({"name": "Tour Tile"})
        due = fields.Date.today() - timedelta(days=10)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 120, "tax_ids": []})],
            }
        )
        invoice.action_post()
        self.start_tour(f"/odoo/res.partner/{customer.id}", "sales_admin_reminder_tour", login=self.sales_admin.login)
        reminder = self.env["sales_admin.reminder"].search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.invoice_ids, invoice)
        self.assertEqual(invoice.sales_admin_reminder_level_id.name, "Tour First Reminder")
        mail = self.env["mail.mail"].search([("model", "=", "sales_admin.reminder"), ("res_id", "=", reminder.id)])
        self.assertEqual(len(mail), 1)

    def test_collection_tour(self):
        """An accountant finds the overdue customer's case in Invoicing and records a promise to pay."""
        accountant = new_test_user(
            self.env, login="sa_tour_accountant", name="Tour Accountant", groups="account.group_account_invoice"
        )
        levels = self.env["sales_admin.reminder.level"]
        levels.search([]).active = False
        levels.flush_model()
        level = levels.create(
            {
                "name": "Tour Level",
                "days_after_due": 5,
                "channel": "phone",
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            }
        )
        customer = self.env["res.partner"].create({"name": "Tour Slow Payer", "is_company": True})
        product = self.env["product.product"].create({"name": "Tour Sand"})
        due = fields.Date.today() - timedelta(days=10)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 300, "tax_ids": []})],
            }
        )
        invoice.action_post()
        self.env["sales_admin.reminder"]._cron_send_reminders()
        self.assertEqual(invoice.sales_admin_reminder_level_id, level)
        self.start_tour("/odoo", "sales_admin_collection_tour", login=accountant.login)
        case = self.env["sales_admin.collection.case"].search([("partner_id", "=", customer.id)])
        self.assertEqual((case.promise_state, case.promise_amount), ("pending", 100))
        self.assertEqual(case.promise_date, fields.Date.today() + timedelta(days=7))
