from odoo import api, fields, models
from odoo.tools import SQL

# delivery outcomes the report counts: known (delivered) or already failed (late and still open)
OTIF_DELIVERY_STATES = ("delivered_on_time", "delivered_late", "late")


class SalesAdminOtifReport(models.Model):
    """On-time-in-full delivery analysis: one row per goods line of a confirmed order whose delivery outcome is
    known or already failed.

    - On time: the order was delivered by its promised day (``delivered_on_time``); delivered late, or still open
      after the promised day (``late``), is not on time.
    - In full: the line's delivered quantity reaches its ordered quantity, both in the line's unit of measure. A
      cancelled backorder leaves the order delivered but the line short: not in full.
    - OTIF: on time and in full.

    The three are 100 or 0 with an average aggregator, so grouped rows show rates in percent.
    """

    _name = "sales_admin.otif.report"
    _description = "On-Time In-Full Delivery Analysis"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"
    # what the query reads: pending changes of these fields are flushed before the report is read
    _depends = {
        "sale.order": [
            "state",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "sales_admin_promised_date",
            "sales_admin_delivery_state",
            "sales_admin_days_late",
        ],
        "sale.order.line": [
            "order_id",
            "product_id",
            "product_uom",
            "product_uom_qty",
            "qty_delivered",
            "display_type",
        ],
        "res.partner": ["commercial_partner_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["type", "categ_id"],
    }

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    date = fields.Datetime(string="Promised Delivery", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    product_uom = fields.Many2one("uom.uom", string="Unit", readonly=True)
    product_uom_qty = fields.Float(string="Qty Ordered", digits="Product Unit of Measure", readonly=True)
    qty_delivered = fields.Float(digits="Product Unit of Measure", readonly=True)
    delivery_state = fields.Selection(
        [
            ("late", "Late"),
            ("delivered_on_time", "Delivered on Time"),
            ("delivered_late", "Delivered Late"),
        ],
        string="Delivery Outcome",
        readonly=True,
    )
    on_time = fields.Float(
        string="On Time (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
        help="100 when the order was delivered by its promised day, 0 when delivered later or still open after it.",
    )
    in_full = fields.Float(
        string="In Full (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
        help="100 when the line's delivered quantity reaches its ordered quantity (in the line's unit), 0 otherwise: "
        "a cancelled backorder leaves the line short.",
    )
    otif = fields.Float(
        string="OTIF (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
        help="On time and in full: 100 or 0 per line, the average of a group is its rate.",
    )
    days_late = fields.Float(aggregator="avg", digits=(16, 1), readonly=True)
    nbr = fields.Integer(string="Lines", readonly=True)

    # ------------------------------------------------------------
    # Query
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        return self._query()

    @api.model
    def _query(self):
        group_by = self._group_by()
        return SQL(
            "SELECT %s FROM %s WHERE %s%s",
            self._select(),
            self._from(),
            self._where(),
            SQL(" GROUP BY %s", group_by) if group_by else SQL(),
        )

    @api.model
    def _in_full_sql(self):
        return SQL("line.qty_delivered >= line.product_uom_qty")

    @api.model
    def _on_time_sql(self):
        return SQL("so.sales_admin_delivery_state = 'delivered_on_time'")

    @api.model
    def _select(self):
        in_full, on_time = self._in_full_sql(), self._on_time_sql()
        return SQL(
            """
            line.id AS id,
            so.sales_admin_promised_date AS date,
            line.order_id AS order_id,
            partner.commercial_partner_id AS partner_id,
            so.user_id AS user_id,
            so.team_id AS team_id,
            so.company_id AS company_id,
            line.product_id AS product_id,
            tmpl.categ_id AS categ_id,
            line.product_uom AS product_uom,
            line.product_uom_qty AS product_uom_qty,
            line.qty_delivered AS qty_delivered,
            so.sales_admin_delivery_state AS delivery_state,
            CASE WHEN %(on_time)s THEN 100.0 ELSE 0.0 END AS on_time,
            CASE WHEN %(in_full)s THEN 100.0 ELSE 0.0 END AS in_full,
            CASE WHEN %(on_time)s AND %(in_full)s THEN 100.0 ELSE 0.0 END AS otif,
            so.sales_admin_days_late AS days_late,
            1 AS nbr
            """,
            on_time=on_time,
            in_full=in_full,
        )

    @api.model
    def _from(self):
        return SQL(
            """
            sale_order_line line
            JOIN sale_order so ON so.id = line.order_id
            JOIN res_partner partner ON partner.id = so.partner_id
            JOIN product_product product ON product.id = line.product_id
            JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
            """
        )

    @api.model
    def _where(self):
        return SQL(
            """
            so.state = 'sale'
            AND so.sales_admin_delivery_state IN %(states)s
            AND line.display_type IS NULL
            AND tmpl.type = 'consu'
            """,
            states=OTIF_DELIVERY_STATES,
        )

    @api.model
    def _group_by(self):
        """A row is an order line: nothing to group. An override joining one-to-many tables groups here."""
        return SQL()
