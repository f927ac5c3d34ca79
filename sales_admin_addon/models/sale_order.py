from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

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
