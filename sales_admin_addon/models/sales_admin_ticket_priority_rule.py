from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sales_admin_ticket import TICKET_PRIORITIES

# the window of the repeated-complaints condition
COMPLAINT_WINDOW_DAYS = 90


class SalesAdminTicketPriorityRule(models.Model):
    _name = "sales_admin.ticket.priority.rule"
    _description = "Ticket Priority Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: the rule applies in every company.",
    )
    priority = fields.Selection(
        TICKET_PRIORITIES, required=True, default="1", help="The priority a matching ticket gets at least."
    )
    # conditions: all the filled-in ones must hold
    ticket_type_ids = fields.Many2many(
        "sales_admin.ticket.type", string="Ticket Types", help="Tickets of one of these types. Empty: any type."
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category", string="Customer Tags", help="Customers with one of these tags. Empty: any customer."
    )
    min_order_amount = fields.Float(
        string="Minimum Order Value",
        help="The untaxed value of the ticket's sales order, in the company's currency, is at least this. "
        "Zero: no condition on the order.",
    )
    has_overdue_invoice = fields.Boolean(
        string="Customer Has an Overdue Invoice",
        help="The customer has a posted invoice that is not paid (or only in part) after its due date.",
    )
    min_complaint_count = fields.Integer(
        string="Complaints in 90 Days",
        help="The customer has made at least this many complaints in the last 90 days, the ticket included. "
        "Zero: no condition on complaints.",
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("min_order_amount", "min_complaint_count")
    def _check_thresholds(self):
        if any(rule.min_order_amount < 0 or rule.min_complaint_count < 0 for rule in self):
            raise ValidationError(
                self.env._("A priority rule cannot ask for a negative order value or complaint count.")
            )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _get_automatic_priorities(self, tickets):
        """The priority the active rules give each of ``tickets`` (records or new records): ``{ticket: priority}``,
        the highest priority of the matching rules, or ``"0"``. Set-based: one search for the rules, one read
        group for the overdue invoices and one for the complaints, whatever the number of tickets."""
        rules = self.search([("company_id", "in", [False, *tickets.company_id.ids])])
        result = dict.fromkeys(tickets, "0")
        if not rules:
            return result
        partners = tickets.partner_id
        overdue = set()
        if partners and any(rules.mapped("has_overdue_invoice")):
            overdue = self._get_partners_with_overdue_invoices(partners, tickets.company_id)
        complaints = {}
        if partners and any(rules.mapped("min_complaint_count")):
            complaints = self._get_complaint_counts(partners, tickets)
        for ticket in tickets:
            matching = rules.filtered(lambda rule, ticket=ticket: rule._matches_ticket(ticket, overdue, complaints))
            result[ticket] = max(matching.mapped("priority"), default="0")
        return result

    def _matches_ticket(self, ticket, overdue, complaints):
        """Whether ``ticket`` meets every condition of the rule; ``overdue`` and ``complaints`` are the figures of
        ``_get_partners_with_overdue_invoices`` and ``_get_complaint_counts`` for the batch."""
        self.ensure_one()
        if self.company_id and self.company_id != ticket.company_id:
            return False
        if self.ticket_type_ids and ticket.ticket_type_id not in self.ticket_type_ids:
            return False
        if self.partner_category_ids and not (ticket.partner_id.category_id & self.partner_category_ids):
            return False
        if self.min_order_amount:
            order = ticket.sale_order_id
            # the order's untaxed value in the company's currency (the rate is stored on the order)
            amount = order.amount_untaxed / (order.currency_rate or 1.0)
            if not order or ticket.company_id.currency_id.compare_amounts(amount, self.min_order_amount) < 0:
                return False
        if self.has_overdue_invoice and (ticket.partner_id.id, ticket.company_id.id) not in overdue:
            return False
        return not self.min_complaint_count or complaints.get(ticket.partner_id.id, 0) >= self.min_complaint_count

    @api.model
    def _get_partners_with_overdue_invoices(self, partners, companies):
        """The ``(partner, company)`` pairs among ``partners`` with an overdue customer invoice, in one query."""
        # sudo: the rule reads the customer's payment record, whoever raises the ticket
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(self._get_overdue_invoice_domain(partners, companies), ["commercial_partner_id", "company_id"])
        )
        return {(partner.id, company.id) for partner, company in groups}

    @api.model
    def _get_overdue_invoice_domain(self, partners, companies):
        return self.env["account.move"]._get_sales_admin_overdue_domain(partners, companies)

    @api.model
    def _get_complaint_counts(self, partners, tickets):
        """The complaints of each customer in the last 90 days, the unsaved or other ``tickets`` included:
        ``{partner_id: count}``, in one query (the stored ``tickets`` are counted from their current values)."""
        since = fields.Datetime.now() - timedelta(days=COMPLAINT_WINDOW_DAYS)
        groups = (
            self.env["sales_admin.ticket"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("is_complaint", "=", True),
                    ("date_open", ">=", since),
                    ("id", "not in", tickets._origin.ids),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        counts = {partner.id: count for partner, count in groups}
        for ticket in tickets:
            if ticket.partner_id and ticket.is_complaint and (not ticket.date_open or ticket.date_open >= since):
                counts[ticket.partner_id.id] = counts.get(ticket.partner_id.id, 0) + 1
        return counts
