from odoo import fields, models
from odoo.tools import SQL

TRACE_STATUSES = [
    ("outgoing", "Outgoing"),
    ("process", "Processing"),
    ("pending", "Sent"),
    ("sent", "Delivered"),
    ("open", "Opened"),
    ("reply", "Replied"),
    ("bounce", "Bounced"),
    ("error", "Exception"),
    ("cancel", "Cancelled"),
]


class SalesAdminMailingResult(models.Model):
    """One row per e-mail of a mailing (``mailing.trace``) with the partner it reached: the mailing contact's
    partner (lists of customer segments link their contacts to partners), or the partner itself when the mailing
    is sent to contacts. The outcome is spelt as 0/1 columns (sums are counts) and 100/0 rates over the delivered
    e-mails (averages are percentages), as the mailing's own statistics count them."""

    _name = "sales_admin.mailing.result"
    _description = "Mailing Results per Partner"
    _auto = False
    _rec_name = "mailing_id"
    _order = "date desc, id desc"
    _depends = {
        "mailing.trace": [
            "trace_type",
            "mass_mailing_id",
            "model",
            "res_id",
            "email",
            "trace_status",
            "sent_datetime",
            "open_datetime",
            "reply_datetime",
            "links_click_datetime",
        ],
        "mailing.mailing": ["campaign_id", "sales_admin_segment_id"],
        "mailing.contact": ["partner_id"],
        "res.partner": ["commercial_partner_id", "company_id", "user_id"],
        "sales_admin.segment": ["company_id"],
    }

    mailing_id = fields.Many2one("mailing.mailing", readonly=True)
    trace_id = fields.Many2one("mailing.trace", string="Mailing Trace", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    segment_id = fields.Many2one("sales_admin.segment", string="Customer Segment", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    email = fields.Char(readonly=True)
    trace_status = fields.Selection(TRACE_STATUSES, string="Status", readonly=True)
    date = fields.Datetime(readonly=True, help="When the e-mail was sent, or prepared when it was not sent.")
    sent_datetime = fields.Datetime(string="Sent On", readonly=True)
    open_datetime = fields.Datetime(string="Opened On", readonly=True)
    click_datetime = fields.Datetime(string="Clicked On", readonly=True)
    reply_datetime = fields.Datetime(string="Replied On", readonly=True)
    recipient_count = fields.Integer(string="Recipients", readonly=True, aggregator="sum")
    sent = fields.Integer(readonly=True, aggregator="sum")
    delivered = fields.Integer(readonly=True, aggregator="sum")
    opened = fields.Integer(readonly=True, aggregator="sum")
    clicked = fields.Integer(readonly=True, aggregator="sum")
    replied = fields.Integer(readonly=True, aggregator="sum")
    bounced = fields.Integer(readonly=True, aggregator="sum")
    opened_rate = fields.Float(
        string="Opened (%)", readonly=True, aggregator="avg", help="Of the delivered e-mails (replies count as opened)."
    )
    clicked_rate = fields.Float(string="Clicked (%)", readonly=True, aggregator="avg", help="Of the delivered e-mails.")
    replied_rate = fields.Float(string="Replied (%)", readonly=True, aggregator="avg", help="Of the delivered e-mails.")
    bounced_rate = fields.Float(string="Bounced (%)", readonly=True, aggregator="avg", help="Of the sent e-mails.")

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self):
        return SQL(
            """
            SELECT trace.id AS id,
                   trace.id AS trace_id,
                   trace.mass_mailing_id AS mailing_id,
                   mailing.campaign_id,
                   mailing.sales_admin_segment_id AS segment_id,
                   partner.id AS partner_id,
                   partner.commercial_partner_id,
                   commercial.user_id,
                   COALESCE(segment.company_id, partner.company_id) AS company_id,
                   trace.email,
                   trace.trace_status,
                   COALESCE(trace.sent_datetime, trace.create_date) AS date,
                   trace.sent_datetime,
                   trace.open_datetime,
                   trace.links_click_datetime AS click_datetime,
                   trace.reply_datetime,
                   1 AS recipient_count,
                   (trace.sent_datetime IS NOT NULL)::int AS sent,
                   (trace.trace_status IN ('sent', 'open', 'reply'))::int AS delivered,
                   (trace.trace_status IN ('open', 'reply'))::int AS opened,
                   (trace.links_click_datetime IS NOT NULL)::int AS clicked,
                   (trace.trace_status = 'reply')::int AS replied,
                   (trace.trace_status = 'bounce')::int AS bounced,
                   CASE WHEN trace.trace_status IN ('sent', 'open', 'reply')
                        THEN 100.0 * (trace.trace_status IN ('open', 'reply'))::int END AS opened_rate,
                   CASE WHEN trace.trace_status IN ('sent', 'open', 'reply')
                        THEN 100.0 * (trace.links_click_datetime IS NOT NULL)::int END AS clicked_rate,
                   CASE WHEN trace.trace_status IN ('sent', 'open', 'reply')
                        THEN 100.0 * (trace.trace_status = 'reply')::int END AS replied_rate,
                   CASE WHEN trace.sent_datetime IS NOT NULL
                        THEN 100.0 * (trace.trace_status = 'bounce')::int END AS bounced_rate
            """
        )

    def _from(self):
        return SQL(
            """
              FROM mailing_trace trace
              JOIN mailing_mailing mailing ON mailing.id = trace.mass_mailing_id
         LEFT JOIN mailing_contact contact ON trace.model = 'mailing.contact' AND contact.id = trace.res_id
         LEFT JOIN res_partner partner ON partner.id = CASE WHEN trace.model = 'res.partner' THEN trace.res_id
                                                            ELSE contact.partner_id END
         LEFT JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
         LEFT JOIN sales_admin_segment segment ON segment.id = mailing.sales_admin_segment_id
            """
        )

    def _where(self):
        return SQL("WHERE trace.trace_type = 'mail'")
