from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    sales_admin_segment_id = fields.Many2one(
        "sales_admin.segment",
        string="Customer Segment",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The customer segment this mailing was created for; its results are counted per segment.",
    )
