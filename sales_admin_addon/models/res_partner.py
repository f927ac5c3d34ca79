import threading
from datetime import timedelta

import psycopg2

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, format_amount, format_date, format_datetime
from odoo.tools.sql import create_index

SALESMAN = "sales_team.group_sale_salesman"
SALESMAN_ALL = "sales_team.group_sale_salesman_all_leads"
# who sees the accounting figures of the customer 360 (overdue amount, reminders, payment promise)
ACCOUNTING_360 = "account.group_account_invoice,sales_admin_addon.sales_admin_addon_group_user"
# how many products and categories the profile keeps from the order history
TOP_PRODUCTS = 5
TOP_CATEGORIES = 3
# how a customer pays (see _get_sales_admin_card_domain) and whether all it needs for that is there
PAYMENT_KINDS = [("bank_transfer", "Bank Transfer"), ("card", "Card")]
PAYMENT_SETUP_STATES = [
    ("no_method", "No Payment Method"),
    ("no_bank_account", "Bank Transfer: No Bank Account"),
    ("bank_not_validated", "Bank Transfer: Account Not Validated"),
    ("no_card_token", "Card: No Saved Card"),
    ("ready", "Ready"),
]
# how a partner gave (or withdrew) marketing consent
CONSENT_SOURCES = [
    ("staff", "Entered by Staff"),
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("web_form", "Web Form"),
    ("portal", "Portal"),
    ("survey", "Survey"),
    ("import", "Import"),
    ("unsubscribe", "Unsubscribe Link"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    # Correspondence address: one of the company's own child addresses of type "Other Address", chosen here.
    # A new value in `type` (selection_add) would have to be taught to every place of Odoo that switches on the
    # address type (address_get, portal and website address forms, the contact kanban, reports) and be converted
    # back on uninstall; a many2one says which of possibly several "other" addresses (warehouse, branch, P.O. box)
    # takes the letters, and leaves Odoo's address types as they are.
    correspondence_partner_id = fields.Many2one(
        "res.partner",
        string="Correspondence Address",
        domain="[('parent_id', '=', id), ('type', '=', 'other')]",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="Where letters are posted: one of the company's addresses of type 'Other Address'. "
        "When empty, letters go to the invoice address, then to the company's own address.",
    )

    # Billing data. Only the company-independent items are stored; the payment terms are company-dependent
    # (property_payment_term_id), so the score and the list that include them are computed for the current
    # company when read, and searched through billing_complete.
    billing_missing_keys = fields.Char(
        compute="_compute_billing_missing_keys",
        store=True,
        groups="base.group_user",
        help="Technical: the company-independent billing data the commercial entity lacks, as keys.",
    )
    billing_score = fields.Integer(
        string="Billing Data Score",
        compute="_compute_billing_score",
        groups="base.group_user",
        help="Share of the billing data (tax ID, invoice address, invoicing e-mail, bank account, payment terms) "
        "that the customer has, from 0 to 100.",
    )
    billing_missing = fields.Char(
        string="Missing Billing Data",
        compute="_compute_billing_score",
        groups="base.group_user",
    )
    billing_complete = fields.Boolean(
        string="Billing Data Complete",
        compute="_compute_billing_score",
        search="_search_billing_complete",
        groups="base.group_user",
    )

    # Product preferences declared by the customer
    preferred_product_ids = fields.Many2many(
        "product.product",
        relation="res_partner_preferred_product_rel",
        column1="partner_id",
        column2="product_id",
        string="Preferred Products",
        domain="[('sale_ok', '=', True)]",
        copy=False,
        groups=SALESMAN,
    )
    preferred_categ_ids = fields.Many2many(
        "product.category",
        relation="res_partner_preferred_categ_rel",
        column1="partner_id",
        column2="categ_id",
        string="Preferred Product Categories",
        copy=False,
        groups=SALESMAN,
    )
    product_preference_note = fields.Text(string="Preference Notes", copy=False, groups=SALESMAN)

    # Product preferences from the order history: written by _refresh_product_preferences (order confirmation
    # and the daily cron), not computed fields, as they depend on other tables and on the date.
    top_product_ids = fields.Many2many(
        "product.product",
        relation="res_partner_top_product_rel",
        column1="partner_id",
        column2="product_id",
        string="Top Products",
        readonly=True,
        copy=False,
        groups=SALESMAN,
        help="The products found on most confirmed orders of the customer.",
    )
    top_categ_ids = fields.Many2many(
        "product.category",
        relation="res_partner_top_categ_rel",
        column1="partner_id",
        column2="categ_id",
        string="Top Product Categories",
        readonly=True,
        copy=False,
        groups=SALESMAN,
        help="The product categories found on most confirmed orders of the customer.",
    )
    last_purchase_date = fields.Date(readonly=True, copy=False, groups=SALESMAN)
    reorder_interval_days = fields.Integer(
        string="Typical Reorder Interval (Days)",
        readonly=True,
        copy=False,
        groups=SALESMAN,
        help="Median number of days between two order dates of the customer; empty with fewer than two.",
    )
    reorder_date = fields.Date(
        string="Expected Reorder Date",
        readonly=True,
        copy=False,
        index=True,
        groups=SALESMAN,
        help="Last purchase date plus the typical reorder interval.",
    )
    reorder_due = fields.Boolean(
        string="Due to Reorder",
        readonly=True,
        copy=False,
        index=True,
        groups=SALESMAN,
        help="The expected reorder date has passed without a new order.",
    )
    product_preferences_date = fields.Date(
        string="Preferences Refreshed On",
        readonly=True,
        copy=False,
        groups=SALESMAN,
    )
    sales_admin_visit_ids = fields.One2many("sales_admin.visit", "partner_id", string="Visits")
    sales_admin_visit_count = fields.Integer(string="Visit Count", compute="_compute_sales_admin_visit_count")
    visit_frequency = fields.Integer(
        string="Visit Every (Days)",
        help="How often the customer is visited. Empty: the shortest frequency of the customer's tags.",
    )
    visit_frequency_effective = fields.Integer(
        string="Visit Cadence (Days)",
        compute="_compute_visit_frequency_effective",
        store=True,
        help="The customer's own frequency, else the shortest of its tags'.",
    )
    last_visit_date = fields.Date(compute="_compute_visit_dates", store=True)
    next_visit_date = fields.Datetime(string="Next Planned Visit", compute="_compute_visit_dates", store=True)
    visit_due_date = fields.Date(
        compute="_compute_visit_due_date",
        store=True,
        index="btree_not_null",
        help="When the next visit is due by the cadence: the last visit plus the frequency "
        "(a customer never visited is due from the day it was created).",
    )

    # both move with the date: stored for search, group-by and reports, and brought to today by a nightly cron
    # that rewrites only the customers whose figure changed (see _cron_refresh_visit_cadence_state)
    days_since_last_visit = fields.Integer(
        compute="_compute_visit_cadence_state",
        store=True,
        aggregator="avg",
        help="Days since the last visit done (0 when never visited).",
    )
    visit_overdue = fields.Boolean(
        compute="_compute_visit_cadence_state",
        store=True,
        help="The visit due by the cadence is past.",
    )

    # customer requests, deliveries and satisfaction (computed on read, for the batch)
    sales_admin_ticket_count = fields.Integer(
        string="Request Count", compute="_compute_sales_admin_ticket_count", groups=SALESMAN
    )
    sales_admin_otif_rate_12m = fields.Float(
        string="On Time In Full (12 Months)",
        compute="_compute_sales_admin_otif_12m",
        digits=(16, 1),
        groups=SALESMAN,
        help="Share of the customer's goods lines delivered by the promised day and in full, over the lines "
        "promised in the last 12 months whose delivery is done or already late (On-Time Delivery report).",
    )
    sales_admin_otif_lines_12m = fields.Integer(
        string="Lines Rated (12 Months)", compute="_compute_sales_admin_otif_12m", groups=SALESMAN
    )
    sales_admin_open_order_count = fields.Integer(
        string="Open Orders", compute="_compute_sales_admin_order_counts", groups=SALESMAN
    )
    sales_admin_late_order_count = fields.Integer(
        string="Late Orders", compute="_compute_sales_admin_order_counts", groups=SALESMAN
    )
    sales_admin_satisfaction_12m = fields.Float(
        string="Satisfaction (12 Months)",
        compute="_compute_sales_admin_satisfaction_12m",
        digits=(16, 1),
        groups=SALESMAN,
        help="Average score (%) of the satisfaction surveys the customer answered after its tickets were solved "
        "and after its visits, over the last 12 months.",
    )
    sales_admin_satisfaction_answers_12m = fields.Integer(
        string="Surveys Answered (12 Months)", compute="_compute_sales_admin_satisfaction_12m", groups=SALESMAN
    )

    # ------------------------------------------------------------
    # Compute and search methods
    # ------------------------------------------------------------

    @api.depends(
        "is_company",
        "parent_id",
        "vat",
        "email",
        "street",
        "city",
        "zip",
        "country_id.zip_required",
        "bank_ids.active",
        "child_ids.active",
        "child_ids.type",
        "child_ids.is_company",
        "child_ids.email",
        "child_ids.street",
        "child_ids.city",
        "child_ids.zip",
        "child_ids.country_id.zip_required",
    )
    def _compute_billing_missing_keys(self):
        for partner in self:
            if partner.parent_id and not partner.is_company:
                # a contact of a company: its company's billing data count
                partner.billing_missing_keys = False
                continue
            invoice_address = partner._get_invoice_address()
            missing = []
            if not partner.vat:
                missing.append("vat")
            if not invoice_address._has_postal_address():
                missing.append("invoice_address")
            if not email_normalize(invoice_address.email or ""):
                missing.append("invoice_email")
            if not partner.bank_ids:
                missing.append("bank_account")
            partner.billing_missing_keys = ",".join(missing) or False

    @api.depends_context("company")
    @api.depends("commercial_partner_id.billing_missing_keys", "commercial_partner_id.property_payment_term_id")
    def _compute_billing_score(self):
        items = self._get_billing_data_items()
        for partner in self:
            commercial_partner = partner.commercial_partner_id
            missing = (commercial_partner.billing_missing_keys or "").split(",")
            if not commercial_partner.property_payment_term_id:
                missing.append("payment_terms")
            missing = [key for key in items if key in missing]
            partner.billing_score = round(100 * (len(items) - len(missing)) / len(items))
            partner.billing_missing = ", ".join(items[key] for key in missing)
            partner.billing_complete = not missing

    def _search_billing_complete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Billing data can only be searched as complete or incomplete."))
        if (operator == "=") == value:
            return [
                ("commercial_partner_id.billing_missing_keys", "=", False),
                ("commercial_partner_id.property_payment_term_id", "!=", False),
            ]
        return [
            "|",
            ("commercial_partner_id.billing_missing_keys", "!=", False),
            ("commercial_partner_id.property_payment_term_id", "=", False),
        ]

    def _compute_sales_admin_visit_count(self):
        counts = dict(
            self.env["sales_admin.visit"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sales_admin_visit_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("visit_frequency", "category_id.sales_admin_visit_frequency")
    def _compute_visit_frequency_effective(self):
        for partner in self:
            tag_frequencies = [freq for freq in partner.category_id.mapped("sales_admin_visit_frequency") if freq > 0]
            partner.visit_frequency_effective = partner.visit_frequency or min(tag_frequencies, default=0)

    @api.depends(
        "sales_admin_visit_ids.state", "sales_admin_visit_ids.checkout_date", "sales_admin_visit_ids.planned_start"
    )
    def _compute_visit_dates(self):
        visits = self.env["sales_admin.visit"].sudo()
        partners = self.filtered("id")
        last = dict(
            visits._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "done")], ["partner_id"], ["checkout_date:max"]
            )
        )
        upcoming = dict(
            visits._read_group(
                [("partner_id", "in", partners.ids), ("state", "in", ("proposed", "planned"))],
                ["partner_id"],
                ["planned_start:min"],
            )
        )
        for partner in self:
            last_checkout = last.get(partner)
            partner.last_visit_date = last_checkout and fields.Date.context_today(partner, last_checkout)
            partner.next_visit_date = upcoming.get(partner, False)

    @api.depends("last_visit_date", "visit_frequency_effective", "create_date")
    def _compute_visit_due_date(self):
        for partner in self:
            if not partner.visit_frequency_effective:
                partner.visit_due_date = False
            elif partner.last_visit_date:
                partner.visit_due_date = partner.last_visit_date + timedelta(days=partner.visit_frequency_effective)
            else:
                partner.visit_due_date = (partner.create_date or fields.Datetime.now()).date()

    @api.depends("last_visit_date", "visit_due_date")
    def _compute_visit_cadence_state(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.days_since_last_visit = (today - partner.last_visit_date).days if partner.last_visit_date else 0
            partner.visit_overdue = bool(partner.visit_due_date and partner.visit_due_date < today)

    def _compute_sales_admin_ticket_count(self):
        counts = dict(
            self.env["sales_admin.ticket"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sales_admin_ticket_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_sales_admin_otif_12m(self):
        rates = {
            partner: (rate, count)
            for partner, rate, count in self.env["sales_admin.otif.report"]._read_group(
                self._get_sales_admin_otif_12m_domain(), ["partner_id"], ["otif:avg", "__count"]
            )
        }
        for partner in self:
            rate, count = rates.get(partner.commercial_partner_id._origin, (0.0, 0))
            partner.sales_admin_otif_rate_12m = rate
            partner.sales_admin_otif_lines_12m = count

    def _compute_sales_admin_order_counts(self):
        # one query for the batch: the confirmed orders counted per contact, progress and delivery state, then
        # sorted as the two domains above do
        open_counts, late_counts = {}, {}
        for contact, progress, delivery_state, count in self.env["sale.order"]._read_group(
            [
                ("partner_id.commercial_partner_id", "in", self.commercial_partner_id._origin.ids),
                ("state", "=", "sale"),
            ],
            ["partner_id", "sales_admin_progress", "sales_admin_delivery_state"],
            ["__count"],
        ):
            partner = contact.commercial_partner_id
            if progress not in ("paid", "cancel"):
                open_counts[partner] = open_counts.get(partner, 0) + count
            if delivery_state == "late":
                late_counts[partner] = late_counts.get(partner, 0) + count
        for partner in self:
            partner.sales_admin_open_order_count = open_counts.get(partner.commercial_partner_id._origin, 0)
            partner.sales_admin_late_order_count = late_counts.get(partner.commercial_partner_id._origin, 0)

    def _compute_sales_admin_satisfaction_12m(self):
        """Satisfaction surveys answered after tickets and after visits: one average over all the answers."""
        since = fields.Datetime.subtract(fields.Datetime.now(), months=12)
        totals = {}
        for model in self._get_sales_admin_satisfaction_models():
            for partner, score_sum, count in self.env[model]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id._origin.ids),
                    ("satisfaction_state", "=", "answered"),
                    ("satisfaction_date", ">=", since),
                ],
                ["partner_id"],
                ["satisfaction_score:sum", "__count"],
            ):
                total, answers = totals.get(partner, (0.0, 0))
                totals[partner] = (total + score_sum, answers + count)
        for partner in self:
            total, count = totals.get(partner.commercial_partner_id._origin, (0.0, 0))
            partner.sales_admin_satisfaction_12m = total / count if count else 0.0
            partner.sales_admin_satisfaction_answers_12m = count

    @api.model
    def _get_sales_admin_satisfaction_models(self):
        """The documents whose satisfaction surveys make the customer's satisfaction figures."""
        return ["sales_admin.ticket", "sales_admin.visit"]

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("correspondence_partner_id", "type", "parent_id")
    def _check_correspondence_partner_id(self):
        # checked from both sides: the company that points at an address, and the address when it changes
        partners = self | self.search([("correspondence_partner_id", "in", self.ids)])
        for partner in partners.filtered("correspondence_partner_id"):
            address = partner.correspondence_partner_id
            if (
                address == partner
                or address.type != "other"
                or address.commercial_partner_id != partner
                or partner.commercial_partner_id != partner
            ):
                raise ValidationError(
                    self.env._(
                        "The correspondence address of %(partner)s must be one of its own addresses of type "
                        "'Other Address'; %(address)s is not.",
                        partner=partner.display_name,
                        address=address.display_name,
                    )
                )

    @api.constrains("preferred_product_ids", "company_id")
    def _check_preferred_product_ids(self):
        # sudo: the products are read for the check even when the user changes only the company
        for partner in self.sudo():
            wrong_products = partner.preferred_product_ids.filtered(
                lambda product, partner=partner: not product.sale_ok
                or (product.company_id and partner.company_id and product.company_id != partner.company_id)
            )
            if wrong_products:
                raise ValidationError(
                    self.env._(
                        "%(products)s cannot be preferred products of %(partner)s: a preferred product must be "
                        "sold, by the customer's company.",
                        products=", ".join(wrong_products.mapped("display_name")),
                        partner=partner.display_name,
                    )
                )

    @api.constrains("visit_frequency")
    def _check_visit_frequency(self):
        if any(partner.visit_frequency < 0 for partner in self):
            raise ValidationError(self.env._("A visit frequency cannot be negative."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        res = super().init()
        # the "Visit Overdue" filter and the cadence report read few of many customers
        create_index(
            self.env.cr,
            "res_partner_visit_overdue_index",
            self._table,
            ["visit_due_date"],
            where="visit_overdue",
        )
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_refresh_product_preferences(self):
        # derived data only: whoever may see the customers may bring their preferences up to date
        self.check_access("read")
        self._refresh_product_preferences()
        return True

    def action_open_sales_admin_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_visit_action")
        partner = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    def action_book_sales_admin_meeting(self):
        """Book a meeting about this customer, in Odoo's calendar."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("calendar.action_calendar_event")
        action["context"] = {
            "default_partner_ids": (self.env.user.partner_id | self).ids,
            "default_name": self.env._("Meeting: %(customer)s", customer=self.commercial_partner_id.name),
        }
        return action

    def action_open_sales_admin_tickets(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        defaults = {"partner_id": partner.id, "contact_id": self.id if self != partner else False}
        return self.env["sales_admin.ticket"]._get_tickets_action([("partner_id", "=", partner.id)], defaults)

    def action_open_sales_admin_otif_report(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_otif_report_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_last_12_months": 1, "search_default_group_categ": 1}
        return action

    def action_open_sales_admin_open_orders(self):
        self.ensure_one()
        return self._get_sales_admin_orders_action(
            self.env._("Open Orders"), self._get_sales_admin_open_orders_domain()
        )

    def action_open_sales_admin_late_orders(self):
        self.ensure_one()
        return self._get_sales_admin_orders_action(
            self.env._("Late Orders"), self._get_sales_admin_late_orders_domain()
        )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_billing_data_items(self):
        """The billing data the completeness score checks, in display order: ``{key: label}``."""
        return {
            "vat": self.env._("Tax ID"),
            "invoice_address": self.env._("Invoice address"),
            "invoice_email": self.env._("Invoicing e-mail"),
            "bank_account": self.env._("Bank account"),
            "payment_terms": self.env._("Payment terms"),
        }

    def _get_invoice_address(self):
        """The address the commercial entity is invoiced at: its first active child of type 'Invoice Address',
        as Odoo's ``address_get`` finds it one level down, or the entity itself."""
        self.ensure_one()
        return self.child_ids.filtered(lambda child: child.type == "invoice" and not child.is_company)[:1] or self

    def _has_postal_address(self):
        self.ensure_one()
        return bool(self.street and self.city and self.country_id and (self.zip or not self.country_id.zip_required))

    def _get_correspondence_address(self):
        """The partner to post letters to for this partner's company: the chosen correspondence address, else the
        invoice address, else the company itself."""
        self.ensure_one()
        commercial_partner = self.commercial_partner_id
        address = commercial_partner.correspondence_partner_id
        if address.active and address.type == "other":
            return address
        return commercial_partner._get_invoice_address()

    def _get_product_preferences_lines_query(self, partner_ids):
        """The order lines the preferences are computed from, one row per line:
        (partner_id: commercial entity, order_id, order_date, product_id, product_active, categ_id, qty).
        Override to change what counts as a purchase."""
        return SQL(
            """
            SELECT buyer.commercial_partner_id AS partner_id,
                   so.id AS order_id,
                   so.date_order::date AS order_date,
                   sol.product_id,
                   pp.active AND pt.active AS product_active,
                   pt.categ_id,
                   sol.product_uom_qty AS qty
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner buyer ON buyer.id = so.partner_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE buyer.commercial_partner_id = ANY(%(partner_ids)s)
               AND so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.is_downpayment IS NOT TRUE
               AND sol.product_uom_qty > 0
            """,
            partner_ids=partner_ids,
        )

    def _flush_product_preferences_sources(self):
        self.env["sale.order"].flush_model(["partner_id", "state", "date_order"])
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_id", "product_uom_qty", "display_type", "is_downpayment"]
        )
        self.env["product.product"].flush_model(["product_tmpl_id", "active"])
        self.env["product.template"].flush_model(["categ_id", "active"])
        self.flush_model(["commercial_partner_id"])

    def _refresh_product_preferences(self, skip_locked=False):
        """Recompute the order-history preferences of the commercial entities of ``self``, set-based: a fixed
        number of queries whatever the number of partners. The partners' rows are locked in id order first, so
        that refreshes running at the same time (confirmations, the cron) wait for each other instead of mixing
        their results; with ``skip_locked`` the partners another transaction holds are left out.

        :return: the partners refreshed
        """
        partners = self.commercial_partner_id
        if not partners:
            return partners
        self._flush_product_preferences_sources()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE%s",
                partners.ids,
                SQL(" SKIP LOCKED") if skip_locked else SQL(),
            )
        )
        partners = self.browse(row[0] for row in rows)
        if not partners:
            return partners
        top_products, top_categs = self._fields["top_product_ids"], self._fields["top_categ_ids"]
        self.env.execute_query(
            SQL(
                """
                WITH old_products AS (DELETE FROM %(product_rel)s WHERE %(product_partner)s = ANY(%(ids)s))
                DELETE FROM %(categ_rel)s WHERE %(categ_partner)s = ANY(%(ids)s)
                """,
                product_rel=SQL.identifier(top_products.relation),
                product_partner=SQL.identifier(top_products.column1),
                categ_rel=SQL.identifier(top_categs.relation),
                categ_partner=SQL.identifier(top_categs.column1),
                ids=partners.ids,
            )
        )
        # One statement: the lines are read once; the interval is the median gap between distinct order dates.
        self.env.execute_query(
            SQL(
                """
                WITH lines AS (%(lines)s),
                order_dates AS (
                    SELECT DISTINCT partner_id, order_date FROM lines
                ),
                gaps AS (
                    SELECT partner_id, order_date,
                           order_date - lag(order_date) OVER (PARTITION BY partner_id ORDER BY order_date) AS gap
                      FROM order_dates
                ),
                stats AS (
                    SELECT partner_id,
                           max(order_date) AS last_date,
                           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap))::integer AS interval_days
                      FROM gaps
                  GROUP BY partner_id
                ),
                product_ranks AS (
                    SELECT partner_id, product_id,
                           row_number() OVER (
                               PARTITION BY partner_id
                               ORDER BY count(DISTINCT order_id) DESC, sum(qty) DESC, max(order_date) DESC, product_id
                           ) AS rank
                      FROM lines
                     WHERE product_active
                  GROUP BY partner_id, product_id
                ),
                categ_ranks AS (
                    SELECT partner_id, categ_id,
                           row_number() OVER (
                               PARTITION BY partner_id
                               ORDER BY count(DISTINCT order_id) DESC, sum(qty) DESC, max(order_date) DESC, categ_id
                           ) AS rank
                      FROM lines
                  GROUP BY partner_id, categ_id
                ),
                new_products AS (
                    INSERT INTO %(product_rel)s (%(product_partner)s, %(product_product)s)
                    SELECT partner_id, product_id FROM product_ranks WHERE rank <= %(top_products)s
                ),
                new_categs AS (
                    INSERT INTO %(categ_rel)s (%(categ_partner)s, %(categ_categ)s)
                    SELECT partner_id, categ_id FROM categ_ranks WHERE rank <= %(top_categs)s
                )
                UPDATE res_partner partner
                   SET last_purchase_date = stats.last_date,
                       reorder_interval_days = stats.interval_days,
                       reorder_date = stats.last_date + stats.interval_days,
                       reorder_due = COALESCE(stats.last_date + stats.interval_days < %(today)s, FALSE),
                       product_preferences_date = %(today)s
                  FROM unnest(%(ids)s) AS batch(id)
             LEFT JOIN stats ON stats.partner_id = batch.id
                 WHERE partner.id = batch.id
                """,
                lines=self._get_product_preferences_lines_query(partners.ids),
                product_rel=SQL.identifier(top_products.relation),
                product_partner=SQL.identifier(top_products.column1),
                product_product=SQL.identifier(top_products.column2),
                categ_rel=SQL.identifier(top_categs.relation),
                categ_partner=SQL.identifier(top_categs.column1),
                categ_categ=SQL.identifier(top_categs.column2),
                top_products=TOP_PRODUCTS,
                top_categs=TOP_CATEGORIES,
                today=fields.Date.today(),
                ids=partners.ids,
            )
        )
        fnames = [
            "top_product_ids",
            "top_categ_ids",
            "last_purchase_date",
            "reorder_interval_days",
            "reorder_date",
            "reorder_due",
            "product_preferences_date",
        ]
        partners.invalidate_recordset(fnames, flush=False)
        partners.modified(fnames)
        return partners

    def _get_product_preferences_todo_query(self, today):
        """The commercial entities whose preferences the cron has not refreshed today: those with confirmed orders
        and those that still show preferences (their orders may have been cancelled since)."""
        return SQL(
            """
            SELECT partner.id
              FROM res_partner partner
             WHERE partner.active
               AND partner.commercial_partner_id = partner.id
               AND (partner.product_preferences_date IS NULL OR partner.product_preferences_date < %(today)s)
               AND (partner.last_purchase_date IS NOT NULL OR EXISTS (
                        SELECT 1
                          FROM sale_order so
                          JOIN res_partner buyer ON buyer.id = so.partner_id
                         WHERE buyer.commercial_partner_id = partner.id
                           AND so.state = 'sale'))
            """,
            today=today,
        )

    @api.model
    def _get_visit_due_query(self, limit_date, batch_size=None):
        """Customers due a visit by ``limit_date`` with no open visit, oldest due first (``batch_size``: the
        first ones only)."""
        return SQL(
            """
            SELECT p.id
              FROM res_partner p
              JOIN res_users u ON u.id = p.user_id AND u.active
             WHERE p.active
               AND p.parent_id IS NULL
               AND p.customer_rank > 0
               AND p.visit_frequency_effective > 0
               AND p.visit_due_date <= %(limit_date)s
               AND (p.company_id IS NULL OR EXISTS (
                   SELECT 1 FROM res_company_users_rel r WHERE r.user_id = u.id AND r.cid = p.company_id
               ))
               AND NOT EXISTS (
                   SELECT 1 FROM sales_admin_visit v
                    WHERE v.partner_id = p.id AND v.state IN ('proposed', 'planned', 'in_progress')
               )
          ORDER BY p.visit_due_date, p.id
             %(limit)s
            """,
            limit_date=limit_date,
            limit=SQL("LIMIT %s", batch_size) if batch_size else SQL(),
        )

    @api.model
    def _lock_visit_due_query(self, partner_ids):
        """Of these due customers, lock those still without an open visit and not locked by another run.

        SKIP LOCKED: two runs at once (a second worker, "run now") take disjoint customers, and the proposal a
        committed batch wrote keeps any later batch, of this run or another, from proposing again.
        """
        return SQL(
            """
            SELECT p.id
              FROM res_partner p
             WHERE p.id = ANY(%(ids)s)
               AND NOT EXISTS (
                   SELECT 1 FROM sales_admin_visit v
                    WHERE v.partner_id = p.id AND v.state IN ('proposed', 'planned', 'in_progress')
               )
          ORDER BY p.id
               FOR UPDATE OF p SKIP LOCKED
            """,
            ids=list(partner_ids),
        )

    @api.model
    def _get_visit_cadence_state_sql(self, today):
        """The days since the last visit and the overdue flag of ``today`` as SQL expressions on res_partner: the
        same figures as ``_compute_visit_cadence_state`` (kept together with it)."""
        return (
            SQL("COALESCE(%s - last_visit_date, 0)", today),
            SQL("COALESCE(visit_due_date < %s, FALSE)", today),
        )

    def _get_sales_admin_otif_12m_domain(self):
        since = fields.Datetime.subtract(fields.Datetime.now(), months=12)
        return [("partner_id", "in", self.commercial_partner_id._origin.ids), ("date", ">=", since)]

    def _get_sales_admin_open_orders_domain(self):
        """Confirmed orders not done yet: not fully delivered, or not fully invoiced and paid."""
        return [("state", "=", "sale"), ("sales_admin_progress", "not in", ("paid", "cancel"))]

    def _get_sales_admin_late_orders_domain(self):
        """Confirmed orders whose promised day has passed with goods still to deliver."""
        return [("state", "=", "sale"), ("sales_admin_delivery_state", "=", "late")]

    def _get_sales_admin_orders_action(self, name, domain):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_orders")
        action["name"] = name
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id), *domain]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------

    @api.model
    def _cron_refresh_product_preferences(self, batch_size=1000):
        """Refresh the order-history preferences of every customer once a day (the due-to-reorder flag moves with
        the date), in batches committed one by one. Progress lives in the database (the refresh date), so a run
        that stops half-way resumes where it was, and two runs at the same time share the work: each skips the
        partners the other holds."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        today = fields.Date.today()
        self._flush_product_preferences_sources()
        self.flush_model(["active", "product_preferences_date", "last_purchase_date"])
        todo = self._get_product_preferences_todo_query(today)
        total = self.env.execute_query(SQL("SELECT count(*) FROM (%s) todo", todo))[0][0]
        done, last_id = 0, 0
        while True:
            rows = self.env.execute_query(
                SQL("SELECT id FROM (%s) todo WHERE id > %s ORDER BY id LIMIT %s", todo, last_id, batch_size)
            )
            if not rows:
                break
            last_id = rows[-1][0]
            done += len(self.browse(row[0] for row in rows)._refresh_product_preferences(skip_locked=True))
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return done

    @api.model
    def _cron_refresh_visit_cadence_state(self, batch_size=5000):
        """Bring the days since the last visit and the overdue flag to today, in batches committed one by one.

        Only the partners whose figures moved with the date are written, by one UPDATE per batch: a figure that
        only follows the clock is no edit of the customer, so neither the write date nor the chatter changes
        (integrations that read changed partners by write date are not flooded every night). What is left to do
        is read from the database, so a run that stops half-way resumes where it was, a second run the same day
        writes nothing, and two runs at the same time share the work (each skips the rows the other holds)."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        fnames = ["last_visit_date", "visit_due_date", "days_since_last_visit", "visit_overdue"]
        self.flush_model(fnames)
        days_since, overdue = self._get_visit_cadence_state_sql(today)
        stale = SQL(
            "(days_since_last_visit IS DISTINCT FROM %s OR visit_overdue IS DISTINCT FROM %s)", days_since, overdue
        )
        total = self.env.execute_query(SQL("SELECT count(*) FROM res_partner WHERE %s", stale))[0][0]
        done, last_id = 0, 0
        while True:
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH batch AS (
                        SELECT id
                          FROM res_partner
                         WHERE id > %(last_id)s AND %(stale)s
                      ORDER BY id
                         LIMIT %(limit)s
                           FOR UPDATE SKIP LOCKED
                    )
                    UPDATE res_partner p
                       SET days_since_last_visit = %(days_since)s, visit_overdue = %(overdue)s
                      FROM batch
                     WHERE p.id = batch.id
                 RETURNING p.id
                    """,
                    last_id=last_id,
                    stale=stale,
                    limit=batch_size,
                    days_since=days_since,
                    overdue=overdue,
                )
            )
            if not rows:
                break
            last_id = max(row[0] for row in rows)
            done += len(rows)
            self.invalidate_model(["days_since_last_visit", "visit_overdue"])
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    # ------------------------------------------------------------
    # Overdue invoices
    # ------------------------------------------------------------

    sales_admin_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_sales_admin_overdue",
        currency_field="sales_admin_company_currency_id",
        groups=SALESMAN,
        help="Open amount of the customer's overdue invoices in the current company, in its currency.",
    )
    sales_admin_company_currency_id = fields.Many2one(
        "res.currency", compute="_compute_sales_admin_overdue", groups=SALESMAN
    )
    sales_admin_overdue_count = fields.Integer(
        string="Overdue Invoices", compute="_compute_sales_admin_overdue", groups=SALESMAN
    )
    sales_admin_overdue_days = fields.Integer(
        string="Days Overdue (Oldest)",
        compute="_compute_sales_admin_overdue",
        groups=SALESMAN,
        help="How long the oldest overdue invoice has been due.",
    )

    @api.depends_context("company")
    def _compute_sales_admin_overdue(self):
        # one query for the batch; sudo: salespeople see what the customer owes, not the accounting documents
        today = fields.Date.context_today(self)
        company = self.env.company
        entities = self.commercial_partner_id._origin
        figures = {
            partner: (amount, count, oldest)
            for partner, amount, count, oldest in self.env["account.move"]
            .sudo()
            ._read_group(
                self.env["account.move"]._get_sales_admin_overdue_domain(entities, company),
                ["commercial_partner_id"],
                ["amount_residual_signed:sum", "__count", "invoice_date_due:min"],
            )
        }
        for partner in self:
            amount, count, oldest = figures.get(partner.commercial_partner_id._origin, (0.0, 0, False))
            partner.sales_admin_company_currency_id = company.currency_id
            partner.sales_admin_overdue_amount = amount
            partner.sales_admin_overdue_count = count
            partner.sales_admin_overdue_days = (today - oldest).days if oldest else 0

    def action_open_sales_admin_overdue_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = self.env["account.move"]._get_sales_admin_overdue_domain(
            self.commercial_partner_id, self.env.company
        )
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # Payment reminders
    # ------------------------------------------------------------

    sales_admin_reminder_ids = fields.One2many("sales_admin.reminder", "partner_id", string="Payment Reminders")
    sales_admin_reminder_count = fields.Integer(
        string="Reminder Count",
        compute="_compute_sales_admin_reminder_count",
        groups="account.group_account_invoice,sales_admin_addon.sales_admin_addon_group_user",
    )

    sales_admin_reminder_level_id = fields.Many2one(
        "sales_admin.reminder.level",
        string="Reminder Level",
        compute="_compute_sales_admin_reminder_level_id",
        groups=SALESMAN,
        help="The highest reminder level sent for the customer's overdue invoices in the current company.",
    )
    sales_admin_last_reminder_date = fields.Date(
        string="Last Reminder", compute="_compute_sales_admin_reminder_level_id", groups=SALESMAN
    )

    @api.depends_context("company")
    def _compute_sales_admin_reminder_level_id(self):
        # the customer's open collection case holds these figures (refreshed by each reminder batch, by
        # reconciliations and nightly): one search for the batch; sudo: salespeople see how far the reminders went
        cases = (
            self.env["sales_admin.collection.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id._origin.ids),
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "open"),
                ]
            )
        )
        case_by_partner = {case.partner_id: case for case in cases}
        for partner in self:
            case = case_by_partner.get(partner.commercial_partner_id._origin)
            partner.sales_admin_reminder_level_id = case.reminder_level_id if case else False
            partner.sales_admin_last_reminder_date = case.last_reminder_date if case else False

    def _compute_sales_admin_reminder_count(self):
        counts = dict(
            self.env["sales_admin.reminder"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "sent")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.sales_admin_reminder_count = counts.get(partner.commercial_partner_id, 0)

    def action_open_sales_admin_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_admin_addon.sales_admin_reminder_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_sales_admin_prepare_reminder(self):
        """Plan the reminder this customer is due in the current company, as the daily run would, and open it to
        preview and send now."""
        self.ensure_one()
        reminders = self.env["sales_admin.reminder"]
        partner = self.commercial_partner_id
        company = self.env.company
        reminders._plan_reminders(company_ids=company.ids, partner_ids=partner.ids)
        pending = reminders.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("state", "=", "pending")], limit=1
        )
        pending._prepare_reminders()
        if not pending:
            raise UserError(
                self.env._(
                    "%(customer)s is not due a payment reminder: no overdue invoice has reached a new level (invoices "
                    "in dispute and customers with a pending payment promise are left out).",
                    customer=partner.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.reminder",
            "res_id": pending.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Collection case
    # ------------------------------------------------------------

    sales_admin_collection_case_id = fields.Many2one(
        "sales_admin.collection.case",
        string="Collection Case",
        compute="_compute_sales_admin_collection_case_id",
        groups=SALESMAN,
        help="The customer's open collection case in the current company.",
    )

    @api.depends_context("company")
    def _compute_sales_admin_collection_case_id(self):
        # one search for the batch, within what the user may read (salespeople: their own customers' cases)
        cases = self.env["sales_admin.collection.case"].search(
            [
                ("partner_id", "in", self.commercial_partner_id._origin.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "open"),
            ]
        )
        case_by_partner = {case.partner_id: case for case in cases}
        for partner in self:
            partner.sales_admin_collection_case_id = case_by_partner.get(partner.commercial_partner_id._origin, False)

    def action_open_sales_admin_collection_case(self):
        self.ensure_one()
        case = self.sales_admin_collection_case_id
        if not case:
            raise UserError(self.env._("%(customer)s has no open collection case.", customer=self.display_name))
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_admin.collection.case",
            "res_id": case.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Payment set-up
    # ------------------------------------------------------------

    # The customer's preferred way to pay is Odoo's own company-dependent inbound payment method line; bank
    # accounts are res.partner.bank (trusted when "allow_out_payment" is set: Odoo 18's validated account) and
    # saved cards are payment.token of the payment providers (we never store card data). The state is read for
    # the current company, so it is computed (not stored) and searched through _search_sales_admin_payment_setup.
    sales_admin_payment_kind = fields.Selection(
        PAYMENT_KINDS,
        string="Payment Kind",
        compute="_compute_sales_admin_payment_setup",
        groups="base.group_user",
        help="How the customer pays by its preferred payment method: by bank transfer, or by card through an "
        "online payment provider.",
    )
    sales_admin_payment_setup = fields.Selection(
        PAYMENT_SETUP_STATES,
        string="Payment Set-up",
        compute="_compute_sales_admin_payment_setup",
        search="_search_sales_admin_payment_setup",
        groups="base.group_user",
        help="Whether the customer can pay by its preferred payment method in the current company: a method is "
        "chosen, and a validated (trusted) bank account or a saved card of that provider is there.",
    )

    @api.depends(
        "property_inbound_payment_method_line_id",
        "commercial_partner_id.property_inbound_payment_method_line_id",
        "commercial_partner_id.bank_ids.allow_out_payment",
        "commercial_partner_id.payment_token_ids",
        "child_ids.payment_token_ids",
    )
    @api.depends_context("company")
    def _compute_sales_admin_payment_setup(self):
        # saved data only: a customer being created (no origin yet) has no bank account or card saved
        pairs = {}
        for partner in self:
            entity = partner.commercial_partner_id or partner  # a new company is its own commercial entity
            pairs[partner] = (entity._origin, entity.property_inbound_payment_method_line_id._origin)
        setup = self._get_sales_admin_payment_setup(set(pairs.values()))
        for partner in self:
            partner.sales_admin_payment_kind, partner.sales_admin_payment_setup = setup[pairs[partner]]

    def _search_sales_admin_payment_setup(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("The payment set-up can only be searched by its state."))
        values = {value} if operator in ("=", "!=") else set(value)
        states = [state for state, _label in PAYMENT_SETUP_STATES if state in values]
        domain = expression.OR([self._get_sales_admin_payment_setup_domain(state) for state in states])
        if operator in ("!=", "not in"):
            domain = ["!", *domain]
        # sudo: bank accounts and saved cards count whoever may read them, as in the compute
        return [("commercial_partner_id", "in", self.sudo()._search(domain))]

    @api.model
    def _get_sales_admin_card_domain(self):
        """The inbound payment method lines paid online through a payment provider, which we call card payments:
        account_payment registers every provider code as an "electronic" payment method and links its lines to
        the provider (payment_provider_id); the customer's cards are then that provider's payment.token. Every
        other inbound method (Odoo's "Manual Payment", SEPA credit transfer and the like) is money received on
        the company's bank account: a bank transfer, which needs the customer's bank account."""
        methods_info = self.env["account.payment.method"]._get_payment_method_information()
        electronic = [code for code, info in methods_info.items() if info.get("mode") == "electronic"]
        return ["|", ("payment_provider_id", "!=", False), ("code", "in", electronic)]

    @api.model
    def _get_sales_admin_payment_kind(self, method_line):
        if not method_line:
            return False
        is_card = method_line.sudo().filtered_domain(self._get_sales_admin_card_domain())
        return "card" if is_card else "bank_transfer"

    @api.model
    def _get_sales_admin_payment_setup(self, pairs):
        """The payment kind and set-up state of each (commercial partner, inbound payment method line) pair, as
        ``{(partner, line): (kind, state)}``: one query for the bank accounts and one for the saved cards of the
        batch. A card counts when it is saved with the provider of the method line, by the customer or one of its
        contacts."""
        pairs = list(pairs)
        partners = self.env["res.partner"].union(*(partner for partner, _line in pairs))
        lines = self.env["account.payment.method.line"].union(*(line for _partner, line in pairs))
        # sudo: the state says whether the data is there, not what it is (bank accounts and tokens stay private)
        banks = {}
        for partner, trusted, _count in (
            self.env["res.partner.bank"]
            .sudo()
            ._read_group([("partner_id", "in", partners.ids)], ["partner_id", "allow_out_payment"], ["__count"])
        ):
            banks[partner] = banks.get(partner, False) or trusted
        providers = (
            lines.sudo().filtered(lambda line: self._get_sales_admin_payment_kind(line) == "card").payment_provider_id
        )
        cards = set()
        if providers:
            for holder, provider in (
                self.env["payment.token"]
                .sudo()
                ._read_group(
                    [("partner_id.commercial_partner_id", "in", partners.ids), ("provider_id", "in", providers.ids)],
                    ["partner_id", "provider_id"],
                )
            ):
                cards.add((holder.commercial_partner_id, provider))
        result = {}
        for partner, line in pairs:
            kind = self._get_sales_admin_payment_kind(line)
            if not kind:
                state = "no_method"
            elif kind == "card":
                provider = line.sudo().payment_provider_id
                has_card = bool(provider) and (partner, provider) in cards
                state = "ready" if has_card else "no_card_token"
            elif partner not in banks:
                state = "no_bank_account"
            else:
                state = "ready" if banks[partner] else "bank_not_validated"
            result[partner, line] = (kind, state)
        return result

    @api.model
    def _get_sales_admin_payment_setup_domain(self, state):
        """The commercial partners in this payment set-up state for the current company, as a domain: the same
        rules as _get_sales_admin_payment_setup (kept together with it)."""
        method = "property_inbound_payment_method_line_id"
        card_lines = (
            self.env["account.payment.method.line"]
            .sudo()
            .with_context(active_test=False)
            .search(self._get_sales_admin_card_domain())
        )
        bank_method = [(method, "!=", False), (method, "not in", card_lines.ids)]
        if state == "no_method":
            return [(method, "=", False)]
        if state == "no_bank_account":
            return [*bank_method, ("bank_ids", "=", False)]
        if state == "bank_not_validated":
            return [
                *bank_method,
                ("bank_ids", "!=", False),
                ("bank_ids", "not any", [("allow_out_payment", "=", True)]),
            ]
        card_domains = []
        for line in card_lines:
            holders = self.sudo()._search(
                [("payment_token_ids", "any", [("provider_id", "=", line.payment_provider_id.id)])]
                if line.payment_provider_id
                else expression.FALSE_DOMAIN
            )
            card_domains.append(
                [
                    (method, "=", line.id),
                    ("id", "not in", holders.subselect(SQL.identifier(holders.table, "commercial_partner_id"))),
                ]
            )
        no_card = expression.OR(card_domains) if card_domains else expression.FALSE_DOMAIN
        if state == "no_card_token":
            return no_card
        # ready: none of the incomplete states
        incomplete = expression.OR(
            [
                [(method, "=", False)],
                [*bank_method, ("bank_ids", "not any", [("allow_out_payment", "=", True)])],
                no_card,
            ]
        )
        return ["!", *incomplete]

    # ------------------------------------------------------------
    # Marketing consent
    # ------------------------------------------------------------

    sales_admin_marketing_consent = fields.Boolean(
        string="Marketing Consent",
        copy=False,
        tracking=True,
        index=True,
        help="The partner agreed to receive newsletters and marketing campaigns. Segments leave out partners "
        "without it unless told otherwise.",
    )
    sales_admin_consent_date = fields.Datetime(
        string="Consent Changed On",
        copy=False,
        tracking=True,
        help="When the consent was last given or withdrawn; set automatically when not entered.",
    )
    sales_admin_consent_source = fields.Selection(
        CONSENT_SOURCES,
        string="Consent Source",
        copy=False,
        tracking=True,
        help="How the consent was given or withdrawn.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._stamp_sales_admin_consent(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "sales_admin_marketing_consent" in vals and any(
            partner.sales_admin_marketing_consent != bool(vals["sales_admin_marketing_consent"]) for partner in self
        ):
            vals = self._stamp_sales_admin_consent(dict(vals))
        return super().write(vals)

    @api.model
    def _stamp_sales_admin_consent(self, vals):
        """Date (and, when given, default source) of a consent change entered without them."""
        if "sales_admin_marketing_consent" in vals:
            vals.setdefault("sales_admin_consent_date", fields.Datetime.now())
            if vals["sales_admin_marketing_consent"]:
                source = "import" if self.env.context.get("import_file") else "staff"
                vals.setdefault("sales_admin_consent_source", source)
        return vals

    # ------------------------------------------------------------
    # Mailing results
    # ------------------------------------------------------------

    # read by salespeople (their own customers' results, by record rule; sales administration users are salespeople
    # seeing all documents) and marketing
    sales_admin_mailing_result_ids = fields.One2many(
        "sales_admin.mailing.result",
        string="Mailing Results",
        compute="_compute_sales_admin_mailing_results",
        groups="sales_team.group_sale_salesman,mass_mailing.group_mass_mailing_user",
        help="The e-mails of mailings this partner received (a customer: also those of its contact persons).",
    )
    sales_admin_mailing_count = fields.Integer(
        string="Mailings Received",
        compute="_compute_sales_admin_mailing_results",
        groups="sales_team.group_sale_salesman,mass_mailing.group_mass_mailing_user",
    )

    def _compute_sales_admin_mailing_results(self):
        # one query for the batch: the traces are reached from the partners through indexed paths, then read through
        # the report (and its record rules)
        Result = self.env["sales_admin.mailing.result"]
        results = Result
        if self._origin.ids:
            results = Result.search_fetch(
                [("id", "in", self._get_sales_admin_trace_query())], ["partner_id", "commercial_partner_id"]
            )
        by_partner, by_customer = {}, {}
        for row in results:
            by_partner.setdefault(row.partner_id.id, []).append(row.id)
            by_customer.setdefault(row.commercial_partner_id.id, []).append(row.id)
        for partner in self:
            origin = partner._origin
            # a customer: its own e-mails and its contact persons'; a contact person: its own
            rows = by_customer if origin and origin == origin.commercial_partner_id else by_partner
            partner.sales_admin_mailing_result_ids = Result.browse(rows.get(origin.id, []))
            partner.sales_admin_mailing_count = len(rows.get(origin.id, []))

    def _get_sales_admin_trace_query(self):
        """The mailing traces of these partners and of their contact persons, as a subquery of trace ids: sent to
        their mailing contacts (lists of segments) or to the partners themselves."""
        partner_ids = tuple(self._origin.ids) or (0,)
        return SQL(
            """
            (SELECT trace.id
              FROM res_partner partner
              JOIN mailing_contact contact ON contact.partner_id = partner.id
              JOIN mailing_trace trace ON trace.res_id = contact.id AND trace.model = 'mailing.contact'
             WHERE partner.id IN %(ids)s OR partner.commercial_partner_id IN %(ids)s
         UNION ALL
            SELECT trace.id
              FROM res_partner partner
              JOIN mailing_trace trace ON trace.res_id = partner.id AND trace.model = 'res.partner'
             WHERE partner.id IN %(ids)s OR partner.commercial_partner_id IN %(ids)s)
            """,
            ids=partner_ids,
        )

    def action_view_sales_admin_mailing_results(self):
        self.ensure_one()
        field = "commercial_partner_id" if self == self.commercial_partner_id else "partner_id"
        action = self.env["ir.actions.actions"]._for_xml_id("sales_admin_addon.sales_admin_mailing_result_action")
        action.update(
            {
                "name": self.env._("Mailings of %(partner)s", partner=self.display_name),
                "domain": [(field, "=", self.id)],
                "view_mode": "list,pivot,graph",
                "views": [(False, "list"), (False, "pivot"), (False, "graph")],
            }
        )
        return action

    # ------------------------------------------------------------
    # Surveys: the last answer and the needs it revealed
    # ------------------------------------------------------------

    sales_admin_last_survey_date = fields.Datetime(
        string="Last Survey Answered On",
        copy=False,
        readonly=True,
        help="When the customer (or one of its contacts) last completed a survey.",
    )
    sales_admin_last_survey_id = fields.Many2one(
        "survey.survey", string="Last Survey", copy=False, readonly=True, ondelete="set null"
    )
    sales_admin_last_survey_scored = fields.Boolean(string="Last Survey Scored", copy=False, readonly=True)
    sales_admin_last_survey_score = fields.Float(
        string="Last Survey Score (%)",
        copy=False,
        readonly=True,
        digits=(16, 1),
        help="The score of the last completed survey, when that survey is scored.",
    )
    sales_admin_need_tag_ids = fields.Many2many(
        "sales_admin.need.tag",
        "res_partner_sales_admin_need_tag_rel",
        "partner_id",
        "tag_id",
        string="Customer Needs",
        copy=False,
        help="Needs the customer declared: entered by hand, or added by the answers it chose in surveys.",
    )

    @api.model
    def _sales_admin_record_survey_answers(self, answers):
        """Write completed answers back to the customers (commercial entities): last survey, its date and
        score, and the need tags of the chosen answers (added, never removed).

        Set-based: customers that get the same values share one write, whatever the number of answers.
        """
        answers = answers.sudo()
        # warm the cache for the whole batch: partners, surveys, chosen answers and their tags
        answers.partner_id.commercial_partner_id.mapped("sales_admin_need_tag_ids")
        answers.survey_id.mapped("scoring_type")
        answers.user_input_line_ids.suggested_answer_id.mapped("sales_admin_need_tag_ids")
        latest = {}
        tag_ids = {}
        for answer in answers.sorted(lambda answer: (answer.end_datetime or fields.Datetime.now(), answer.id)):
            partner = answer.partner_id.commercial_partner_id
            latest[partner] = answer
            tag_ids.setdefault(partner, set()).update(
                answer.user_input_line_ids.suggested_answer_id.sales_admin_need_tag_ids.ids
            )
        partners_by_vals = {}
        for partner, answer in latest.items():
            vals = {}
            date = answer.end_datetime or fields.Datetime.now()
            if not partner.sales_admin_last_survey_date or partner.sales_admin_last_survey_date <= date:
                scored = answer.survey_id.scoring_type != "no_scoring"
                vals = {
                    "sales_admin_last_survey_date": date,
                    "sales_admin_last_survey_id": answer.survey_id.id,
                    "sales_admin_last_survey_scored": scored,
                    "sales_admin_last_survey_score": answer.scoring_percentage if scored else 0.0,
                }
            new_tag_ids = tag_ids[partner] - set(partner.sales_admin_need_tag_ids.ids)
            if new_tag_ids:
                vals["sales_admin_need_tag_ids"] = tuple(sorted(new_tag_ids))
            if vals:
                key = tuple(sorted(vals.items()))
                partners_by_vals[key] = partners_by_vals.get(key, self.browse()) | partner
        for key, partners in partners_by_vals.items():
            vals = dict(key)
            if "sales_admin_need_tag_ids" in vals:
                vals["sales_admin_need_tag_ids"] = [
                    fields.Command.link(tag_id) for tag_id in vals["sales_admin_need_tag_ids"]
                ]
            partners.sudo().write(vals)

    # ------------------------------------------------------------
    # Customer 360: the figures that matter, and the quick actions
    # ------------------------------------------------------------

    @api.readonly
    def get_sales_admin_360(self):
        """The customer 360 of the commercial entity of this partner, read with the user's rights:

        ``{"partner_id", "name", "figures": [figure], "quick_actions": [{"key", "label", "icon", "method"}]}``
        where a figure is ``{"key", "label", "value", "detail", "severity", "icon", "raw", "action"}``: ``value`` is
        displayed, ``raw`` the figure itself (a number, a date string, a boolean) and ``action`` the window action
        listing the records behind it (False when there is none the user may open). A figure whose data the user may
        not read is left out. The number of queries does not grow with the customer's documents.

        Served by the database replica when there is one (``@api.readonly``); the form asks for it right after
        saving a new customer, which a replica behind the primary does not know yet: then Odoo is asked to run the
        call again on the primary (the error it retries on) instead of answering that the customer does not exist.
        """
        self.ensure_one()
        if self.env.cr.readonly and not self.exists():
            raise psycopg2.errors.ReadOnlySqlTransaction(
                f"res.partner({self.id}) not found on a read-only cursor (a replica behind the primary?)"
            )
        partner = self.commercial_partner_id
        partner._check_sales_admin_360_access()
        figures = []
        for key, builder, groups in partner._get_sales_admin_360_builders():
            if groups and not self.env.user.has_groups(groups):
                continue
            figure = getattr(partner, builder)()
            if figure:
                figure["key"] = key
                figures.append(figure)
        return {
            "partner_id": partner.id,
            "name": partner.display_name,
            "figures": figures,
            "quick_actions": partner._get_sales_admin_360_quick_actions(),
        }

    def _check_sales_admin_360_access(self):
        """Salespeople see the 360 of their own customers and of their sales teams' (customers whose salesperson
        is in one of their teams), and of customers nobody owns; users seeing all sales documents see every
        customer's. Anyone else is refused."""
        self.ensure_one()
        self.check_access("read")
        user = self.env.user
        if not user.has_group(SALESMAN):
            raise AccessError(self.env._("Only salespeople can see the customer 360."))
        if user.has_group(SALESMAN_ALL):
            return
        teams = self.env["crm.team"].search(["|", ("member_ids", "in", user.ids), ("user_id", "=", user.id)])
        colleagues = teams.member_ids | teams.user_id | user
        # the sales team of the customer, when an installed addon (crm) gives customers one
        team = self["team_id"] if "team_id" in self._fields else self.env["crm.team"]
        if self.user_id in colleagues or team in teams or not (self.user_id or team):
            return
        raise AccessError(
            self.env._(
                "%(customer)s is a customer of another sales team: you cannot see its 360.",
                customer=self.display_name,
            )
        )

    def _get_sales_admin_360_builders(self):
        """``[(key, method, groups)]``: the figures of the 360 in display order, the method building each and the
        groups needed to see it (empty: every salesperson). Override to add, remove or reorder figures."""
        return [
            ("last_visit", "_get_sales_admin_360_last_visit", ""),
            ("next_visit", "_get_sales_admin_360_next_visit", ""),
            ("visit_cadence", "_get_sales_admin_360_visit_cadence", ""),
            ("open_orders", "_get_sales_admin_360_open_orders", ""),
            ("late_orders", "_get_sales_admin_360_late_orders", ""),
            ("otif", "_get_sales_admin_360_otif", ""),
            ("overdue", "_get_sales_admin_360_overdue", ACCOUNTING_360),
            ("reminder_level", "_get_sales_admin_360_reminder_level", ACCOUNTING_360),
            ("promise", "_get_sales_admin_360_promise", ACCOUNTING_360),
            ("open_tickets", "_get_sales_admin_360_open_tickets", ""),
            ("sla_breached", "_get_sales_admin_360_sla_breached", ""),
            ("payment", "_get_sales_admin_360_payment", ""),
            ("billing", "_get_sales_admin_360_billing", ""),
            ("products", "_get_sales_admin_360_products", ""),
            ("consent", "_get_sales_admin_360_consent", ""),
            ("survey", "_get_sales_admin_360_survey", ""),
        ]

    def _sales_admin_360_figure(self, label, value, severity, icon, raw, action, detail=""):
        if action:
            # the web client names the breadcrumb after display_name (read by _for_xml_id) before name, and the
            # strip opens lists: list view first
            action = dict(action, display_name=action.get("name"))
            if action.get("views"):
                views = action["views"]
                action["views"] = [view for view in views if view[1] == "list"] + [
                    view for view in views if view[1] != "list"
                ]
                action["view_mode"] = ",".join(mode for _view, mode in action["views"])
        return {
            "label": label,
            "value": value,
            "detail": detail,
            "severity": severity,
            "icon": icon,
            "raw": raw,
            "action": action or False,
        }

    def _sales_admin_360_list_action(self, name, res_model, domain, context=None, views=None):
        """A window action listing ``domain`` of ``res_model``, or False when the user may not read that model."""
        if not self.env[res_model].has_access("read"):
            return False
        views = views or [(False, "list"), (False, "form")]
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "domain": domain,
            "context": context or {},
            "views": views,
            "view_mode": ",".join(mode for _view, mode in views),
            "target": "current",
        }

    # figures: visits

    def _get_sales_admin_360_visits_action(self, name, domain):
        return self._sales_admin_360_list_action(
            name,
            "sales_admin.visit",
            [("partner_id", "=", self.id), *domain],
            {"default_partner_id": self.id},
        )

    def _get_sales_admin_360_last_visit(self):
        # read from the visits the user may read (not the stored last_visit_date, which counts all), so that the
        # figure is what its list shows
        domain = [("state", "=", "done")]
        [(last,)] = self.env["sales_admin.visit"]._read_group(
            [("partner_id", "=", self.id), *domain], [], ["checkout_date:max"]
        )
        last_date = last and fields.Date.context_today(self, last)
        detail = ""
        if last_date:
            days = (fields.Date.context_today(self) - last_date).days
            detail = self.env._("%(days)s days ago", days=days)
        return self._sales_admin_360_figure(
            self.env._("Last Visit"),
            format_date(self.env, last_date) if last_date else self.env._("Never"),
            "info" if last_date else "muted",
            "fa-car",
            fields.Date.to_string(last_date) if last_date else False,
            self._get_sales_admin_360_visits_action(self.env._("Visits Done"), domain),
            detail,
        )

    def _get_sales_admin_360_next_visit(self):
        domain = [("state", "in", ("proposed", "planned"))]
        [(upcoming,)] = self.env["sales_admin.visit"]._read_group(
            [("partner_id", "=", self.id), *domain], [], ["planned_start:min"]
        )
        return self._sales_admin_360_figure(
            self.env._("Next Visit"),
            format_datetime(self.env, upcoming, dt_format="short") if upcoming else self.env._("None planned"),
            "success" if upcoming else "warning",
            "fa-calendar-check-o",
            fields.Datetime.to_string(upcoming) if upcoming else False,
            self._get_sales_admin_360_visits_action(self.env._("Visits to Come"), domain),
        )

    def _get_sales_admin_360_visit_cadence(self):
        if not self.visit_frequency_effective:
            value, severity, detail = self.env._("No cadence"), "muted", ""
        else:
            value = format_date(self.env, self.visit_due_date)
            severity = "danger" if self.visit_overdue else "success"
            detail = self.env._("Every %(days)s days", days=self.visit_frequency_effective)
            if self.visit_overdue:
                detail = self.env._("Visit overdue (every %(days)s days)", days=self.visit_frequency_effective)
        return self._sales_admin_360_figure(
            self.env._("Visit Due"),
            value,
            severity,
            "fa-refresh",
            self.visit_overdue,
            self._get_sales_admin_360_visits_action(self.env._("Visits"), []),
            detail,
        )

    # figures: orders and deliveries

    def _get_sales_admin_360_open_orders(self):
        count = self.sales_admin_open_order_count
        return self._sales_admin_360_figure(
            self.env._("Open Orders"),
            str(count),
            "info" if count else "muted",
            "fa-truck",
            count,
            self.action_open_sales_admin_open_orders(),
        )

    def _get_sales_admin_360_late_orders(self):
        count = self.sales_admin_late_order_count
        return self._sales_admin_360_figure(
            self.env._("Late Orders"),
            str(count),
            "danger" if count else "success",
            "fa-clock-o",
            count,
            self.action_open_sales_admin_late_orders(),
        )

    def _get_sales_admin_360_otif(self):
        rate, lines = self.sales_admin_otif_rate_12m, self.sales_admin_otif_lines_12m
        if not lines:
            severity = "muted"
        else:
            severity = "success" if rate >= 95 else "warning" if rate >= 80 else "danger"
        action = self._sales_admin_360_list_action(
            self.env._("On-Time Delivery (12 Months)"),
            "sales_admin.otif.report",
            self._get_sales_admin_otif_12m_domain(),
            {"search_default_group_categ": 1},
            [(False, "list"), (False, "pivot")],
        )
        return self._sales_admin_360_figure(
            self.env._("On Time (12 m)"),
            f"{rate:.0f} %" if lines else "—",
            severity,
            "fa-check-square-o",
            rate,
            action,
            self.env._("%(lines)s lines rated", lines=lines),
        )

    # figures: money owed (accounting)

    def _get_sales_admin_360_overdue(self):
        amount, count = self.sales_admin_overdue_amount, self.sales_admin_overdue_count
        detail = ""
        if count:
            detail = self.env._(
                "%(count)s invoices, oldest %(days)s days", count=count, days=self.sales_admin_overdue_days
            )
        return self._sales_admin_360_figure(
            self.env._("Overdue"),
            format_amount(self.env, amount, self.sales_admin_company_currency_id),
            "danger" if amount > 0 else "success",
            "fa-money",
            amount,
            self.action_open_sales_admin_overdue_invoices() if self.env["account.move"].has_access("read") else False,
            detail,
        )

    def _get_sales_admin_360_reminder_level(self):
        level = self.sales_admin_reminder_level_id
        last = self.sales_admin_last_reminder_date
        action = self._sales_admin_360_list_action(
            self.env._("Payment Reminders"),
            "sales_admin.reminder",
            [("partner_id", "=", self.id), ("company_id", "=", self.env.company.id)],
        )
        return self._sales_admin_360_figure(
            self.env._("Reminder Level"),
            level.name if level else self.env._("None"),
            "warning" if level else "muted",
            "fa-bell",
            level.id,
            action,
            self.env._("Last sent %(date)s", date=format_date(self.env, last)) if last else "",
        )

    def _get_sales_admin_360_promise(self):
        case = self.sales_admin_collection_case_id
        state = case.promise_state if case else "none"
        if state == "none":
            value, detail = self.env._("None"), ""
        else:
            value = format_amount(self.env, case.promise_amount, case.currency_id)
            detail = self.env._(
                "%(state)s, by %(date)s",
                state=dict(case._fields["promise_state"]._description_selection(self.env))[state],
                date=format_date(self.env, case.promise_date),
            )
        severity = {"pending": "info", "kept": "success", "broken": "danger"}.get(state, "muted")
        action = self._sales_admin_360_list_action(
            self.env._("Collection Case"),
            "sales_admin.collection.case",
            [("partner_id", "=", self.id), ("company_id", "=", self.env.company.id), ("state", "=", "open")],
        )
        return self._sales_admin_360_figure(
            self.env._("Promise to Pay"), value, severity, "fa-handshake-o", state, action, detail
        )

    # figures: requests

    def _get_sales_admin_360_ticket_counts(self):
        """Open requests of the customer the user may read, by SLA status: ``{sla_state: count}``."""
        return dict(
            self.env["sales_admin.ticket"]._read_group(
                self._get_sales_admin_360_open_tickets_domain(), ["sla_state"], ["__count"]
            )
        )

    def _get_sales_admin_360_open_tickets_domain(self):
        return [("partner_id", "=", self.id), ("is_closed", "=", False)]

    def _get_sales_admin_360_open_tickets(self):
        count = sum(self._get_sales_admin_360_ticket_counts().values())
        action = self.env["sales_admin.ticket"]._get_tickets_action(
            self._get_sales_admin_360_open_tickets_domain(), {"partner_id": self.id}
        )
        action["name"] = self.env._("Open Requests")
        return self._sales_admin_360_figure(
            self.env._("Open Requests"), str(count), "warning" if count else "success", "fa-life-ring", count, action
        )

    def _get_sales_admin_360_sla_breached(self):
        domain = [*self._get_sales_admin_360_open_tickets_domain(), ("sla_state", "=", "breached")]
        count = self.env["sales_admin.ticket"].search_count(domain)
        action = self.env["sales_admin.ticket"]._get_tickets_action(domain, {"partner_id": self.id})
        action["name"] = self.env._("Requests Past Their SLA")
        return self._sales_admin_360_figure(
            self.env._("SLA Breached"), str(count), "danger" if count else "success", "fa-fire", count, action
        )

    # figures: customer data

    def _get_sales_admin_360_payment(self):
        method = self.property_inbound_payment_method_line_id
        setup = self.sales_admin_payment_setup
        severity = {
            "ready": "success",
            "bank_not_validated": "warning",
            "no_card_token": "warning",
        }.get(setup, "danger")
        if self.sales_admin_payment_kind == "card":
            action = self._sales_admin_360_list_action(
                self.env._("Saved Cards"), "payment.token", [("partner_id", "child_of", self.id)]
            )
        else:
            action = self._sales_admin_360_list_action(
                self.env._("Bank Accounts"),
                "res.partner.bank",
                [("partner_id", "=", self.id)],
                {"default_partner_id": self.id},
            )
        return self._sales_admin_360_figure(
            self.env._("Payment"),
            method.display_name if method else self.env._("No method"),
            severity,
            "fa-credit-card",
            setup,
            action,
            dict(self._fields["sales_admin_payment_setup"]._description_selection(self.env)).get(setup, ""),
        )

    def _get_sales_admin_360_billing(self):
        score = self.billing_score
        action = self._sales_admin_360_list_action(
            self.env._("Customer and Addresses"),
            "res.partner",
            [("id", "child_of", self.id)],
            {"default_parent_id": self.id},
        )
        return self._sales_admin_360_figure(
            self.env._("Billing Data"),
            f"{score} %",
            "success" if score == 100 else "warning" if score >= 60 else "danger",
            "fa-id-card-o",
            score,
            action,
            self.env._("Missing: %(items)s", items=self.billing_missing) if self.billing_missing else "",
        )

    def _get_sales_admin_360_products(self):
        products = self.preferred_product_ids | self.top_product_ids
        if self.reorder_due:
            detail = self.env._("Due to reorder since %(date)s", date=format_date(self.env, self.reorder_date))
        elif self.reorder_date:
            detail = self.env._("Reorder expected %(date)s", date=format_date(self.env, self.reorder_date))
        else:
            detail = ""
        action = self._sales_admin_360_list_action(
            self.env._("Preferred and Top Products"), "product.product", [("id", "in", products.ids)]
        )
        return self._sales_admin_360_figure(
            self.env._("Products"),
            ", ".join(products[:3].mapped("display_name")) or self.env._("None yet"),
            "warning" if self.reorder_due else "info" if products else "muted",
            "fa-cubes",
            len(products),
            action,
            detail,
        )

    def _get_sales_admin_360_consent(self):
        consent = self.sales_admin_marketing_consent
        date = self.sales_admin_consent_date
        return self._sales_admin_360_figure(
            self.env._("Marketing Consent"),
            self.env._("Given") if consent else self.env._("Not given"),
            "success" if consent else "muted",
            "fa-envelope-o",
            consent,
            self.action_view_sales_admin_mailing_results(),
            self.env._("Since %(date)s", date=format_date(self.env, date)) if date else "",
        )

    def _get_sales_admin_360_survey(self):
        if self.sales_admin_last_survey_id and self.sales_admin_last_survey_scored:
            score = self.sales_admin_last_survey_score
            value = f"{score:.0f} %"
            severity = "success" if score >= 75 else "warning" if score >= 50 else "danger"
        elif self.sales_admin_last_survey_id:
            score, value, severity = False, self.sales_admin_last_survey_id.display_name, "info"
        else:
            score, value, severity = False, self.env._("None"), "muted"
        detail = ""
        if self.sales_admin_satisfaction_answers_12m:
            satisfaction = round(self.sales_admin_satisfaction_12m)
            detail = self.env._(
                "Satisfaction (12 m): %(score)s %% of %(count)s answers",
                score=satisfaction,
                count=self.sales_admin_satisfaction_answers_12m,
            )
        action = self._sales_admin_360_list_action(
            self.env._("Survey Answers"),
            "survey.user_input",
            [("partner_id", "child_of", self.id), ("state", "=", "done")],
        )
        return self._sales_admin_360_figure(
            self.env._("Last Survey"), value, severity, "fa-star-half-o", score, action, detail
        )

    # quick actions

    def _get_sales_admin_360_quick_actions(self):
        """The quick actions of the 360: ``[{"key", "label", "icon", "method"}]``, ``method`` being the public method
        of res.partner that returns the prefilled form to open."""
        actions = [
            ("plan_visit", self.env._("Plan a Visit"), "fa-car", "action_sales_admin_plan_visit", ""),
            ("log_call", self.env._("Log a Call"), "fa-phone", "action_sales_admin_log_call", ""),
            ("new_quotation", self.env._("New Quotation"), "fa-file-text-o", "action_sales_admin_new_quotation", ""),
            (
                "send_reminder",
                self.env._("Send a Reminder"),
                "fa-bell-o",
                "action_sales_admin_prepare_reminder",
                ACCOUNTING_360,
            ),
            ("book_meeting", self.env._("Book a Meeting"), "fa-calendar", "action_book_sales_admin_meeting", ""),
        ]
        return [
            {"key": key, "label": label, "icon": icon, "method": method}
            for key, label, icon, method, groups in actions
            if not groups or self.env.user.has_groups(groups)
        ]

    def _get_sales_admin_form_action(self, name, res_model, context, target="current"):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "views": [(False, "form")],
            "view_mode": "form",
            "target": target,
            "context": context,
        }

    def action_sales_admin_plan_visit(self):
        """A new visit of this customer, by the user, in the current company (not saved)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return self._get_sales_admin_form_action(
            self.env._("Plan a Visit"),
            "sales_admin.visit",
            {
                "default_partner_id": partner.id,
                "default_contact_id": self.id if self != partner else False,
                "default_user_id": self.env.uid,
                "default_company_id": self.env.company.id,
            },
        )

    def action_sales_admin_log_call(self):
        """Log a call or a complaint of this customer: the request wizard, with the caller filled in."""
        self.ensure_one()
        return self._get_sales_admin_form_action(
            self.env._("Log a Phone Call"),
            "sales_admin.ticket.log.call",
            {"default_partner_id": self.id, "default_company_id": self.env.company.id},
            target="new",
        )

    def action_sales_admin_new_quotation(self):
        """A new quotation for this customer, by the user, in the current company (not saved)."""
        self.ensure_one()
        return self._get_sales_admin_form_action(
            self.env._("New Quotation"),
            "sale.order",
            {
                "default_partner_id": self.id,
                "default_user_id": self.env.uid,
                "default_company_id": self.env.company.id,
            },
        )
