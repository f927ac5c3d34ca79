from odoo import api, fields, models
from odoo.exceptions import UserError


class SalesAdminReceptionLink(models.TransientModel):
    _name = "sales_admin.reception.link"
    _description = "Link a Visitor or Caller to a Contact"

    # ------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        entry = self.env["sales_admin.reception"].browse(res.get("reception_id"))
        if "partner_id" in fields_list and entry and not res.get("partner_id"):
            res["partner_id"] = self._find_partner(entry).id
        return res

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    reception_id = fields.Many2one("sales_admin.reception", string="Entry", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="reception_id.company_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        domain="[('company_id', 'in', (False, company_id))]",
        help="The existing contact who called or came; suggested from the e-mail or the phone given.",
    )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_link(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Choose the contact to link the visitor or caller to."))
        self.reception_id.partner_id = self.partner_id
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _find_partner(self, entry):
        """The contact with the entry's e-mail, else with its phone (exact match), if any."""
        partners = self.env["res.partner"]
        if entry.email:
            partner = partners.search([("email", "=ilike", entry.email.strip())], limit=1)
            if partner:
                return partner
        if entry.phone:
            return partners.search(["|", ("phone", "=", entry.phone), ("mobile", "=", entry.phone)], limit=1)
        return partners
