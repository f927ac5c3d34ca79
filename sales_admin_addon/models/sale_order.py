from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    sales_admin_visit_id = fields.Many2one(
        "sales_admin.visit",
        string="Visit",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="The customer visit this quotation comes from.",
    )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_sales_admin_visit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.visit",
            "res_id": self.sales_admin_visit_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _action_confirm(self):
        res = super()._action_confirm()
        # sudo: orders are also confirmed by portal customers paying online
        self.partner_id.sudo()._refresh_product_preferences()
        return res

    def _action_cancel(self):
        confirmed_partners = self.filtered(lambda order: order.state == "sale").partner_id
        res = super()._action_cancel()
        confirmed_partners.sudo()._refresh_product_preferences()
        return res
