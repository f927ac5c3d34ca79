from odoo import api, fields, models


class SalesAdminTicketRootCause(models.Model):
    _name = "sales_admin.ticket.root.cause"
    _description = "Ticket Root Cause"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"
    # a cause cannot be its own parent: the parent store refuses the loop ("Recursion Detected")

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one("sales_admin.ticket.root.cause", string="Parent Cause", index=True, ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sales_admin.ticket.root.cause", "parent_id", string="Detailed Causes")
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for cause in self:
            parent = cause.parent_id.complete_name
            cause.complete_name = f"{parent} / {cause.name}" if parent else cause.name
