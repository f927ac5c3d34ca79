from odoo import fields, models
from odoo.tools import SQL


class SalesAdminCampaignReport(models.Model):
    """Revenue per UTM campaign: one row per quotation carrying a campaign (quotations, confirmed amount, invoiced
    amount, in the company currency and untaxed) and one row per e-mail of the campaign's mailings (recipients), so a
    pivot by campaign, mailing, salesperson, team, company or month puts the audience next to what it brought (the
    recipients' salesperson is their customer's; customers have no sales team without CRM, so recipients have none).

    The mailing of a quotation is the one whose UTM source the quotation carries (the source of each mailing is its
    own). Invoiced amounts are the posted customer invoices and credit notes of the order's lines."""

    _name = "sales_admin.campaign.report"
    _description = "Campaign Revenue Analysis"
    _auto = False
    _rec_name = "campaign_id"
    _order = "date desc, id desc"
    _depends = {
        "sale.order": [
            "campaign_id",
            "source_id",
            "medium_id",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "date_order",
            "state",
            "amount_untaxed",
            "currency_rate",
        ],
        "sale.order.line": ["order_id", "invoice_lines"],
        "account.move.line": ["balance", "move_id"],
        "account.move": ["state", "move_type"],
        "mailing.trace": ["mass_mailing_id", "model", "res_id", "sent_datetime"],
        "mailing.mailing": ["campaign_id", "source_id", "medium_id", "sales_admin_segment_id"],
        "mailing.contact": ["partner_id"],
        "res.partner": ["commercial_partner_id", "company_id", "user_id"],
        "sales_admin.segment": ["company_id"],
    }

    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    mailing_id = fields.Many2one("mailing.mailing", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    date = fields.Datetime(readonly=True, help="The order date of a quotation, the sending date of an e-mail.")
    recipient_count = fields.Integer(string="Recipients", readonly=True, aggregator="sum")
    quotation_count = fields.Integer(string="Quotations", readonly=True, aggregator="sum")
    order_count = fields.Integer(string="Orders", readonly=True, aggregator="sum")
    amount_ordered = fields.Monetary(
        string="Ordered", readonly=True, aggregator="sum", help="Confirmed orders, untaxed, in the company currency."
    )
    amount_invoiced = fields.Monetary(
        string="Invoiced",
        readonly=True,
        aggregator="sum",
        help="Posted invoices less credit notes of the orders, untaxed, in the company currency.",
    )

    @property
    def _table_query(self):
        return SQL("%s UNION ALL %s", self._query_orders(), self._query_recipients())

    def _query_orders(self):
        return SQL(
            """
            SELECT so.id * 2 AS id,
                   so.campaign_id,
                   mailing.id AS mailing_id,
                   so.source_id,
                   so.medium_id,
                   so.id AS order_id,
                   so.partner_id,
                   so.user_id,
                   so.team_id,
                   so.company_id,
                   so.date_order AS date,
                   0 AS recipient_count,
                   1 AS quotation_count,
                   (so.state = 'sale')::int AS order_count,
                   CASE WHEN so.state = 'sale'
                        THEN so.amount_untaxed / CASE COALESCE(so.currency_rate, 0) WHEN 0 THEN 1.0
                                                      ELSE so.currency_rate END
                        ELSE 0 END AS amount_ordered,
                   COALESCE(invoiced.amount, 0) AS amount_invoiced
              FROM sale_order so
         LEFT JOIN LATERAL (SELECT source_mailing.id
                              FROM mailing_mailing source_mailing
                             WHERE source_mailing.source_id = so.source_id
                          ORDER BY source_mailing.id
                             LIMIT 1) mailing ON TRUE
         LEFT JOIN LATERAL (SELECT SUM(-aml.balance) AS amount
                              FROM sale_order_line sol
                              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                              JOIN account_move move ON move.id = aml.move_id
                             WHERE sol.order_id = so.id
                               AND move.state = 'posted'
                               AND move.move_type IN ('out_invoice', 'out_refund')) invoiced ON TRUE
             WHERE so.campaign_id IS NOT NULL
               AND so.state != 'cancel'
            """
        )

    def _query_recipients(self):
        return SQL(
            """
            SELECT trace.id * 2 + 1 AS id,
                   mailing.campaign_id,
                   mailing.id AS mailing_id,
                   mailing.source_id,
                   mailing.medium_id,
                   NULL::integer AS order_id,
                   partner.commercial_partner_id AS partner_id,
                   commercial.user_id,
                   NULL::integer AS team_id,
                   COALESCE(segment.company_id, partner.company_id) AS company_id,
                   trace.sent_datetime AS date,
                   1 AS recipient_count,
                   0 AS quotation_count,
                   0 AS order_count,
                   0 AS amount_ordered,
                   0 AS amount_invoiced
              FROM mailing_trace trace
              JOIN mailing_mailing mailing ON mailing.id = trace.mass_mailing_id
         LEFT JOIN mailing_contact contact ON trace.model = 'mailing.contact' AND contact.id = trace.res_id
         LEFT JOIN res_partner partner ON partner.id = CASE WHEN trace.model = 'res.partner' THEN trace.res_id
                                                            ELSE contact.partner_id END
         LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
         LEFT JOIN sales_admin_segment segment ON segment.id = mailing.sales_admin_segment_id
             WHERE mailing.campaign_id IS NOT NULL
               AND trace.sent_datetime IS NOT NULL
            """
        )
