from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    sales_admin_visit_frequency = fields.Integer(
        string="Visit Every (Days)",
        help="Customers with this tag are visited at this interval, unless their own frequency says otherwise.",
    )

    @api.constrains("sales_admin_visit_frequency")
    def _check_sales_admin_visit_frequency(self):
        if any(tag.sales_admin_visit_frequency < 0 for tag in self):
            raise ValidationError(self.env._("A visit frequency cannot be negative."))
