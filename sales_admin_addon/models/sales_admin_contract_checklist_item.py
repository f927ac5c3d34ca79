from odoo import api, fields, models
from odoo.exceptions import UserError


class SalesAdminContractChecklistItem(models.Model):
    _name = "sales_admin.contract.checklist.item"
    _description = "Contract Intake Checklist Item"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    required = fields.Boolean(
        default=True, help="A required item blocks the confirmation of the order until it is met."
    )
    check_method = fields.Selection(
        [
            ("manual", "Ticked by hand"),
            ("customer_reference", "Customer reference (PO number) filled in"),
            ("payment_term", "Payment terms set"),
            ("attachment", "A document attached to the order"),
            ("signature", "Signed online by the customer"),
        ],
        string="Met When",
        required=True,
        default="manual",
        help="How the item is met: ticked by a person, or read from the order.",
    )
    description = fields.Text(translate=True)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        # quotations already open get the new items too
        items.filtered("active")._add_to_open_orders()
        return items

    def write(self, vals):
        res = super().write(vals)
        if vals.get("active"):
            self._add_to_open_orders()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.env["sales_admin.contract.checklist.line"].sudo().search_count([("item_id", "in", self.ids)])
        if used:
            raise UserError(
                self.env._(
                    "These checklist items are used by %(count)s orders: archive them instead of deleting them.",
                    count=used,
                )
            )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _add_to_open_orders(self):
        if not self:
            return
        orders = (
            self.env["sale.order"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids), ("state", "in", ("draft", "sent"))])
        )
        orders._sales_admin_sync_checklist()
