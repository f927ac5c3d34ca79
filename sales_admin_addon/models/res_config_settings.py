from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_admin_paperwork_user_id = fields.Many2one(related="company_id.sales_admin_paperwork_user_id", readonly=False)
    sales_admin_paperwork_days = fields.Integer(related="company_id.sales_admin_paperwork_days", readonly=False)
    sales_admin_renewal_days = fields.Integer(related="company_id.sales_admin_renewal_days", readonly=False)
    sales_admin_quotation_reminder_days = fields.Integer(
        related="company_id.sales_admin_quotation_reminder_days", readonly=False
    )
    sales_admin_quotation_no_answer_days = fields.Integer(
        related="company_id.sales_admin_quotation_no_answer_days", readonly=False
    )
    sales_admin_delivery_user_id = fields.Many2one(related="company_id.sales_admin_delivery_user_id", readonly=False)
    sales_admin_visit_horizon_days = fields.Integer(
        string="Visit Proposal Horizon",
        config_parameter="sales_admin_addon.visit_horizon_days",
        default=14,
        help="Visits are proposed for customers due within this many days.",
    )

    @api.constrains("sales_admin_visit_horizon_days")
    def _check_sales_admin_visit_horizon_days(self):
        if any(settings.sales_admin_visit_horizon_days < 0 for settings in self):
            raise ValidationError(self.env._("The visit proposal horizon cannot be negative."))

    # customer requests
    sales_admin_ticket_escalation_user_id = fields.Many2one(
        related="company_id.sales_admin_ticket_escalation_user_id", readonly=False
    )

    sales_admin_ticket_survey_id = fields.Many2one(related="company_id.sales_admin_ticket_survey_id", readonly=False)

    # collections
    sales_admin_collection_user_id = fields.Many2one(
        related="company_id.sales_admin_collection_user_id", readonly=False
    )
    sales_admin_collection_escalation_user_id = fields.Many2one(
        related="company_id.sales_admin_collection_escalation_user_id", readonly=False
    )

    # overdue guard on order confirmation
    sales_admin_overdue_guard = fields.Selection(related="company_id.sales_admin_overdue_guard", readonly=False)
    sales_admin_overdue_threshold = fields.Monetary(
        related="company_id.sales_admin_overdue_threshold", readonly=False, currency_field="currency_id"
    )

    # marketing
    sales_admin_campaign_attribution_days = fields.Integer(
        related="company_id.sales_admin_campaign_attribution_days", readonly=False
    )
    # surveys
    sales_admin_visit_survey_id = fields.Many2one(related="company_id.sales_admin_visit_survey_id", readonly=False)
