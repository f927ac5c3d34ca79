from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class SalesAdminCollectionLogCall(models.TransientModel):
    _name = "sales_admin.collection.log.call"
    _description = "Log a Collection Call"

    case_id = fields.Many2one("sales_admin.collection.case", string="Collection Case", required=True)
    partner_id = fields.Many2one(related="case_id.partner_id")
    contact_id = fields.Many2one(
        "res.partner",
        string="Spoke With",
        domain="[('id', 'child_of', partner_id)]",
        help="The customer's contact on the phone.",
    )
    note = fields.Html(string="Notes", help="What was said; posted on the case as the call done.")
    next_call_date = fields.Date(string="Call Again On", help="Plans the next call on the case, if set.")
    next_call_user_id = fields.Many2one(
        "res.users",
        string="Next Call By",
        domain="[('share', '=', False)]",
        help="Empty: the case's assignee, else you.",
    )

    def action_log_call(self):
        """The call done in the case's chatter (a done phone activity with the notes), and the next call
        planned."""
        self.ensure_one()
        case = self.case_id
        case.check_access("write")
        today = fields.Date.context_today(self)
        if self.next_call_date and self.next_call_date < today:
            raise UserError(self.env._("The next call is for today or a day to come."))
        summary = (
            self.env._("Call with %(contact)s", contact=self.contact_id.name)
            if self.contact_id
            else self.env._("Call with %(customer)s", customer=case.partner_id.name)
        )
        feedback = "" if is_html_empty(self.note) else self.note
        activity = case.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=today, summary=summary, user_id=self.env.uid
        )
        activity.action_feedback(feedback=Markup(feedback))
        if self.next_call_date:
            case.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=self.next_call_date,
                summary=self.env._("Call back %(customer)s", customer=case.partner_id.name),
                user_id=(self.next_call_user_id or case.user_id or self.env.user).id,
            )
        return {"type": "ir.actions.act_window_close"}
