from odoo import fields, models
from odoo.tools import SQL


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index="btree_not_null",
        ondelete="set null",
        help="The partner this mailing contact stands for (set by the customer segments' sync).",
    )

    def _sales_admin_withdraw_consent(self):
        """Withdraw the marketing consent of the partners of these contacts who are now opted out of every list
        they were on (source: unsubscribe link). Runs in the unsubscribe flow of a public visitor, hence the
        superuser write on the partner: the visitor proves who they are by the mailing's token, not by rights."""
        partner_ids = self.filtered("partner_id").partner_id.ids
        if not partner_ids:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id
                  FROM res_partner p
                 WHERE p.id IN %(partners)s
                   AND p.sales_admin_marketing_consent
                   AND NOT EXISTS (
                       SELECT 1
                         FROM mailing_contact c
                         JOIN mailing_subscription s ON s.contact_id = c.id
                        WHERE c.partner_id = p.id AND NOT s.opt_out
                   )
                """,
                partners=tuple(partner_ids),
            )
        )
        if rows:
            self.env["res.partner"].sudo().browse([row[0] for row in rows]).write(
                {"sales_admin_marketing_consent": False, "sales_admin_consent_source": "unsubscribe"}
            )
