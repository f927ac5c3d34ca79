from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_USER, BrowserPiecesMixin


@tagged("post_install", "-at_install")
class TestSalesAdminDashboardTour(BrowserPiecesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(
            cls.env, login="sa_dash_tour", name="Tour Dashboard Admin", groups=f"base.group_user,{GROUP_USER}"
        )

    def test_dashboard_tour(self):
        """The dashboard, opened from the menu, counts the late order; a click lists it, and only it."""
        customer = self.env["res.partner"].create({"name": "Tour Dashboard Customer", "is_company": True})
        product = self.env["product.product"].create({"name": "Tour Tile", "type": "consu", "is_storable": True})
        now = fields.Datetime.now()
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.sales_admin.id,
                "date_order": now - timedelta(days=3),
                "commitment_date": now - timedelta(days=1),
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 5})],
            }
        )
        order.with_user(self.sales_admin).action_confirm()
        company = self.env.company
        week_start = self.env["sales_admin.weekly.report"]._week_bounds(company, fields.Date.today())[0]
        self.env["sales_admin.target"].create(
            {"user_id": self.sales_admin.id, "period_type": "week", "date_from": week_start, "target_ordered": 1000}
        )
        self.assertEqual(order.sales_admin_delivery_state, "late")
        dashboard = self.env["sales_admin.dashboard"].with_user(self.sales_admin).get_dashboard_data()
        self.assertEqual(dashboard["late_deliveries"]["count"], 1)
        self.assertIn(self.sales_admin.id, [row["id"] for row in dashboard["weekly"]["salespeople"]])
        self.start_tour("/odoo", "sales_admin_dashboard_tour", login=self.sales_admin.login)
