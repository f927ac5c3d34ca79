from odoo import models


class SalesAdminTicketTag(models.Model):
    _name = "sales_admin.ticket.tag"
    _inherit = ["sales_admin.tag.mixin"]
    _description = "Ticket Tag"

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A tag with this name already exists."),
    ]
