from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REMINDER_CHANNELS = [
    ("email", "E-mail"),
    ("letter", "Letter (PDF)"),
    ("phone", "Phone Call"),
]


class SalesAdminReminderLevel(models.Model):
    _name = "sales_admin.reminder.level"
    _description = "Payment Reminder Level"
    _order = "company_id, days_after_due, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    days_after_due = fields.Integer(
        string="Days After Due Date",
        required=True,
        default=7,
        help="An overdue invoice reaches this level this many days after its due date.",
    )
    channel = fields.Selection(REMINDER_CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'sales_admin.reminder')]",
        help="E-mail levels: the message sent. Letter levels: the message the letter is e-mailed with, if any.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="Phone levels: the activity planned for the call. Letter levels: the to-do to print and post the letter.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        help="Who makes the calls and posts the letters of this level. Empty: the customer's collection case assignee, "
        "else the customer's salesperson.",
    )
    note = fields.Html(
        string="Reminder Text",
        translate=True,
        help="The paragraph the letter and the e-mail open with.",
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("days_after_due", "company_id", "active")
    def _check_days_unique(self):
        # archived levels may share a day with an active one (a replaced level keeps its history)
        for level in self.filtered("active"):
            if self.search_count(
                [
                    ("company_id", "=", level.company_id.id),
                    ("days_after_due", "=", level.days_after_due),
                    ("id", "!=", level.id),
                ],
                limit=1,
            ):
                raise ValidationError(
                    self.env._(
                        "Two active reminder levels of %(company)s start %(days)s days after the due date.",
                        company=level.company_id.name,
                        days=level.days_after_due,
                    )
                )

    @api.constrains("days_after_due", "channel", "mail_template_id", "activity_type_id")
    def _check_channel_setup(self):
        for level in self:
            if level.days_after_due < 1:
                raise ValidationError(
                    self.env._(
                        "The reminder level %(level)s must start at least one day after the due date.", level=level.name
                    )
                )
            if level.channel == "email" and not level.mail_template_id:
                raise ValidationError(
                    self.env._("The e-mail reminder level %(level)s needs an e-mail template.", level=level.name)
                )
            if level.channel == "phone" and not level.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "The phone reminder level %(level)s needs an activity type for the call.", level=level.name
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.env["sales_admin.reminder"].sudo().search([("level_id", "in", self.ids)], limit=1).level_id
        if used:
            raise UserError(
                self.env._(
                    "Reminders were sent at the level %(level)s: archive it instead of deleting it.", level=used.name
                )
            )
