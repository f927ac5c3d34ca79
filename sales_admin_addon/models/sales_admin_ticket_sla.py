from bisect import bisect_right
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sales_admin_ticket import TICKET_PRIORITIES

PRIORITY_RANKS = {key: int(key) for key, _label in TICKET_PRIORITIES}


def _priority_rank(priority):
    """The rank of a priority; a value that is none (not yet validated by the ORM at precompute time) ranks 0."""
    return PRIORITY_RANKS.get(priority, 0) if isinstance(priority, str) else 0


class SalesAdminTicketSla(models.Model):
    _name = "sales_admin.ticket.sla"
    _description = "Ticket SLA Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="A ticket follows the first policy that matches it, in this order.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: the policy applies in every company.",
    )
    description = fields.Text(translate=True)
    # which tickets
    ticket_type_ids = fields.Many2many(
        "sales_admin.ticket.type", string="Ticket Types", help="Tickets of one of these types. Empty: any type."
    )
    priority = fields.Selection(
        TICKET_PRIORITIES,
        string="Minimum Priority",
        required=True,
        default="0",
        help="Tickets of this priority or a higher one.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category", string="Customer Tags", help="Customers with one of these tags. Empty: any customer."
    )
    # the promises, in working hours of the company's calendar
    response_hours = fields.Float(
        string="Respond Within",
        help="Working hours from the opening of the ticket to the first answer. Zero: no response deadline.",
    )
    resolution_hours = fields.Float(
        string="Resolve Within",
        help="Working hours from the opening of the ticket to its closing. Zero: no resolution deadline.",
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for sla in self:
            if sla.response_hours < 0 or sla.resolution_hours < 0:
                raise ValidationError(self.env._("The deadlines of an SLA policy cannot be negative."))
            if not (sla.response_hours or sla.resolution_hours):
                raise ValidationError(
                    self.env._(
                        "The SLA policy %(sla)s sets neither a response nor a resolution deadline.", sla=sla.name
                    )
                )
            if sla.resolution_hours and sla.response_hours > sla.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "The SLA policy %(sla)s asks for an answer after the ticket should be solved.", sla=sla.name
                    )
                )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _get_ticket_policies(self, tickets):
        """The first matching active policy of each of ``tickets``: ``{ticket: policy}``, in one search."""
        policies = self.search([("company_id", "in", [False, *tickets.company_id.ids])])
        return {ticket: next((sla for sla in policies if sla._matches_ticket(ticket)), self) for ticket in tickets}

    def _matches_ticket(self, ticket):
        self.ensure_one()
        return (
            (not self.company_id or self.company_id == ticket.company_id)
            and (not self.ticket_type_ids or ticket.ticket_type_id in self.ticket_type_ids)
            and (not self.partner_category_ids or bool(ticket.partner_id.category_id & self.partner_category_ids))
            and _priority_rank(ticket.priority) >= _priority_rank(self.priority)
        )

    @api.model
    def _plan_working_hours(self, calendar, requests):
        """The moment ``hours`` working hours of ``calendar`` after each ``start``, for ``requests``, a list of
        ``(start, hours)`` (naive UTC datetimes): a list of naive UTC datetimes, in the same order.

        Weekends and the calendar's public holidays (leaves without a resource) are skipped. The work intervals
        are read once for the whole batch (one search of the leaves per window), not per ticket, as
        ``resource.calendar.plan_hours`` would. Without a calendar (or with flexible hours), hours are counted
        around the clock; so are they, as a last resort, when the calendar has no work for months."""
        if not requests:
            return []
        if not calendar or calendar.flexible_hours or not calendar.attendance_ids:
            return [start + timedelta(hours=hours) for start, hours in requests]
        first = min(start for start, _hours in requests)
        last = max(start for start, _hours in requests)
        # working weeks are at least a day of work: a window as long again as the hours, in days, plus two weeks
        window = timedelta(days=max(hours for _start, hours in requests) / 8 * 7 / 5 + 14)
        for _attempt in range(4):
            intervals = calendar._work_intervals_batch(
                pytz.utc.localize(first), pytz.utc.localize(last + window), compute_leaves=True
            )[False]
            spans = [
                (start.astimezone(pytz.utc).replace(tzinfo=None), stop.astimezone(pytz.utc).replace(tzinfo=None))
                for start, stop, _meta in intervals
            ]
            span_starts = [span_start for span_start, _stop in spans]
            results = [self._walk_working_spans(spans, span_starts, start, hours) for start, hours in requests]
            if all(results):
                return results
            window *= 2
        return [
            result or start + timedelta(hours=hours) for result, (start, hours) in zip(results, requests, strict=True)
        ]

    @api.model
    def _walk_working_spans(self, spans, span_starts, start, hours):
        """The end of ``hours`` of work from ``start`` along ``spans`` (sorted ``(start, stop)``, whose starts are
        ``span_starts``), or None when the spans end first."""
        index = max(bisect_right(span_starts, start) - 1, 0)
        remaining = timedelta(hours=hours)
        for span_start, span_stop in spans[index:]:
            span_start = max(span_start, start)
            if span_stop <= span_start:
                continue
            if remaining <= span_stop - span_start:
                return span_start + remaining
            remaining -= span_stop - span_start
        return None
