import ast

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

PREFERENCE_SOURCES = [
    ("both", "Declared or Bought"),
    ("declared", "Declared"),
    ("computed", "Bought (Order History)"),
]
OVERDUE_FILTERS = [
    ("any", "Any"),
    ("overdue", "Has Overdue Invoices"),
    ("not_overdue", "No Overdue Invoices"),
]
AUDIENCES = [
    ("customer", "Customers"),
    ("contacts", "Customers and Their Contacts"),
]
LEAVER_POLICIES = [
    ("remove", "Remove from the List"),
    ("keep", "Keep on the List"),
]


class SalesAdminSegment(models.Model):
    """A saved selection of customers for marketing: criteria on the customer (the commercial entity) combined
    with AND, a free domain for anything else, the audience (the customers or also their contact persons) and
    marketing consent. Materialised as a mailing list kept in sync."""

    _name = "sales_admin.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
        help="Customers shared by all companies or of this company; revenue and overdue figures are this company's.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, index=True
    )
    description = fields.Text()

    # criteria: each one that is set narrows the segment
    category_ids = fields.Many2many(
        "res.partner.category", string="Tags", help="Customers with at least one of these tags."
    )
    salesperson_ids = fields.Many2many(
        "res.users", string="Salespersons", help="Customers whose salesperson is one of these."
    )
    team_ids = fields.Many2many("crm.team", string="Sales Teams", help="Customers of one of these sales teams.")
    country_ids = fields.Many2many("res.country", string="Countries")
    product_ids = fields.Many2many(
        "product.product", string="Products", help="Customers who prefer at least one of these products."
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Customers who prefer at least one of these product categories.",
    )
    preference_source = fields.Selection(
        PREFERENCE_SOURCES,
        default="both",
        required=True,
        help="Which product preferences count: those declared on the customer profile, those computed from the "
        "order history, or either.",
    )
    ordered_within_days = fields.Integer(
        string="Ordered in the Last (Days)", help="Customers whose last order is at most this many days old."
    )
    not_ordered_for_days = fields.Integer(
        string="No Order for (Days)",
        help="Customers who have not ordered for at least this many days (lapsed customers; never ordered counts).",
    )
    revenue_months = fields.Integer(
        string="Revenue Period (Months)", default=12, help="How many months of invoiced revenue the band reads."
    )
    revenue_min = fields.Monetary(
        string="Revenue From", currency_field="currency_id", help="Invoiced revenue (untaxed, credit notes deducted)."
    )
    revenue_max = fields.Monetary(string="Revenue To", currency_field="currency_id", help="0 means no upper bound.")
    overdue_filter = fields.Selection(OVERDUE_FILTERS, string="Overdue Status", default="any", required=True)
    extra_domain = fields.Char(
        string="Other Conditions", default="[]", help="Any further condition on the customer, as a domain."
    )
    audience = fields.Selection(
        AUDIENCES,
        default="customer",
        required=True,
        help="Customers: the customer (company or individual) itself. Customers and Their Contacts: also the "
        "contact persons of the customers that match.",
    )
    require_consent = fields.Boolean(
        string="Marketing Consent Required",
        default=True,
        help="Leave out the partners who have not given their marketing consent.",
    )

    member_count = fields.Integer(string="Members", compute="_compute_member_count")
    mailing_list_id = fields.Many2one(
        "mailing.list", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )
    leaver_policy = fields.Selection(
        LEAVER_POLICIES,
        string="Partners Who Leave",
        default="remove",
        required=True,
        help="What a sync does with the list's contacts who no longer match the segment.",
    )
    auto_sync = fields.Boolean(string="Sync Daily", default=True, help="Keep the mailing list in sync every night.")
    last_sync_date = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        ("revenue_months_positive", "CHECK(revenue_months > 0)", "The revenue period must be at least one month."),
        (
            "days_not_negative",
            "CHECK(ordered_within_days >= 0 AND not_ordered_for_days >= 0)",
            "A number of days cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------
    # Constraints and computes
    # ------------------------------------------------------------

    @api.constrains("extra_domain")
    def _check_extra_domain(self):
        for segment in self:
            segment._parse_extra_domain()

    @api.constrains("revenue_min", "revenue_max")
    def _check_revenue_band(self):
        for segment in self:
            if segment.revenue_min < 0 or segment.revenue_max < 0:
                raise ValidationError(self.env._("A revenue band cannot be negative."))
            if segment.revenue_max and segment.revenue_max < segment.revenue_min:
                raise ValidationError(
                    self.env._("Segment %(segment)s: the revenue band ends before it starts.", segment=segment.name)
                )

    @api.depends_context("uid")
    def _compute_member_count(self):
        # one count per segment: every segment has its own domain
        Partner = self.env["res.partner"]
        for segment in self:
            segment.member_count = Partner.search_count(segment._get_partner_domain()) if segment.id else 0

    # ------------------------------------------------------------
    # Domain
    # ------------------------------------------------------------

    def _parse_extra_domain(self):
        """The free domain as a list; a ValidationError that names the segment when it is not a valid domain on
        partners."""
        self.ensure_one()
        text = (self.extra_domain or "").strip() or "[]"
        try:
            domain = ast.literal_eval(text)
            if not isinstance(domain, list | tuple):
                raise TypeError(text)
            domain = list(domain)
            # builds the SQL: unknown fields, operators or values fail here
            self.env["res.partner"].sudo()._where_calc(domain)
        except (ValueError, TypeError, SyntaxError, KeyError, AssertionError, MemoryError, RecursionError) as error:
            raise ValidationError(
                self.env._(
                    "Segment %(segment)s: the other conditions are not a valid domain on contacts (%(error)s).",
                    segment=self.name,
                    error=error,
                )
            ) from error
        return domain

    def _get_revenue_query(self, operator, amount):
        """Commercial entities whose invoiced revenue (untaxed, in company currency, credit notes deducted) over the
        segment's period compares to the amount."""
        since = fields.Date.context_today(self) - relativedelta(months=self.revenue_months)
        comparison = SQL(">=") if operator == ">=" else SQL(">")
        return SQL(
            """
            (SELECT move.commercial_partner_id
              FROM account_move move
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.company_id = %(company)s
               AND move.invoice_date >= %(since)s
               AND move.commercial_partner_id IS NOT NULL
          GROUP BY move.commercial_partner_id
            HAVING SUM(move.amount_untaxed_signed) %(comparison)s %(amount)s)
            """,
            company=self.company_id.id,
            since=since,
            comparison=comparison,
            amount=amount,
        )

    def _get_criteria_domain(self):
        """The criteria as a domain on the customers (commercial entities)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        domain = [
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if self.category_ids:
            domain.append(("category_id", "in", self.category_ids.ids))
        if self.salesperson_ids:
            domain.append(("user_id", "in", self.salesperson_ids.ids))
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        if self.country_ids:
            domain.append(("country_id", "in", self.country_ids.ids))
        for ids, declared, computed in (
            (self.product_ids.ids, "preferred_product_ids", "top_product_ids"),
            (self.product_categ_ids.ids, "preferred_categ_ids", "top_categ_ids"),
        ):
            if not ids:
                continue
            if self.preference_source == "declared":
                domain.append((declared, "in", ids))
            elif self.preference_source == "computed":
                domain.append((computed, "in", ids))
            else:
                domain += ["|", (declared, "in", ids), (computed, "in", ids)]
        if self.ordered_within_days:
            domain.append(("last_purchase_date", ">=", today - relativedelta(days=self.ordered_within_days)))
        if self.not_ordered_for_days:
            domain += [
                "|",
                ("last_purchase_date", "=", False),
                ("last_purchase_date", "<=", today - relativedelta(days=self.not_ordered_for_days)),
            ]
        if self.revenue_min > 0:
            domain.append(("id", "in", self._get_revenue_query(">=", self.revenue_min)))
        if self.revenue_max > 0:
            domain.append(("id", "not in", self._get_revenue_query(">", self.revenue_max)))
        if self.overdue_filter != "any":
            overdue = SQL(
                """
                (SELECT move.commercial_partner_id
                  FROM account_move move
                 WHERE move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state IN ('not_paid', 'partial')
                   AND move.invoice_date_due < %(today)s
                   AND move.company_id = %(company)s
                   AND move.commercial_partner_id IS NOT NULL)
                """,
                today=today,
                company=self.company_id.id,
            )
            domain.append(("id", "in" if self.overdue_filter == "overdue" else "not in", overdue))
        return expression.AND([domain, self._parse_extra_domain()])

    def _get_partner_domain(self):
        """The members: the customers that match (and their contact persons, by the audience), active, of a company
        the segment may use, with marketing consent when it is required. Members without a usable e-mail address
        are still members (labels go by post); the mailing list sync leaves them out."""
        self.ensure_one()
        customers = self.env["res.partner"].with_context(active_test=True)._search(self._get_criteria_domain())
        domain = [("company_id", "in", [False, self.company_id.id])]
        if self.audience == "customer":
            domain.append(("id", "in", customers))
        else:
            domain.append(("commercial_partner_id", "in", customers))
        if self.require_consent:
            domain.append(("sales_admin_marketing_consent", "=", True))
        return domain

    def _get_partners(self):
        """The members as a recordset (the partner list, labels, survey invitations)."""
        self.ensure_one()
        return self.env["res.partner"].search(self._get_partner_domain(), order="id")

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Members of %(segment)s", segment=self.name),
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "domain": self._get_partner_domain(),
            "context": {"create": False},
        }
