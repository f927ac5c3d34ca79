from odoo import api, fields, models
from odoo.tools import SQL

AGING_BUCKETS = [
    ("current", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("90_plus", "Over 90 Days"),
]


class SalesAdminAgedReceivableReport(models.Model):
    """Aged receivables: one row per open receivable journal item (posted, on a receivable account, with an open
    residual), aged on its due date against today.

    Invoices show as positive residuals; credit notes and payments not yet matched with an invoice as negative
    ones, so a customer's total is what it owes. Amounts are in the company currency (``amount_residual``, at the
    rates of the documents) and in the document currency (``amount_residual_currency``). Today moves the buckets,
    so the query is built when read (``_table_query``) rather than kept as a view.
    """

    _name = "sales_admin.aged.receivable.report"
    _description = "Aged Receivables"
    _auto = False
    _rec_name = "move_id"
    _order = "date_maturity, id"
    # what the query reads: pending changes of these fields are flushed before the report is read
    _depends = {
        "account.move.line": [
            "move_id",
            "company_id",
            "partner_id",
            "account_id",
            "parent_state",
            "date_maturity",
            "amount_residual",
            "amount_residual_currency",
            "currency_id",
            "company_currency_id",
        ],
        "account.move": [
            "move_type",
            "invoice_date",
            "invoice_user_id",
            "sales_admin_reminder_level_id",
            "sales_admin_in_dispute",
        ],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id"],
    }

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_type = fields.Selection(
        [
            ("entry", "Journal Entry"),
            ("out_invoice", "Customer Invoice"),
            ("out_refund", "Customer Credit Note"),
            ("in_invoice", "Vendor Bill"),
            ("in_refund", "Vendor Credit Note"),
            ("out_receipt", "Sales Receipt"),
            ("in_receipt", "Purchase Receipt"),
        ],
        string="Document Type",
        readonly=True,
    )
    invoice_date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(
        readonly=True, aggregator="max", help="Days since the due date; 0 when not due yet. Grouped: the oldest."
    )
    aging_bucket = fields.Selection(AGING_BUCKETS, string="Aging", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    amount_residual = fields.Monetary(
        string="Open Amount",
        currency_field="company_currency_id",
        readonly=True,
        help="What is left to pay, in the company currency; negative for credit notes and unmatched payments.",
    )
    currency_id = fields.Many2one("res.currency", string="Document Currency", readonly=True)
    amount_residual_currency = fields.Monetary(
        string="Open Amount in Currency",
        currency_field="currency_id",
        readonly=True,
        aggregator=None,
        help="What is left to pay, in the currency of the document.",
    )
    reminder_level_id = fields.Many2one("sales_admin.reminder.level", readonly=True)
    in_dispute = fields.Boolean(readonly=True)
    nbr = fields.Integer(string="Items", readonly=True)

    # ------------------------------------------------------------
    # Query
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        return self._query()

    @api.model
    def _query(self):
        return SQL("SELECT %s FROM %s WHERE %s", self._select(), self._from(), self._where())

    @api.model
    def _days_overdue_sql(self):
        return SQL(
            "GREATEST(%s::date - COALESCE(line.date_maturity, line.date), 0)",
            fields.Date.context_today(self),
        )

    @api.model
    def _aging_bucket_sql(self):
        days = self._days_overdue_sql()
        return SQL(
            """
            CASE WHEN %(days)s = 0 THEN 'current'
                 WHEN %(days)s <= 30 THEN '1_30'
                 WHEN %(days)s <= 60 THEN '31_60'
                 WHEN %(days)s <= 90 THEN '61_90'
                 ELSE '90_plus'
            END
            """,
            days=days,
        )

    @api.model
    def _select(self):
        return SQL(
            """
            line.id AS id,
            line.company_id AS company_id,
            partner.commercial_partner_id AS partner_id,
            move.invoice_user_id AS user_id,
            line.move_id AS move_id,
            move.move_type AS move_type,
            move.invoice_date AS invoice_date,
            COALESCE(line.date_maturity, line.date) AS date_maturity,
            %(days)s AS days_overdue,
            %(bucket)s AS aging_bucket,
            line.company_currency_id AS company_currency_id,
            line.amount_residual AS amount_residual,
            line.currency_id AS currency_id,
            line.amount_residual_currency AS amount_residual_currency,
            move.sales_admin_reminder_level_id AS reminder_level_id,
            COALESCE(move.sales_admin_in_dispute, FALSE) AS in_dispute,
            1 AS nbr
            """,
            days=self._days_overdue_sql(),
            bucket=self._aging_bucket_sql(),
        )

    @api.model
    def _from(self):
        return SQL(
            """
            account_move_line line
            JOIN account_move move ON move.id = line.move_id
            JOIN account_account account ON account.id = line.account_id
            LEFT JOIN res_partner partner ON partner.id = line.partner_id
            """
        )

    @api.model
    def _where(self):
        return SQL(
            """
            line.parent_state = 'posted'
            AND account.account_type = 'asset_receivable'
            AND line.amount_residual != 0
            """
        )
