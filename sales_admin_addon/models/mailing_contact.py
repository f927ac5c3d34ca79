from odoo import fields, models


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index="btree_not_null",
        ondelete="set null",
        help="The partner this mailing contact stands for (set by the customer segments' sync).",
    )
