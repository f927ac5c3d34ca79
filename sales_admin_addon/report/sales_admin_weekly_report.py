from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Monday 3 January 2000: the reference day of the week arithmetic in SQL (days between two dates are integers)
REFERENCE_MONDAY = "2000-01-03"

# measure -> the actual figure it is the target, last year or snapshot of
MEASURES = ("ordered", "invoiced", "collected")


def week_label(week_start):
    """The label of the week starting on ``week_start``: "YYYY-Www", the ISO rule for any first weekday (a week
    belongs to the year holding its fourth day; week 1 holds 4 January's week)."""
    middle = week_start + timedelta(days=3)
    return f"{middle.year}-W{(middle.timetuple().tm_yday - 1) // 7 + 1:02d}"


class SalesAdminWeeklyReport(models.Model):
    """Weekly sales figures against targets, per company week, salesperson, sales team and product category.

    Actual figures, in company currency at the rate of each document's date:

    - ordered: untaxed subtotal of the product lines of confirmed orders (``state = 'sale'``; cancelled orders and
      quotations not counted), on the confirmation date (``date_order``) in the company's time zone;
    - invoiced: untaxed product lines of posted customer invoices minus those of posted credit notes, on the
      invoice date;
    - collected: the part of posted customer invoices paid by a bank, cash or card journal entry (reconciliation),
      on the day the payment met the invoice (``max_date`` of the reconciliation), attributed to the invoice's
      salesperson and team; a payment not yet matched with an invoice is not collected yet; no category (a payment
      settles an invoice, not its lines).

    Weeks begin on the first weekday of the company's language (``res.lang.week_start``, Monday for Polish, Sunday
    for American English) and are named by the ISO rule: "2026-W53". Same week last year: the week with the same
    number one year earlier (none for week 53 when last year had 52 weeks).

    Targets come from the active weekly target phasing (``sales_admin.target.line``) and snapshots from the frozen
    weekly figures (``sales_admin.weekly.snapshot.line``), as rows of their own: a target without category shows
    in the group without category.

    The actual figures are aggregated per week, salesperson, team and category inside the query (one pass over the
    documents), so grouping the report costs about what a raw aggregate of the same figures does.
    """

    _name = "sales_admin.weekly.report"
    _description = "Weekly Sales Figures"
    _auto = False
    _rec_name = "week_label"
    _order = "week_start desc, id"
    # what the query reads: pending changes of these fields are flushed before the report is read
    _depends = {
        "sale.order": ["state", "date_order", "user_id", "team_id", "company_id", "currency_rate"],
        "sale.order.line": ["order_id", "product_id", "price_subtotal", "display_type"],
        "account.move": ["move_type", "state", "invoice_date", "invoice_user_id", "team_id", "company_id"],
        "account.move.line": ["move_id", "product_id", "balance", "display_type", "company_id", "journal_id"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date", "company_id"],
        "account.journal": ["type"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.company": ["partner_id"],
        "res.partner": ["lang", "tz"],
        "sales_admin.target.line": [
            "company_id",
            "week_start",
            "user_id",
            "team_id",
            "categ_id",
            "active",
            "target_ordered",
            "target_invoiced",
            "target_collected",
        ],
        "sales_admin.weekly.snapshot.line": [
            "company_id",
            "week_start",
            "user_id",
            "team_id",
            "categ_id",
            "ordered",
            "invoiced",
            "collected",
        ],
    }

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    week_start = fields.Date(readonly=True, help="The first day of the week (the company's first weekday).")
    week_label = fields.Char(string="Week", readonly=True, help="Year and week number, e.g. 2026-W48.")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    source = fields.Selection(
        [
            ("ordered", "Orders"),
            ("invoiced", "Invoices"),
            ("collected", "Payments"),
            ("target", "Targets"),
            ("snapshot", "Snapshot"),
        ],
        readonly=True,
        help="Where the row comes from: the figures of one kind of document, the targets or the frozen snapshot.",
    )
    ordered = fields.Monetary(readonly=True, help="Confirmed orders, untaxed, in company currency.")
    invoiced = fields.Monetary(readonly=True, help="Posted invoices net of credit notes, untaxed, in company currency.")
    collected = fields.Monetary(readonly=True, help="Payments matched with invoices, in company currency.")
    target_ordered = fields.Monetary(string="Ordered Target", readonly=True)
    target_invoiced = fields.Monetary(string="Invoiced Target", readonly=True)
    target_collected = fields.Monetary(string="Collected Target", readonly=True)
    variance_ordered = fields.Monetary(string="Ordered Variance", readonly=True, help="Ordered minus its target.")
    variance_invoiced = fields.Monetary(string="Invoiced Variance", readonly=True, help="Invoiced minus its target.")
    variance_collected = fields.Monetary(string="Collected Variance", readonly=True, help="Collected minus its target.")
    attainment_ordered = fields.Float(
        string="Ordered Attainment (%)",
        digits=(16, 1),
        readonly=True,
        help="Ordered as a percentage of its target; for a group, the group's ordered over the group's target.",
    )
    attainment_invoiced = fields.Float(
        string="Invoiced Attainment (%)",
        digits=(16, 1),
        readonly=True,
        help="Invoiced as a percentage of its target; for a group, the group's invoiced over the group's target.",
    )
    attainment_collected = fields.Float(
        string="Collected Attainment (%)",
        digits=(16, 1),
        readonly=True,
        help="Collected as a percentage of its target; for a group, the group's collected over the group's target.",
    )
    ordered_last_year = fields.Monetary(readonly=True)
    invoiced_last_year = fields.Monetary(readonly=True)
    collected_last_year = fields.Monetary(readonly=True)
    snapshot_ordered = fields.Monetary(
        string="Ordered (Snapshot)", readonly=True, help="Ordered as frozen by the weekly snapshot."
    )
    snapshot_invoiced = fields.Monetary(
        string="Invoiced (Snapshot)", readonly=True, help="Invoiced as frozen by the weekly snapshot."
    )
    snapshot_collected = fields.Monetary(
        string="Collected (Snapshot)", readonly=True, help="Collected as frozen by the weekly snapshot."
    )

    # ------------------------------------------------------------
    # Query
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        # a reader of a few days only (the cockpit's week) passes them in the context: the actual figures of the
        # other days are not computed (their weeks, and last year's figures, are then incomplete)
        bounds = self.env.context.get("sales_admin_weekly_bounds")
        if bounds:
            return self._query(*(fields.Date.to_date(day) for day in bounds))
        return self._query()

    @api.model
    def _company_week_sql(self):
        """Per company: its time zone and first weekday (0 = Monday ... 6 = Sunday) from its partner's language,
        as the target phasing reads them (no language: American English, whose weeks begin on Sunday)."""
        return SQL(
            """(SELECT c.id, COALESCE(NULLIF(p.tz, ''), 'UTC') AS tz,
                       mod(COALESCE(NULLIF(lg.week_start, '')::int, 7) + 6, 7) AS first_dow
                  FROM res_company c
                  JOIN res_partner p ON p.id = c.partner_id
             LEFT JOIN res_lang lg ON lg.code = COALESCE(p.lang, 'en_US'))"""
        )

    @api.model
    def _week_start_sql(self, day):
        """The first day of the company week holding ``day`` (a date expression; ``cw.first_dow`` in scope)."""
        return SQL(
            "(%(day)s - mod(mod((%(day)s) - DATE %(ref)s - cw.first_dow, 7) + 7, 7))",
            day=day,
            ref=REFERENCE_MONDAY,
        )

    @api.model
    def _bounds_sql(self, column, date_from, date_to, margin=0):
        """``column`` within [date_from - margin, date_to + margin] days (no bound when the dates are None)."""
        if not date_from:
            return SQL()
        return SQL(
            "AND %s >= %s AND %s < %s",
            column,
            date_from - timedelta(days=margin),
            column,
            date_to + timedelta(days=1 + margin),
        )

    @api.model
    def _ordered_sql(self, with_partner=False, date_from=None, date_to=None):
        """Confirmed orders per company week, salesperson, team and category (and customer ``with_partner``);
        only those of the days ``date_from`` .. ``date_to`` when given."""
        day = SQL("(timezone(cw.tz, timezone('UTC', s.date_order)))::date")
        return SQL(
            """SELECT 'ordered' AS source, s.company_id, %(week)s AS week_start, s.user_id, s.team_id, pt.categ_id,
                      %(partner)s SUM(l.price_subtotal::float8 / COALESCE(NULLIF(s.currency_rate, 0), 1)::float8)
                      AS amount
                 FROM sale_order_line l
                 JOIN sale_order s ON s.id = l.order_id
                 JOIN %(cw)s cw ON cw.id = s.company_id
            LEFT JOIN product_product pp ON pp.id = l.product_id
            LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 %(partner_join)s
                WHERE s.state = 'sale'
                  AND l.display_type IS NULL
                  %(bounds)s
             GROUP BY s.company_id, 3, s.user_id, s.team_id, pt.categ_id %(partner_group)s""",
            week=self._week_start_sql(day),
            cw=self._company_week_sql(),
            partner=SQL("cp.commercial_partner_id AS partner_id,") if with_partner else SQL(),
            partner_join=SQL("LEFT JOIN res_partner cp ON cp.id = s.partner_id") if with_partner else SQL(),
            # a day in any time zone lies within a day of the same UTC day: the exact day is the week's business
            bounds=self._bounds_sql(SQL("s.date_order"), date_from, date_to, margin=1),
            partner_group=SQL(", cp.commercial_partner_id") if with_partner else SQL(),
        )

    @api.model
    def _invoiced_sql(self, with_partner=False, date_from=None, date_to=None):
        """Posted invoices net of credit notes per company week, salesperson, team and category (and customer)."""
        return SQL(
            """SELECT 'invoiced' AS source, m.company_id, %(week)s AS week_start, m.invoice_user_id, m.team_id,
                      pt.categ_id, %(partner)s SUM(-aml.balance::float8) AS amount
                 FROM account_move_line aml
                 JOIN account_move m ON m.id = aml.move_id
                 JOIN %(cw)s cw ON cw.id = m.company_id
            LEFT JOIN product_product pp ON pp.id = aml.product_id
            LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE m.move_type IN ('out_invoice', 'out_refund')
                  AND m.state = 'posted'
                  AND aml.display_type = 'product'
                  %(bounds)s
             GROUP BY m.company_id, 3, m.invoice_user_id, m.team_id, pt.categ_id %(partner_group)s""",
            week=self._week_start_sql(SQL("m.invoice_date")),
            bounds=self._bounds_sql(SQL("m.invoice_date"), date_from, date_to),
            cw=self._company_week_sql(),
            partner=SQL("m.commercial_partner_id AS partner_id,") if with_partner else SQL(),
            partner_group=SQL(", m.commercial_partner_id") if with_partner else SQL(),
        )

    @api.model
    def _collected_sql(self, with_partner=False, date_from=None, date_to=None):
        """Payments matched with invoices per company week, salesperson and team (and customer)."""
        return SQL(
            """SELECT 'collected' AS source, m.company_id, %(week)s AS week_start, m.invoice_user_id, m.team_id,
                      NULL::int AS categ_id, %(partner)s SUM(pr.amount::float8) AS amount
                 FROM account_partial_reconcile pr
                 JOIN account_move_line dl ON dl.id = pr.debit_move_id
                 JOIN account_move m ON m.id = dl.move_id
                 JOIN account_move_line cl ON cl.id = pr.credit_move_id
                 JOIN account_journal j ON j.id = cl.journal_id
                 JOIN %(cw)s cw ON cw.id = m.company_id
                WHERE m.move_type = 'out_invoice'
                  AND m.state = 'posted'
                  AND cl.parent_state = 'posted'
                  AND j.type IN ('bank', 'cash', 'credit')
                  %(bounds)s
             GROUP BY m.company_id, 3, m.invoice_user_id, m.team_id %(partner_group)s""",
            week=self._week_start_sql(SQL("pr.max_date")),
            bounds=self._bounds_sql(SQL("pr.max_date"), date_from, date_to),
            cw=self._company_week_sql(),
            partner=SQL("m.commercial_partner_id AS partner_id,") if with_partner else SQL(),
            partner_group=SQL(", m.commercial_partner_id") if with_partner else SQL(),
        )

    @api.model
    def _week_label_sql(self, week_start):
        middle = SQL("(%s + 3)", week_start)
        return SQL(
            "(to_char(%(m)s, 'YYYY') || '-W' || lpad(((EXTRACT(DOY FROM %(m)s)::int - 1) / 7 + 1)::text, 2, '0'))",
            m=middle,
        )

    @api.model
    def _next_year_week_sql(self, week_start):
        """The start of the week with the same number one year later: 52 or 53 weeks later (week n of next year
        comes as many weeks after week n as this year has weeks), none for week 53."""

        def number(day):
            return SQL("((EXTRACT(DOY FROM %s)::int - 1) / 7 + 1)", day)

        def year(day):
            return SQL("EXTRACT(YEAR FROM %s)", day)

        middle = SQL("(%s + 3)", week_start)
        later = SQL("(%s + 367)", week_start)
        return SQL(
            """(CASE WHEN %(n)s = 53 THEN NULL
                     WHEN %(later_year)s = %(year)s + 1 AND %(later_n)s = %(n)s THEN %(ws)s + 364
                     ELSE %(ws)s + 371 END)""",
            n=number(middle),
            year=year(middle),
            later_year=year(later),
            later_n=number(later),
            ws=week_start,
        )

    @api.model
    def _query(self, date_from=None, date_to=None):
        """The report's query; with ``date_from`` .. ``date_to``, the actual figures of those days only (their
        weeks are then exact; the snapshot cron reads one week so)."""
        # actual figures: each aggregated row shows in its own week and, as last year's, one year later
        bounds = {"date_from": date_from, "date_to": date_to}
        actual = SQL(" UNION ALL ").join(
            [self._ordered_sql(**bounds), self._invoiced_sql(**bounds), self._collected_sql(**bounds)]
        )
        actual_rows = SQL(
            """SELECT a.source, a.company_id, v.week_start, a.user_id, a.team_id, a.categ_id,
                      %(ordered)s AS ordered, %(invoiced)s AS invoiced, %(collected)s AS collected,
                      NULL::float8 AS target_ordered, NULL::float8 AS target_invoiced,
                      NULL::float8 AS target_collected,
                      %(ordered_ly)s AS ordered_last_year, %(invoiced_ly)s AS invoiced_last_year,
                      %(collected_ly)s AS collected_last_year,
                      NULL::float8 AS snapshot_ordered, NULL::float8 AS snapshot_invoiced,
                      NULL::float8 AS snapshot_collected, v.last_year
                 FROM (%(actual)s) a
                CROSS JOIN LATERAL (VALUES (a.week_start, false), (%(next)s, true)) v(week_start, last_year)
                WHERE v.week_start IS NOT NULL""",
            actual=actual,
            next=self._next_year_week_sql(SQL("a.week_start")),
            **{
                key: SQL(
                    "CASE WHEN a.source = %s AND v.last_year = %s THEN a.amount END",
                    measure,
                    key.endswith("_ly"),
                )
                for measure in MEASURES
                for key in (measure, f"{measure}_ly")
            },
        )
        target_rows = SQL(
            """SELECT 'target', tl.company_id, tl.week_start, tl.user_id, tl.team_id, tl.categ_id,
                      NULL, NULL, NULL, tl.target_ordered::float8, tl.target_invoiced::float8,
                      tl.target_collected::float8, NULL, NULL, NULL, NULL, NULL, NULL, false
                 FROM sales_admin_target_line tl
                WHERE tl.active"""
        )
        snapshot_rows = SQL(
            """SELECT 'snapshot', sl.company_id, sl.week_start, sl.user_id, sl.team_id, sl.categ_id,
                      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                      sl.ordered::float8, sl.invoiced::float8, sl.collected::float8, false
                 FROM sales_admin_weekly_snapshot_line sl"""
        )
        # a stable id from the row's key, below 2**52 so that the web client keeps it exact
        return SQL(
            """SELECT (hashtextextended(concat_ws(',', r.source, r.company_id, r.week_start, r.user_id, r.team_id,
                                                  r.categ_id, r.last_year), 0) & 4503599627370495) AS id,
                      r.source, r.company_id, r.week_start, %(label)s AS week_label, r.user_id, r.team_id,
                      r.categ_id, r.ordered, r.invoiced, r.collected, r.target_ordered, r.target_invoiced,
                      r.target_collected,
                      COALESCE(r.ordered, 0) - COALESCE(r.target_ordered, 0) AS variance_ordered,
                      COALESCE(r.invoiced, 0) - COALESCE(r.target_invoiced, 0) AS variance_invoiced,
                      COALESCE(r.collected, 0) - COALESCE(r.target_collected, 0) AS variance_collected,
                      100 * r.ordered / NULLIF(r.target_ordered, 0) AS attainment_ordered,
                      100 * r.invoiced / NULLIF(r.target_invoiced, 0) AS attainment_invoiced,
                      100 * r.collected / NULLIF(r.target_collected, 0) AS attainment_collected,
                      r.ordered_last_year, r.invoiced_last_year, r.collected_last_year,
                      r.snapshot_ordered, r.snapshot_invoiced, r.snapshot_collected
                 FROM (%(actual)s UNION ALL %(targets)s UNION ALL %(snapshots)s) r""",
            label=self._week_label_sql(SQL("r.week_start")),
            actual=actual_rows,
            targets=target_rows,
            snapshots=snapshot_rows,
        )

    # ------------------------------------------------------------
    # Grouping
    # ------------------------------------------------------------

    def _read_group_select(self, aggregate_spec, query):
        """A group's attainment is its actual over its target (not a sum of row percentages)."""
        fname, __, func = aggregate_spec.partition(":")
        if fname.startswith("attainment_") and fname in self._fields and func in ("sum", "avg"):
            measure = fname.removeprefix("attainment_")
            return SQL(
                "ROUND((100 * COALESCE(SUM(%s), 0) / NULLIF(SUM(%s), 0))::numeric, 1)",
                self._field_to_sql(self._table, measure, query),
                self._field_to_sql(self._table, f"target_{measure}", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _first_weekday(self, company):
        """The company's first weekday, 0 = Monday ... 6 = Sunday, as the query reads it."""
        lang = (
            self.env["res.lang"]
            .with_context(active_test=False)
            .search([("code", "=", company.partner_id.lang or "en_US")], limit=1)
        )
        return (int(lang.week_start) - 1) % 7 if lang.week_start else 6

    @api.model
    def _week_bounds(self, company, day):
        """(first day, last day) of the company week holding ``day``."""
        start = day - timedelta(days=(day.weekday() - self._first_weekday(company)) % 7)
        return start, start + timedelta(days=6)
