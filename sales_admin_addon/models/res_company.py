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

    sales_admin_renewal_days = fields.Integer(
        string="Contract Renewal Notice",
        default=30,
        help="Days before a contract ends when its renewal activity is given.",
    )
    sales_admin_quotation_reminder_days = fields.Integer(
        string="Quotation Expiry Reminder",
        default=3,
        help="Days before a quotation expires when a follow-up activity is given.",
    )
    sales_admin_quotation_no_answer_days = fields.Integer(
        string="Quotation Without Answer",
        default=7,
        help="Days after sending when a quotation the customer has not accepted counts as without answer.",
    )

    @api.constrains(
        "sales_admin_paperwork_days",
        "sales_admin_renewal_days",
        "sales_admin_quotation_reminder_days",
        "sales_admin_quotation_no_answer_days",
    )
    def _check_sales_admin_days(self):
        for company in self:
            if company.sales_admin_paperwork_days < 0:
                raise ValidationError(self.env._("The visit paperwork deadline cannot be negative."))
            if (
                company.sales_admin_renewal_days < 0
                or company.sales_admin_quotation_reminder_days < 0
                or company.sales_admin_quotation_no_answer_days < 0
            ):
                raise ValidationError(self.env._("Contract and quotation reminders cannot count negative days."))

    # customer requests
    sales_admin_ticket_escalation_user_id = fields.Many2one(
        "res.users",
        string="Ticket Escalation Manager",
        help="Who gets an activity when a ticket of a team without a manager misses its SLA deadline. "
        "Empty: the person the ticket is assigned to.",
    )

    sales_admin_ticket_survey_id = fields.Many2one(
        "survey.survey",
        string="Ticket Satisfaction Survey",
        help="Sent to the customer when a ticket enters a stage that asks for satisfaction (Solved). Empty: none.",
    )

    # collections
    sales_admin_collection_user_id = fields.Many2one(
        "res.users",
        string="Collections Assignee",
        help="Who new collection cases are assigned to. Empty: the customer's salesperson.",
    )
    sales_admin_collection_escalation_user_id = fields.Many2one(
        "res.users",
        string="Broken Promise Escalation",
        help="Who gets a to-do when a customer breaks a promise to pay. Empty: the case's assignee.",
    )
    # overdue guard on order confirmation
    sales_admin_overdue_guard = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Overdue Guard",
        required=True,
        default="off",
        help="When an order is confirmed for a customer whose overdue invoices in this company exceed the threshold: "
        "warn (a banner on the order, a note in its chatter on confirmation) or block (unless a Sales "
        "Administration manager overrides it on the order).",
    )
    sales_admin_overdue_threshold = fields.Monetary(
        string="Overdue Threshold",
        currency_field="currency_id",
        help="The overdue amount, in the company currency, above which the overdue guard acts.",
    )

    @api.constrains("sales_admin_overdue_threshold")
    def _check_sales_admin_overdue_threshold(self):
        if any(company.sales_admin_overdue_threshold < 0 for company in self):
            raise ValidationError(self.env._("The overdue threshold cannot be negative."))

    # campaign attribution of quotations
    sales_admin_campaign_attribution_days = fields.Integer(
        string="Campaign Attribution (Days)",
        default=30,
        help="A quotation for a customer who received a mailing of a campaign within this many days gets the "
        "campaign, source and medium of the latest one (unless it has a campaign already). 0 turns it off.",
    )

    @api.constrains("sales_admin_campaign_attribution_days")
    def _check_sales_admin_campaign_attribution_days(self):
        if any(company.sales_admin_campaign_attribution_days < 0 for company in self):
            raise ValidationError(self.env._("The campaign attribution window cannot be negative."))

    # ------------------------------------------------------------
    # Surveys
    # ------------------------------------------------------------

    sales_admin_visit_survey_id = fields.Many2one(
        "survey.survey",
        string="Visit Satisfaction Survey",
        help="Sent to the person met (or the customer) when a visit is done. Empty: none.",
    )
