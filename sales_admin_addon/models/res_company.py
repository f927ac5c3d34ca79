from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_admin_paperwork_user_id = fields.Many2one(
        "res.users",
        string="Visit Paperwork Owner",
        help="The sales administrator who processes the reports and documents of finished visits. "
        "Empty: the person who planned the visit.",
    )
    sales_admin_delivery_user_id = fields.Many2one(
        "res.users",
        string="Delivery Follow-up Responsible",
        help="The sales administrator who gets a to-do when an order's delivery turns at risk or late. "
        "Empty: the order's salesperson.",
    )
    sales_admin_paperwork_days = fields.Integer(
        string="Visit Paperwork Deadline",
        default=2,
        help="Days after the check-out within which a visit's paperwork is due.",
    )

    @api.constrains("sales_admin_paperwork_days")
    def _check_sales_admin_paperwork_days(self):
        if any(company.sales_admin_paperwork_days < 0 for company in self):
            raise ValidationError(self.env._("The visit paperwork deadline cannot be negative."))
