from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_admin_paperwork_user_id = fields.Many2one(related="company_id.sales_admin_paperwork_user_id", readonly=False)
    sales_admin_paperwork_days = fields.Integer(related="company_id.sales_admin_paperwork_days", readonly=False)
