from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SalesAdminCommon


@tagged("post_install", "-at_install")
class TestSaleOrderProgress(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="sa_progress_sales", name="Ewa Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Skład Budowlany Lis", "is_company": True})
        cls.goods = cls.env["product.product"].create(
            {"name": "Pustak", "type": "consu", "is_storable": True, "list_price": 8.0, "invoice_policy": "delivery"}
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Transport", "type": "service", "list_price": 150.0, "invoice_policy": "order"}
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.goods, warehouse.lot_stock_id, 100)

    def _order(self, product, qty=10):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            }
        )
        return order

    def _deliver(self, order, qty):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        picking._action_done()

    def _invoice_and_pay(self, order, pay=True):
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(order.sales_admin_progress, "invoiced")
        if pay:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
        return invoice

    def test_goods_order_from_quotation_to_payment(self):
        order = self._order(self.goods)
        self.assertEqual(order.sales_admin_progress, "quotation")
        order.action_quotation_sent()
        self.assertEqual(order.sales_admin_progress, "sent")
        order.action_confirm()
        self.assertEqual(order.sales_admin_progress, "confirmed")
        self._deliver(order, 4)
        self.assertEqual(order.sales_admin_progress, "partly_delivered")
        self._deliver(order, 6)
        self.assertEqual(order.sales_admin_progress, "delivered")
        self._invoice_and_pay(order)
        self.assertEqual(order.sales_admin_progress, "paid")

    def test_services_only_order_skips_delivery(self):
        order = self._order(self.service, qty=1)
        order.action_confirm()
        self.assertEqual(order.sales_admin_progress, "confirmed")
        invoice = self._invoice_and_pay(order, pay=False)
        self.assertEqual(order.sales_admin_progress, "invoiced")
        invoice.button_draft()
        self.assertEqual(order.sales_admin_progress, "confirmed", "an invoice back to draft is no invoice")
        invoice.action_post()
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {}
        )._create_payments()
        self.assertEqual(order.sales_admin_progress, "paid")

    def test_cancelled_and_kanban_columns(self):
        order = self._order(self.goods)
        order.action_cancel()
        self.assertEqual(order.sales_admin_progress, "cancel")
        groups = (
            self.env["sale.order"]
            .with_user(self.sales_admin_user)
            .web_read_group([("id", "=", order.id)], ["sales_admin_progress"], ["sales_admin_progress"])["groups"]
        )
        self.assertEqual(
            [group["sales_admin_progress"] for group in groups],
            ["quotation", "sent", "confirmed", "partly_delivered", "delivered", "invoiced", "paid", "cancel"],
            "every stage is a column, empty or not; the cancelled order's too",
        )
