from odoo import fields, models
from odoo.exceptions import UserError

from ..models.sales_admin_target import period_end


class SalesAdminTargetCopy(models.TransientModel):
    """Copy targets to the next period of the same type, with a growth percentage."""

    _name = "sales_admin.target.copy"
    _description = "Copy Sales Targets to the Next Period"

    target_ids = fields.Many2many("sales_admin.target", string="Targets", required=True)
    growth = fields.Float(string="Growth (%)", help="5 means the copies' amounts are the originals' × 1.05.")

    def action_copy(self):
        """Create the copies in one batch; refuse everything if one copy would overlap a target."""
        self.ensure_one()
        if not self.target_ids:
            raise UserError(self.env._("Select at least one target to copy."))
        factor = 1 + self.growth / 100.0
        if factor < 0:
            raise UserError(self.env._("The growth cannot be below -100 %."))
        Target = self.env["sales_admin.target"]
        vals_list = []
        for target in self.target_ids:
            date_from = target._next_period_start()
            vals = {
                "company_id": target.company_id.id,
                "user_id": target.user_id.id,
                "team_id": target.team_id.id,
                "categ_id": target.categ_id.id,
                "period_type": target.period_type,
                "phasing": target.phasing,
                "date_from": date_from,
                "date_to": period_end(date_from, target.period_type, target._week_start()),
                "name": target.name,
            }
            for fname in ("target_ordered", "target_invoiced", "target_collected"):
                vals[fname] = target.currency_id.round(target[fname] * factor)
            vals_list.append(vals)
        Target._raise_overlap(Target, extra=vals_list)
        copies = Target.create([{k: v for k, v in vals.items() if k != "name"} for vals in vals_list])
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.target",
            "name": self.env._("Copied Targets"),
            "view_mode": "list,form",
            "domain": [("id", "in", copies.ids)],
        }
