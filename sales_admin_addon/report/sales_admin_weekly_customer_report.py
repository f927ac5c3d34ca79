from odoo import api, fields, models
from odoo.tools import SQL


class SalesAdminWeeklyCustomerReport(models.Model):
    """The actual weekly figures of the weekly report per customer (commercial entity): ordered, invoiced and
    collected, by the same rules, per company week, salesperson, team, category and customer. No targets (they are
    not set per customer) and no last year: the customer workbook sheet and the top customers read it."""

    _name = "sales_admin.weekly.customer.report"
    _description = "Weekly Sales Figures per Customer"
    _auto = False
    _rec_name = "partner_id"
    _order = "week_start desc, id"
    # what the query reads: pending changes of these fields are flushed before the report is read
    _depends = {
        "sale.order": ["state", "date_order", "user_id", "team_id", "company_id", "currency_rate", "partner_id"],
        "sale.order.line": ["order_id", "product_id", "price_subtotal", "display_type"],
        "account.move": [
            "move_type",
            "state",
            "invoice_date",
            "invoice_user_id",
            "team_id",
            "company_id",
            "commercial_partner_id",
        ],
        "account.move.line": ["move_id", "product_id", "balance", "display_type", "company_id", "journal_id"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date", "company_id"],
        "account.journal": ["type"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.company": ["partner_id"],
        "res.partner": ["lang", "tz", "commercial_partner_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    week_start = fields.Date(readonly=True, help="The first day of the week (the company's first weekday).")
    week_label = fields.Char(string="Week", readonly=True, help="Year and week number, e.g. 2026-W48.")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    ordered = fields.Monetary(readonly=True, help="Confirmed orders, untaxed, in company currency.")
    invoiced = fields.Monetary(readonly=True, help="Posted invoices net of credit notes, untaxed, in company currency.")
    collected = fields.Monetary(readonly=True, help="Payments matched with invoices, in company currency.")

    @property
    def _table_query(self):
        return self._query()

    @api.model
    def _query(self):
        report = self.env["sales_admin.weekly.report"]
        facts = SQL(" UNION ALL ").join(
            [
                report._ordered_sql(with_partner=True),
                report._invoiced_sql(with_partner=True),
                report._collected_sql(with_partner=True),
            ]
        )
        return SQL(
            """SELECT (hashtextextended(concat_ws(',', f.source, f.company_id, f.week_start, f.user_id, f.team_id,
                                                  f.categ_id, f.partner_id), 0) & 4503599627370495) AS id,
                      f.company_id, f.week_start, %(label)s AS week_label, f.user_id, f.team_id, f.categ_id,
                      f.partner_id,
                      CASE WHEN f.source = 'ordered' THEN f.amount END AS ordered,
                      CASE WHEN f.source = 'invoiced' THEN f.amount END AS invoiced,
                      CASE WHEN f.source = 'collected' THEN f.amount END AS collected
                 FROM (%(facts)s) f""",
            label=report._week_label_sql(SQL("f.week_start")),
            facts=facts,
        )
