from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.sql import column_exists, create_column

from .res_partner import PAYMENT_KINDS, PAYMENT_SETUP_STATES

SALES_ADMIN_USER = "sales_admin_addon.sales_admin_addon_group_user"


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    sales_admin_ticket_count = fields.Integer(
        string="Request Count", compute="_compute_sales_admin_ticket_count", groups="sales_team.group_sale_salesman"
    )
    sales_admin_ticket_ids = fields.One2many("sales_admin.ticket", "invoice_id", string="Requests")
    sales_admin_in_dispute = fields.Boolean(
        string="In Dispute",
        compute="_compute_sales_admin_in_dispute",
        store=True,
        index=True,
        help="An open complaint is about this invoice, or it is on dispute hold: reminders hold until the "
        "complaint is closed and the hold released.",
    )
    sales_admin_dispute_hold = fields.Boolean(
        string="Dispute Hold",
        tracking=True,
        copy=False,
        help="Set by hand (Hold (Dispute)) while the customer contests this invoice: no reminder goes out for it "
        "until the hold is released. The invoice is still owed and counts in the overdue figures.",
    )
    sales_admin_reminder_level_id = fields.Many2one(
        "sales_admin.reminder.level",
        string="Reminder Level",
        compute="_compute_sales_admin_reminder_level_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="The last payment reminder level sent for this invoice. A payment resets it.",
    )
    sales_admin_last_reminder_date = fields.Date(
        string="Last Reminder",
        compute="_compute_sales_admin_reminder_level_id",
        store=True,
        readonly=False,
        copy=False,
    )

    def _auto_init(self):
        # installing: no ticket exists yet, so no invoice is in dispute; the column made here (empty, read as
        # False) spares computing it for every invoice, which would rewrite them all (write dates included)
        if not column_exists(self.env.cr, self._table, "sales_admin_in_dispute"):
            create_column(self.env.cr, self._table, "sales_admin_in_dispute", "boolean")
        # no reminder was sent before the module was installed: empty columns, no recompute of every invoice
        for column, column_type in (
            ("sales_admin_reminder_level_id", "int4"),
            ("sales_admin_last_reminder_date", "date"),
        ):
            if not column_exists(self.env.cr, self._table, column):
                create_column(self.env.cr, self._table, column, column_type)
        return super()._auto_init()

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends(
        "sales_admin_dispute_hold",
        "sales_admin_ticket_ids.is_complaint",
        "sales_admin_ticket_ids.is_closed",
        "sales_admin_ticket_ids.active",
    )
    def _compute_sales_admin_in_dispute(self):
        # sudo: the dispute follows the complaints whoever may read them (accountants need not see tickets)
        disputed = (
            self.env["sales_admin.ticket"]
            .sudo()
            .search([("invoice_id", "in", self._origin.ids), ("is_complaint", "=", True), ("is_closed", "=", False)])
            .invoice_id
        )
        for move in self:
            move.sales_admin_in_dispute = move.sales_admin_dispute_hold or move._origin in disputed

    @api.depends("payment_state")
    def _compute_sales_admin_reminder_level_id(self):
        # a payment (or a credit note) settling the invoice resets its reminder level; a partial one does not
        for move in self:
            if move.payment_state in ("paid", "in_payment", "reversed"):
                move.sales_admin_reminder_level_id = False
                move.sales_admin_last_reminder_date = False

    def _compute_sales_admin_ticket_count(self):
        counts = dict(
            self.env["sales_admin.ticket"]._read_group([("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"])
        )
        for move in self:
            move.sales_admin_ticket_count = counts.get(move, 0)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_log_sales_admin_request(self):
        """A new request about this customer invoice or credit note, prefilled with its customer."""
        self.ensure_one()
        if not self.is_sale_document():
            raise UserError(self.env._("Requests are logged about customer invoices and credit notes only."))
        return self.env["sales_admin.ticket"]._get_new_ticket_action(self._prepare_sales_admin_request_defaults())

    def action_sales_admin_hold_dispute(self):
        """Hold these customer invoices while the customer disputes them: reminders skip them."""
        return self._set_sales_admin_dispute_hold(True)

    def action_sales_admin_release_hold(self):
        return self._set_sales_admin_dispute_hold(False)

    def action_open_sales_admin_tickets(self):
        self.ensure_one()
        return self.env["sales_admin.ticket"]._get_tickets_action(
            [("invoice_id", "=", self.id)], self._prepare_sales_admin_request_defaults()
        )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _get_sales_admin_overdue_domain(self, partners, companies):
        """Overdue customer invoices of these commercial entities in these companies: posted, not (fully) paid, due
        before today. The one definition the ticket priority rules, the reception desk and the customer's overdue
        figures share."""
        return [
            ("commercial_partner_id", "in", partners.ids),
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", fields.Date.context_today(self)),
        ]

    def _prepare_sales_admin_request_defaults(self):
        self.ensure_one()
        return {
            "partner_id": self.commercial_partner_id.id,
            "contact_id": self.partner_id.id if self.partner_id.parent_id else False,
            "invoice_id": self.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
        }

    def _set_sales_admin_dispute_hold(self, hold):
        user = self.env.user
        if not (user.has_group("account.group_account_invoice") or user.has_group(SALES_ADMIN_USER)):
            raise AccessError(self.env._("Only billing staff and sales administration can hold disputed invoices."))
        self.check_access("read")
        if any(move.move_type != "out_invoice" or move.state != "posted" for move in self):
            raise UserError(self.env._("Only posted customer invoices can be held for a dispute."))
        moves = self.filtered(lambda move: move.sales_admin_dispute_hold != hold)
        # sudo: sales administration may hold an invoice it may not edit; the hold is tracked in its chatter
        moves.sudo().sales_admin_dispute_hold = hold
        if moves:
            self.env["sales_admin.collection.case"]._refresh_collection_cases(
                moves.commercial_partner_id, moves.company_id
            )
        return True

    # ------------------------------------------------------------
    # Payment set-up
    # ------------------------------------------------------------

    sales_admin_payment_kind = fields.Selection(
        PAYMENT_KINDS,
        string="Payment Kind",
        compute="_compute_sales_admin_payment_setup",
        help="How the customer pays this invoice by its preferred payment method: bank transfer or card.",
    )
    sales_admin_payment_setup = fields.Selection(
        PAYMENT_SETUP_STATES,
        string="Payment Set-up",
        compute="_compute_sales_admin_payment_setup",
        help="Whether the customer can pay this invoice by its preferred payment method: a validated (trusted) bank "
        "account for a bank transfer, a saved card of the provider for a card.",
    )

    @api.depends(
        "move_type",
        "commercial_partner_id.bank_ids.allow_out_payment",
        "commercial_partner_id.payment_token_ids",
        "preferred_payment_method_line_id",
    )
    def _compute_sales_admin_payment_setup(self):
        customer_moves = self.filtered(lambda move: move.is_sale_document())
        setup = self.env["res.partner"]._get_sales_admin_payment_setup(
            (move.commercial_partner_id._origin, move.preferred_payment_method_line_id._origin)
            for move in customer_moves
        )
        for move in self:
            if move in customer_moves:
                kind, state = setup[move.commercial_partner_id._origin, move.preferred_payment_method_line_id._origin]
            else:
                kind, state = False, False
            move.sales_admin_payment_kind = kind
            move.sales_admin_payment_setup = state

    def _compute_preferred_payment_method_line_id(self):
        # Odoo reads the method of the invoice's partner only; it is not one of the commercial fields copied to the
        # contacts, so an invoice addressed to a contact (the invoice address of a sale order) would lose the
        # customer's method. The contact's own method, when set, still wins. Core's dependencies (partner, company)
        # are kept: a contact moved to another company does not rewrite the method of posted invoices.
        res = super()._compute_preferred_payment_method_line_id()
        for move in self.filtered(lambda move: move.is_sale_document() and not move.preferred_payment_method_line_id):
            entity = move.partner_id.commercial_partner_id.with_company(move.company_id)
            move.preferred_payment_method_line_id = entity.property_inbound_payment_method_line_id
        return res
