from odoo import fields, models


class SalesAdminTicketStage(models.Model):
    _name = "sales_admin.ticket.stage"
    _description = "Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(string="Closing Stage", help="Requests in this stage are closed: solved or cancelled.")
    ask_satisfaction = fields.Boolean(
        string="Ask for Satisfaction",
        help="Tickets entering this stage send the company's satisfaction survey (Settings) to the customer.",
    )
    description = fields.Text(translate=True)
