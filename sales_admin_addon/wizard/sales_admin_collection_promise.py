from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, is_html_empty


class SalesAdminCollectionPromise(models.TransientModel):
    _name = "sales_admin.collection.promise"
    _description = "Record a Promise to Pay"

    case_id = fields.Many2one("sales_admin.collection.case", string="Collection Case", required=True)
    partner_id = fields.Many2one(related="case_id.partner_id")
    currency_id = fields.Many2one(related="case_id.currency_id")
    overdue_amount = fields.Monetary(related="case_id.overdue_amount")
    promise_date = fields.Date(string="Pays By", required=True)
    promise_amount = fields.Monetary(
        string="Amount",
        compute="_compute_promise_amount",
        store=True,
        readonly=False,
        required=True,
        help="At most the overdue amount.",
    )
    note = fields.Html(string="Notes", help="What the customer said; posted on the case with the promise.")

    @api.depends("case_id")
    def _compute_promise_amount(self):
        for wizard in self:
            wizard.promise_amount = wizard.case_id.overdue_amount

    def action_record_promise(self):
        """Record the promise on the case: reminders pause until the promised day."""
        self.ensure_one()
        case = self.case_id
        case.check_access("write")
        # what is owed now, not as of the last refresh
        case._refresh_collection_cases(case.partner_id, case.company_id)
        self._check_promise()
        case.write(
            {
                "promise_date": self.promise_date,
                "promise_amount": self.promise_amount,
                "promise_state": "pending",
                "promise_recorded_date": fields.Date.context_today(self),
            }
        )
        body = Markup("<p>%s</p>") % self.env._(
            "Promise to pay %(amount)s by %(date)s recorded.",
            amount=case._format_amount(self.promise_amount),
            date=fields.Date.to_string(self.promise_date),
        )
        if not is_html_empty(self.note):
            body += self.note  # sanitized by the Html field
        case.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}

    def _check_promise(self):
        self.ensure_one()
        case = self.case_id
        if case.state != "open":
            raise UserError(self.env._("The case of %(customer)s is closed.", customer=case.partner_id.display_name))
        if self.promise_date < fields.Date.context_today(self):
            raise ValidationError(self.env._("A promise to pay is for today or a day to come, not a past day."))
        rounding = case.currency_id.rounding
        if float_compare(self.promise_amount, 0.0, precision_rounding=rounding) <= 0:
            raise ValidationError(self.env._("The promised amount must be more than zero."))
        if float_compare(self.promise_amount, case.overdue_amount, precision_rounding=rounding) > 0:
            raise ValidationError(
                self.env._(
                    "The promised amount %(amount)s is more than the overdue amount %(overdue)s.",
                    amount=case._format_amount(self.promise_amount),
                    overdue=case._format_amount(case.overdue_amount),
                )
            )
