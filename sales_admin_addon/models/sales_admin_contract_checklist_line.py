from odoo import api, fields, models
from odoo.exceptions import UserError


class SalesAdminContractChecklistLine(models.Model):
    _name = "sales_admin.contract.checklist.line"
    _description = "Contract Intake Checklist Line"
    _order = "order_id, sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    item_id = fields.Many2one(
        "sales_admin.contract.checklist.item",
        required=True,
        index=True,
        # deleting a used item is refused by the item (archive it); on uninstall its lines go with it
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    name = fields.Char(related="item_id.name")
    sequence = fields.Integer(related="item_id.sequence", store=True)
    required = fields.Boolean(related="item_id.required")
    check_method = fields.Selection(related="item_id.check_method")
    done = fields.Boolean(string="Ticked", help="Ticked by hand (items met by hand).")
    done_uid = fields.Many2one("res.users", string="Ticked By", readonly=True)
    done_date = fields.Datetime(string="Ticked On", readonly=True)
    is_met = fields.Boolean(string="Met", compute="_compute_is_met")

    _sql_constraints = [
        ("order_item_unique", "UNIQUE(order_id, item_id)", "An item appears once in an order's checklist."),
    ]

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends(
        "done",
        "check_method",
        "order_id.client_order_ref",
        "order_id.payment_term_id",
        "order_id.signature",
        "order_id.message_attachment_count",
    )
    def _compute_is_met(self):
        for line in self:
            order = line.order_id
            line.is_met = {
                "manual": line.done,
                "customer_reference": bool(order.client_order_ref),
                "payment_term": bool(order.payment_term_id),
                "attachment": bool(order.message_attachment_count),
                "signature": bool(order.signature),
            }.get(line.check_method, False)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if "done" in vals:
            if self.order_id.filtered(lambda order: order.state not in ("draft", "sent")):
                raise UserError(self.env._("The checklist of a confirmed or cancelled order cannot be changed."))
            if self.filtered(lambda line: line.check_method != "manual"):
                raise UserError(self.env._("Only items met by hand can be ticked; the others are read from the order."))
            vals = {
                **vals,
                "done_uid": self.env.uid if vals["done"] else False,
                "done_date": fields.Datetime.now() if vals["done"] else False,
            }
        res = super().write(vals)
        if "done" in vals:
            for order, lines in self.grouped("order_id").items():
                items = ", ".join(lines.mapped("name"))
                order.message_post(
                    body=self.env._("Checklist ticked: %(items)s.", items=items)
                    if vals["done"]
                    else self.env._("Checklist unticked: %(items)s.", items=items),
                    subtype_xmlid="mail.mt_note",
                )
        return res
