from odoo import fields, models


class SalesAdminCollectionReason(models.Model):
    _name = "sales_admin.collection.reason"
    _description = "Overdue Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_dispute = fields.Boolean(
        string="Dispute",
        help="The customer contests what was invoiced: hold the disputed invoices (Hold (Dispute) on the invoice) "
        "so that no reminder goes out for them while the dispute lasts.",
    )
    description = fields.Text(translate=True)
