from odoo import fields, models


class SalesAdminTicketType(models.Model):
    _name = "sales_admin.ticket.type"
    _description = "Ticket Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_complaint = fields.Boolean(
        string="Complaint",
        help="Requests of this type are complaints: the customer reports a problem with what we delivered or invoiced.",
    )
    description = fields.Text(translate=True)
