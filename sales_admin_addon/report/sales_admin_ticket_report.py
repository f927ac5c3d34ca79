from odoo import fields, models
from odoo.tools import SQL

from ..models.sales_admin_ticket import TICKET_CHANNELS, TICKET_PRIORITIES


class SalesAdminTicketReport(models.Model):
    """One row per ticket with its times and SLA outcome, for the pivot and graph of customer care.

    Rates are averages of 100/0 columns (the pivot shows them as percentages); times are in hours, from the
    opening to the first response and to the closing.
    """

    _name = "sales_admin.ticket.report"
    _description = "Ticket Analysis"
    _auto = False
    _rec_name = "ticket_id"
    _order = "date_open desc"

    ticket_id = fields.Many2one("sales_admin.ticket", readonly=True)
    date_open = fields.Datetime(string="Opened On", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    ticket_type_id = fields.Many2one("sales_admin.ticket.type", string="Type", readonly=True)
    is_complaint = fields.Boolean(string="Complaint", readonly=True)
    channel = fields.Selection(TICKET_CHANNELS, readonly=True)
    priority = fields.Selection(TICKET_PRIORITIES, readonly=True)
    stage_id = fields.Many2one("sales_admin.ticket.stage", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    root_cause_id = fields.Many2one("sales_admin.ticket.root.cause", readonly=True)
    resolution_type = fields.Selection(
        [
            ("credit_note", "Credit Note"),
            ("replacement", "Replacement"),
            ("repair", "Repair"),
            ("explanation", "Explanation"),
        ],
        readonly=True,
    )
    sla_id = fields.Many2one("sales_admin.ticket.sla", string="SLA Policy", readonly=True)
    satisfaction_score = fields.Float(
        string="Satisfaction (%)", readonly=True, aggregator="avg", help="Of the tickets whose survey was answered."
    )
    ticket_count = fields.Integer(string="Tickets", readonly=True, aggregator="sum")
    response_hours = fields.Float(string="Hours to First Response", readonly=True, aggregator="avg")
    resolution_hours = fields.Float(string="Hours to Resolution", readonly=True, aggregator="avg")
    sla_response_rate = fields.Float(
        string="Response SLA Met (%)",
        readonly=True,
        aggregator="avg",
        help="Tickets under a policy answered by their response deadline (breached ones count 0).",
    )
    sla_resolution_rate = fields.Float(
        string="Resolution SLA Met (%)",
        readonly=True,
        aggregator="avg",
        help="Closed tickets under a policy solved by their resolution deadline, and open ones already late "
        "(counted 0).",
    )

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self):
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.date_open,
                   t.date_closed,
                   t.company_id,
                   t.partner_id,
                   t.ticket_type_id,
                   t.is_complaint,
                   t.channel,
                   t.priority,
                   t.stage_id,
                   t.is_closed,
                   t.team_id,
                   t.user_id,
                   t.product_id,
                   tmpl.categ_id,
                   t.root_cause_id,
                   t.resolution_type,
                   t.sla_id,
                   1 AS ticket_count,
                   EXTRACT(EPOCH FROM (t.date_first_response - t.date_open)) / 3600.0 AS response_hours,
                   EXTRACT(EPOCH FROM (t.date_closed - t.date_open)) / 3600.0 AS resolution_hours,
                   CASE WHEN t.satisfaction_state = 'answered' THEN t.satisfaction_score END AS satisfaction_score,
                   CASE WHEN t.sla_id IS NULL THEN NULL
                        WHEN t.sla_response_breached THEN 0.0
                        WHEN t.date_first_response IS NOT NULL THEN 100.0
                   END AS sla_response_rate,
                   CASE WHEN t.sla_id IS NULL THEN NULL
                        WHEN t.sla_resolution_breached THEN 0.0
                        WHEN t.is_closed THEN 100.0
                   END AS sla_resolution_rate
            """
        )

    def _from(self):
        return SQL(
            """
              FROM sales_admin_ticket t
         LEFT JOIN product_product product ON product.id = t.product_id
         LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
            """
        )

    def _where(self):
        return SQL("WHERE t.active")
