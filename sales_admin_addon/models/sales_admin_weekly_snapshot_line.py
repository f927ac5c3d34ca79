from odoo import api, fields, models
from odoo.exceptions import UserError


class SalesAdminWeeklySnapshotLine(models.Model):
    """The frozen figures of one salesperson, team and category in a snapshot week."""

    _name = "sales_admin.weekly.snapshot.line"
    _description = "Weekly Sales Snapshot Line"
    _order = "week_start desc, user_id, team_id, categ_id, id"

    snapshot_id = fields.Many2one(
        "sales_admin.weekly.snapshot", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    week_start = fields.Date(required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    ordered = fields.Monetary(readonly=True)
    invoiced = fields.Monetary(readonly=True)
    collected = fields.Monetary(readonly=True)
    target_ordered = fields.Monetary(string="Ordered Target", readonly=True)
    target_invoiced = fields.Monetary(string="Invoiced Target", readonly=True)
    target_collected = fields.Monetary(string="Collected Target", readonly=True)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A weekly snapshot is the record of what was reported: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A weekly snapshot is the record of what was reported: it cannot be deleted."))
