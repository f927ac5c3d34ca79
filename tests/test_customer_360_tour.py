from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import BrowserPiecesMixin


@tagged("post_install", "-at_install")
class TestCustomer360Tour(BrowserPiecesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="sa_360_tour",
            name="Tour 360 Salesperson",
            # a salesperson who keeps the contacts (edits the customer in the tour)
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )

    def test_customer_360_tour(self):
        """From the app's customers to the 360 strip, into a figure's list and back, a visit planned from the
        strip, and the same strip on the reception screen for the customer's buyer."""
        customer = self.env["res.partner"].create(
            {
                "name": "Tour 360 Customer",
                "is_company": True,
                "customer_rank": 1,
                "user_id": self.salesperson.id,
                "visit_frequency": 30,
            }
        )
        buyer = self.env["res.partner"].create({"name": "Tour 360 Buyer", "parent_id": customer.id})
        Ticket = self.env["sales_admin.ticket"]
        Ticket.create(
            [
                {"title": "Tour 360 broken chair", "partner_id": customer.id},
                {"title": "Tour 360 missing invoice", "partner_id": customer.id},
            ]
        )
        product = self.env["product.product"].create({"name": "Tour 360 Chair", "type": "consu", "is_storable": True})
        now = fields.Datetime.now()
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.salesperson.id,
                "date_order": now - timedelta(days=3),
                "commitment_date": now - timedelta(days=1),
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        # the buyer arrived at the reception today
        self.env["sales_admin.reception"].create({"partner_id": buyer.id, "host_id": self.salesperson.id})
        figures = {
            figure["key"]: figure["raw"]
            for figure in customer.with_user(self.salesperson).get_sales_admin_360()["figures"]
        }
        self.assertEqual((figures["open_tickets"], figures["late_orders"]), (2, 1))
        Visit = self.env["sales_admin.visit"]
        self.assertFalse(Visit.search([("partner_id", "=", customer.id)]))

        self.start_tour("/odoo", "sales_admin_customer_360_tour", login=self.salesperson.login)

        visit = Visit.search([("partner_id", "=", customer.id)])
        self.assertEqual(len(visit), 1, "the visit planned from the strip is saved")
        self.assertEqual((visit.user_id, visit.company_id), (self.salesperson, self.env.company))

    def test_other_team_customer_without_strip(self):
        """A customer of another salesperson (no shared team) opens without the strip and without an error."""
        other = new_test_user(self.env, login="sa_360_other", name="Other", groups="sales_team.group_sale_salesman")
        customer = self.env["res.partner"].create(
            {"name": "Tour 360 Other Team", "is_company": True, "customer_rank": 1, "user_id": other.id}
        )
        self.start_tour(
            f"/odoo/res.partner/{customer.id}", "sales_admin_customer_360_other_team_tour", login=self.salesperson.login
        )


@tagged("post_install", "-at_install")
class TestCustomer360MobileTour(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_customer_360_mobile_tour(self):
        """On a phone-sized screen the strip wraps within the screen and its quick actions work."""
        salesperson = new_test_user(
            self.env, login="sa_360_mobile", name="Tour 360 Mobile", groups="sales_team.group_sale_salesman"
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour 360 Mobile Customer", "is_company": True, "customer_rank": 1, "user_id": salesperson.id}
        )
        self.env["sales_admin.ticket"].create(
            [{"title": f"Tour 360 mobile request {i}", "partner_id": customer.id} for i in range(2)]
        )
        self.start_tour(
            f"/odoo/res.partner/{customer.id}", "sales_admin_customer_360_mobile_tour", login=salesperson.login
        )
        visit = self.env["sales_admin.visit"].search([("partner_id", "=", customer.id)])
        self.assertEqual(visit.user_id, salesperson)
