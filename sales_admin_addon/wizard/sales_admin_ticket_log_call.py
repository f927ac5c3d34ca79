from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from ..models.sales_admin_ticket import TICKET_PRIORITIES


class SalesAdminTicketLogCall(models.TransientModel):
    _name = "sales_admin.ticket.log.call"
    _description = "Log a Phone Call"

    # ------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        context = self.env.context
        # opened from a contact (its Action menu): the contact is the caller
        if "partner_id" in fields_list and not res.get("partner_id") and context.get("active_model") == "res.partner":
            res["partner_id"] = context.get("active_id")
        return res

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Caller",
        check_company=True,
        help="The customer or contact who called; leave empty for a caller not in the contacts.",
    )
    caller_name = fields.Char(compute="_compute_caller", store=True, readonly=False, precompute=True)
    caller_phone = fields.Char(compute="_compute_caller", store=True, readonly=False, precompute=True)
    ticket_type_id = fields.Many2one(
        "sales_admin.ticket.type",
        string="Type",
        required=True,
        default=lambda self: self.env["sales_admin.ticket"]._default_ticket_type_id(),
    )
    title = fields.Char(string="Subject", required=True)
    note = fields.Html(string="Notes", help="What the caller said; posted on the request as a note of the call.")
    priority = fields.Selection(TICKET_PRIORITIES, default="0", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_caller(self):
        for wizard in self:
            if wizard.partner_id:
                wizard.caller_name = wizard.partner_id.name
                wizard.caller_phone = wizard.partner_id.phone or wizard.partner_id.mobile

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_log_call(self):
        """Create the request, with the call's notes in its description and in its chatter."""
        self.ensure_one()
        if not self.partner_id and not (self.caller_name or "").strip():
            raise UserError(self.env._("Choose the caller, or type the name of a caller not in the contacts."))
        ticket = self.env["sales_admin.ticket"].create(self._prepare_ticket_vals())
        ticket.message_post(body=self._prepare_call_message(), subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.ticket",
            "res_id": ticket.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _prepare_ticket_vals(self):
        self.ensure_one()
        vals = {
            "channel": "phone",
            "ticket_type_id": self.ticket_type_id.id,
            "title": self.title,
            "description": self.note,
            "user_id": self.user_id.id,
            "company_id": self.company_id.id,
            "contact_name": self.caller_name,
            "contact_phone": self.caller_phone,
        }
        if self.priority != "0":
            # a higher priority is the caller's urgency; Normal leaves it to the priority rules
            vals["priority"] = self.priority
        partner = self.partner_id
        if partner:
            # a company that calls is the customer itself; a person is the contact of their company
            vals["partner_id"] = partner.commercial_partner_id.id
            if partner != partner.commercial_partner_id:
                vals["contact_id"] = partner.id
        return vals

    def _prepare_call_message(self):
        self.ensure_one()
        caller = self.caller_name or self.partner_id.name
        header = (
            self.env._("Phone call from %(caller)s (%(phone)s).", caller=caller, phone=self.caller_phone)
            if self.caller_phone
            else self.env._("Phone call from %(caller)s.", caller=caller)
        )
        body = Markup("<p>%s</p>") % header
        if not is_html_empty(self.note):
            body += self.note  # sanitized by the Html field
        return body
