from odoo import api, models


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        subscriptions.filtered("opt_out").contact_id._sales_admin_withdraw_consent()
        return subscriptions

    def write(self, vals):
        result = super().write(vals)
        if self.filtered("opt_out") and (vals.get("opt_out") or vals.get("opt_out_reason_id")):
            # an opt-out (the unsubscribe link, the preference page or a user): a partner who is now off every
            # list no longer wants marketing
            self.filtered("opt_out").contact_id._sales_admin_withdraw_consent()
        return result
