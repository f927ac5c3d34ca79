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

    # ------------------------------------------------------------
    # Customer requests about the order
    # ------------------------------------------------------------

    sales_admin_ticket_count = fields.Integer(
        string="Request Count", compute="_compute_sales_admin_ticket_count", groups="sales_team.group_sale_salesman"
    )

    def _compute_sales_admin_ticket_count(self):
        counts = dict(
            self.env["sales_admin.ticket"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.sales_admin_ticket_count = counts.get(order, 0)

    def action_log_sales_admin_request(self):
        """A new request about this order, prefilled with its customer."""
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_new_ticket_action(self._prepare_sales_admin_request_defaults())

    def action_open_sales_admin_tickets(self):
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_tickets_action(
            [("sale_order_id", "=", self.id)], self._prepare_sales_admin_request_defaults()
        )

    def _prepare_sales_admin_request_defaults(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "contact_id": self.partner_id.id if self.partner_id.parent_id else False,
            "sale_order_id": self.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
        }
