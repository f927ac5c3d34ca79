from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SalesAdminCommon


@tagged("post_install", "-at_install")
class TestTicketResolution(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, login="sa_res_accountant", groups="account.group_account_invoice,sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Hurtownia Sowa", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Dachówka", "type": "consu", "is_storable": True, "list_price": 10.0}
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 50)
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [Command.create({"product_id": cls.product.id, "quantity": 5, "price_unit": 10})],
            }
        )
        cls.invoice.action_post()
        cls.complaint = cls.env.ref("sales_admin_addon.ticket_type_complaint")
        cls.request_type = cls.env.ref("sales_admin_addon.ticket_type_request")
        cls.solved = cls.env.ref("sales_admin_addon.ticket_stage_solved")
        cls.Ticket = cls.env["sales_admin.ticket"].with_user(cls.sales_admin_user)

    def _ticket(self, **vals):
        return self.Ticket.create(
            {"title": "Problem", "partner_id": self.customer.id, "ticket_type_id": self.complaint.id, **vals}
        )

    def test_root_cause_taxonomy(self):
        damaged = self.env.ref("sales_admin_addon.ticket_root_cause_delivery_damaged")
        self.assertEqual(damaged.complete_name, "Delivery / Damaged in transport")
        ticket = self._ticket(root_cause_id=damaged.id)
        self.assertEqual(ticket.root_cause_id.display_name, "Delivery / Damaged in transport")
        with self.assertRaises(UserError):
            damaged.parent_id.parent_id = damaged
        count = self.env["sales_admin.ticket"].search_count([("root_cause_id", "child_of", damaged.parent_id.id)])
        self.assertEqual(count, 1, "complaints counted under the parent cause")

    def test_complaint_puts_the_invoice_in_dispute_until_closed(self):
        self.assertFalse(self.invoice.sales_admin_in_dispute)
        question = self._ticket(ticket_type_id=self.request_type.id, invoice_id=self.invoice.id)
        self.assertFalse(self.invoice.sales_admin_in_dispute, "a request is no dispute")
        complaint = self._ticket(invoice_id=self.invoice.id)
        self.assertTrue(self.invoice.sales_admin_in_dispute)
        self.assertEqual(
            self.env["account.move"].search([("sales_admin_in_dispute", "=", True), ("id", "=", self.invoice.id)]),
            self.invoice,
        )
        complaint.stage_id = self.solved
        self.assertFalse(self.invoice.sales_admin_in_dispute, "released when the complaint closes")
        complaint.stage_id = self.env.ref("sales_admin_addon.ticket_stage_in_progress")
        self.assertTrue(self.invoice.sales_admin_in_dispute, "and held again when it reopens")
        complaint.action_archive()
        self.assertFalse(self.invoice.sales_admin_in_dispute)
        question.ticket_type_id = self.complaint
        self.assertTrue(self.invoice.sales_admin_in_dispute)

    def test_credit_note_through_odoos_reversal(self):
        ticket = self._ticket(invoice_id=self.invoice.id, resolution_type="credit_note")
        action = ticket.with_user(self.accountant).action_sales_admin_credit_note()
        self.assertEqual(action["res_model"], "account.move.reversal")
        wizard = Form(self.env["account.move.reversal"].with_user(self.accountant).with_context(action["context"]))
        wizard.reason = "Broken tiles"
        wizard.journal_id = self.invoice.journal_id
        wizard.save().refund_moves()
        refund = self.invoice.reversal_move_ids
        self.assertEqual((refund.move_type, refund.amount_total), ("out_refund", self.invoice.amount_total))
        with self.assertRaises(UserError):
            self._ticket(resolution_type="credit_note").action_sales_admin_credit_note()

    def test_replacement_through_odoos_return(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 4})],
            }
        )
        order.sudo().action_confirm()
        delivery = order.picking_ids
        with self.assertRaises(UserError):
            self._ticket(picking_id=delivery.id, resolution_type="replacement").action_sales_admin_return()
        delivery.move_ids.quantity = 4
        delivery.move_ids.picked = True
        delivery._action_done()
        ticket = self._ticket(sale_order_id=order.id, picking_id=delivery.id, resolution_type="replacement")
        action = ticket.action_sales_admin_return()
        self.assertEqual(action["res_model"], "stock.return.picking")
        wizard = Form(self.env["stock.return.picking"].with_context(action["context"])).save()
        wizard.product_return_moves.quantity = 2
        wizard.action_create_exchanges()
        returns = order.picking_ids.filtered(lambda picking: picking.picking_type_code == "incoming")
        self.assertEqual(returns.move_ids.product_uom_qty, 2)
        replacement = order.picking_ids.filtered(
            lambda picking: picking.picking_type_code == "outgoing" and picking != delivery
        )
        self.assertEqual(replacement.move_ids.product_uom_qty, 2, "the exchange sends the goods again")
