from odoo import api, models


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("active")._sales_admin_withdraw_consent()
        return records

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") or "email" in vals:
            self.filtered("active")._sales_admin_withdraw_consent()
        return result

    def _sales_admin_withdraw_consent(self):
        """A blacklisted address (the unsubscribe page's "block all e-mails", or a user) withdraws the marketing
        consent of every partner with that address. Superuser write: a public visitor blacklists their own
        address through the mailing's token."""
        emails = [email for email in self.mapped("email") if email]
        if not emails:
            return
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("email_normalized", "in", emails), ("sales_admin_marketing_consent", "=", True)])
        )
        if partners:
            partners.write({"sales_admin_marketing_consent": False, "sales_admin_consent_source": "unsubscribe"})
