import ast
import logging
import threading

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, split_every
from odoo.tools.misc import clean_context

_logger = logging.getLogger(__name__)

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
SYNC_BATCH_SIZE = 5000


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
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        check_company=True,
    )
    description = fields.Text()

    # criteria: each one that is set narrows the segment
    category_ids = fields.Many2many(
        "res.partner.category", string="Tags", help="Customers with at least one of these tags."
    )
    salesperson_ids = fields.Many2many(
        "res.users", string="Salespersons", help="Customers whose salesperson is one of these."
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        help="Customers whose salesperson is a member or the leader of one of these sales teams.",
    )
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
    extra_domain_uid = fields.Many2one(
        "res.users",
        string="Conditions Written By",
        readonly=True,
        copy=False,
        help="The other conditions are evaluated with this user's rights (who last wrote them): what they read of "
        "other records (orders, invoices) stops at what that user may read.",
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
            domain = segment._parse_extra_domain()
            if self.env.su:
                continue
            # the members are counted and synced as superuser: the conditions may only read what their author
            # may read, or the member count would tell him what he may not see (a field of another group, a
            # model he has no access to)
            try:
                self.env["res.partner"]._search(domain)
            except AccessError as error:
                raise ValidationError(
                    self.env._(
                        "Segment %(segment)s: the other conditions read data you may not see (%(error)s).",
                        segment=segment.name,
                        error=error,
                    )
                ) from error

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
        # one count per segment: every segment has its own domain. Counted as superuser, as the sync selects
        # them: the count is the size of the list, whoever looks (a marketing user without sales rights cannot
        # search on the customers' sales fields the criteria use); the members themselves open with the user's
        # rights (action_view_members).
        Partner = self.env["res.partner"].sudo()
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
            # partners have no sales team of their own here (crm is not installed): the team's salespersons'
            teams = self.sudo().team_ids
            domain.append(("user_id", "in", (teams.member_ids | teams.user_id).ids))
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
        return expression.AND([domain, self._get_extra_domain()])

    def _get_extra_domain(self):
        """The free conditions, evaluated with their author's rights: the members are selected as superuser, so
        a condition on other records (``sale_order_ids.amount_total``) would otherwise read every company's."""
        self.ensure_one()
        domain = self._parse_extra_domain()
        author = self.extra_domain_uid
        if not author or not domain:
            return domain
        companies = self.company_id if self.company_id in author.company_ids else author.company_ids
        partners = self.env["res.partner"].with_user(author).with_context(allowed_company_ids=companies.ids)
        try:
            return [("id", "in", partners.with_context(active_test=False)._search(domain))]
        except AccessError as error:
            raise ValidationError(
                self.env._(
                    "Segment %(segment)s: %(user)s, who wrote its other conditions, may no longer read what they "
                    "use (%(error)s). Write them again.",
                    segment=self.name,
                    user=author.name,
                    error=error,
                )
            ) from error

    def _get_partner_domain(self):
        """The members: the customers that match (and their contact persons, by the audience), active, of a company
        the segment may use, with marketing consent when it is required. Members without a usable e-mail address
        are still members (labels go by post); the mailing list sync leaves them out."""
        self.ensure_one()
        # the criteria read the customers' sales fields (salesman-only) and the revenue: they are the segment's
        # definition, evaluated as superuser; whoever searches the members still sees them with their own rights
        customers = self.env["res.partner"].sudo().with_context(active_test=True)._search(self._get_criteria_domain())
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
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._set_extra_domain_author(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._set_extra_domain_author(vals)
        return super().write(vals)

    def _set_extra_domain_author(self, vals):
        # superuser (data files, scripts): evaluated as superuser, as before the field existed
        if "extra_domain" in vals:
            vals["extra_domain_uid"] = False if self.env.su else self.env.uid

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

    def action_view_mailing_contacts(self):
        """The contacts of the segment's list (marketing users: the list is theirs to read)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contacts of %(list)s", list=self.mailing_list_id.name),
            "res_model": "mailing.contact",
            "view_mode": "list,form",
            "domain": [("list_ids", "in", self.mailing_list_id.ids)],
            "context": {"default_list_ids": self.mailing_list_id.ids, "create": False},
        }

    def action_sync_mailing_list(self):
        """Sync Now: bring the segments' mailing lists in line with their members at once."""
        counts = {}
        for segment in self:
            for key, value in segment._sync_mailing_list(post_note=True).items():
                counts[key] = counts.get(key, 0) + value
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Mailing list synced"),
                "message": self.env._(
                    "%(added)s contacts added, %(removed)s removed, %(unchanged)s already on the list.",
                    added=counts.get("added", 0),
                    removed=counts.get("removed", 0),
                    unchanged=counts.get("unchanged", 0),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------
    # Mailing list sync
    # ------------------------------------------------------------

    def _prepare_sync_tables(self):
        """Materialise the members and the list's subscriptions of the segment in two temporary tables (dropped
        at the end of the transaction), with their statistics: the plan joins a few hundred thousand rows on both
        sides, and only real statistics keep PostgreSQL on hash joins (a CTE's guessed row count once led it to a
        nested loop of 170k x 170k rows). One query.

        - ``sales_admin_segment_sync_member``: the members (``_get_partner_domain``) with their normalised e-mail,
          whether they have no e-mail at all, whether the address is blacklisted, and ``chosen``: one member per
          normalised e-mail among those with a valid, not blacklisted address, the commercial entity first, then
          the lowest id (the others are duplicates);
        - ``sales_admin_segment_sync_listed``: the subscriptions of the segment's list with their contact's
          partner and e-mail (the subscriptions first, analysed, then their contacts: the contacts and
          subscriptions written earlier in the same transaction, a cron's other segments say, have no statistics
          yet, and a join on them planned as for a handful of rows went quadratic)."""
        self.ensure_one()
        members = self.env["res.partner"].sudo().with_context(active_test=True)._search(self._get_partner_domain())
        self.env.execute_query(
            SQL(
                """
                DROP TABLE IF EXISTS sales_admin_segment_sync_member, sales_admin_segment_sync_listed;
                CREATE TEMPORARY TABLE sales_admin_segment_sync_member ON COMMIT DROP AS
                SELECT m.*,
                       m.valid AND row_number() OVER (
                           PARTITION BY m.valid, m.email_normalized
                               ORDER BY m.id != m.commercial_partner_id, m.id
                       ) = 1 AS chosen
                  FROM (
                      SELECT p.id,
                             p.commercial_partner_id,
                             p.email_normalized,
                             COALESCE(btrim(p.email), '') = '' AS no_email,
                             bl.id IS NOT NULL AS blacklisted,
                             COALESCE(btrim(p.email), '') != '' AND p.email_normalized IS NOT NULL
                                 AND bl.id IS NULL AS valid
                        FROM res_partner p
                   LEFT JOIN mail_blacklist bl ON bl.email = p.email_normalized AND bl.active
                       WHERE p.id IN %(members)s
                  ) m;
                CREATE TEMPORARY TABLE sales_admin_segment_sync_listed ON COMMIT DROP AS
                SELECT s.id AS subscription_id, s.opt_out, s.contact_id, NULL::int AS partner_id,
                       NULL::varchar AS email_normalized
                  FROM mailing_subscription s
                 WHERE s.list_id = %(list_id)s;
                ANALYZE sales_admin_segment_sync_listed;
                UPDATE sales_admin_segment_sync_listed l
                   SET partner_id = c.partner_id, email_normalized = c.email_normalized
                  FROM mailing_contact c
                 WHERE c.id = l.contact_id;
                ANALYZE sales_admin_segment_sync_member, sales_admin_segment_sync_listed;
                """,
                members=members.subselect(),
                list_id=self.mailing_list_id.id,
            )
        )

    def _get_sync_sql(self, select):
        """A query on the sync plan (see ``_prepare_sync_tables``): ``select`` reads from these CTEs:

        - ``member`` and ``listed``: the two temporary tables;
        - ``chosen``: the members kept, one per normalised e-mail;
        - ``target``: the chosen members, each with its state: ``unchanged`` (a contact of the same partner and
          e-mail is subscribed), ``opted_out`` (the partner or the address opted out of this list: never
          re-subscribed) or ``add``.
        Every join is an equality (hash joins), so the plan stays linear in the number of members."""
        return SQL(
            """
            WITH member AS NOT MATERIALIZED (
                SELECT * FROM sales_admin_segment_sync_member
            ),
            listed AS NOT MATERIALIZED (
                SELECT * FROM sales_admin_segment_sync_listed
            ),
            chosen AS NOT MATERIALIZED (
                SELECT id AS partner_id, email_normalized FROM sales_admin_segment_sync_member WHERE chosen
            ),
            target AS (
                SELECT ch.partner_id,
                       ch.email_normalized,
                       CASE
                           WHEN subscribed.partner_id IS NOT NULL THEN 'unchanged'
                           WHEN out_partner.partner_id IS NOT NULL OR out_email.email_normalized IS NOT NULL
                               THEN 'opted_out'
                           ELSE 'add'
                       END AS state
                  FROM chosen ch
             LEFT JOIN (SELECT DISTINCT partner_id, email_normalized FROM listed WHERE NOT opt_out) subscribed
                    ON subscribed.partner_id = ch.partner_id AND subscribed.email_normalized = ch.email_normalized
             LEFT JOIN (SELECT DISTINCT partner_id FROM listed WHERE opt_out) out_partner
                    ON out_partner.partner_id = ch.partner_id
             LEFT JOIN (SELECT DISTINCT email_normalized FROM listed WHERE opt_out) out_email
                    ON out_email.email_normalized = ch.email_normalized
            )
            %(select)s
            """,
            select=select,
        )

    def _prepare_mailing_list_vals(self):
        self.ensure_one()
        return {"name": self.name, "is_public": False}

    def _prepare_mailing_contact_vals(self, partner, email_normalized):
        """A new list contact for the partner (hook: add the fields a mailing should know)."""
        return {
            "name": partner.name,
            "email": email_normalized,
            "partner_id": partner.id,
            "company_name": partner.commercial_company_name or False,
            "country_id": partner.country_id.id,
        }

    def _sync_mailing_list(self, batch_size=SYNC_BATCH_SIZE, post_note=False):
        """Bring the segment's mailing list (created on the first sync, named after the segment) in line with its
        members, and return the counts:

        ``added`` contacts subscribed, ``removed`` leavers unsubscribed (leaver policy "remove"), ``kept`` leavers
        left on the list (policy "keep"), ``unchanged`` members already subscribed, ``skipped_invalid`` members whose
        e-mail cannot be normalised (logged), ``skipped_no_email`` members without an e-mail (postal only),
        ``skipped_blacklisted`` members whose address is blacklisted, ``skipped_opted_out`` members who opted out of
        this list (never re-subscribed), ``duplicates`` members sharing a normalised e-mail with the member kept.
        Every member falls in exactly one of the skipped, duplicates, unchanged or added counts.

        Each list contact is linked to its partner; an existing contact of the same partner and e-mail (on another
        segment's list, say) is reused rather than duplicated. Opted-out subscriptions are never deleted: they are
        the record of the opt-out. Contacts are never deleted either: their mailing traces are the partner's
        history. The plan is read in a few queries before anything is written, then applied in batches of
        ``batch_size`` (a bounded number of queries per batch). A second sync writes nothing.

        Rights: whoever may write the segment may sync it; the list, its contacts and subscriptions (the
        segment's own list, which marketing and sales administration users manage through the segment) are then
        written as superuser, so that a Sales Administration user without mass-mailing rights can sync, and the
        members are read as superuser so that the list does not depend on who presses the button (the company
        and consent limits are in the segment's domain)."""
        self.ensure_one()
        self.check_access("write")
        if not self.active:
            raise UserError(self.env._("Segment %(segment)s is archived: it cannot be synced.", segment=self.name))
        self._parse_extra_domain()
        if batch_size < 1:
            raise UserError(self.env._("The sync batch size must be at least 1."))
        self.flush_recordset()
        locked = self.env.execute_query(
            SQL("SELECT id FROM sales_admin_segment WHERE id = %s FOR UPDATE SKIP LOCKED", self.id)
        )
        if not locked:
            raise UserError(
                self.env._("Segment %(segment)s is being synced right now: try again later.", segment=self.name)
            )
        segment = self.sudo()
        # no default_* of the caller (a list's or a wizard's) may leak into the contacts and subscriptions
        env = self.env(context=clean_context(self.env.context), su=True)
        Contact = env["mailing.contact"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        Subscription = env["mailing.subscription"]
        Partner = self.env["res.partner"].sudo()
        if not segment.mailing_list_id:
            segment.mailing_list_id = self.env["mailing.list"].sudo().create(self._prepare_mailing_list_vals())
        elif segment.mailing_list_id.name != self.name:
            segment.mailing_list_id.name = self.name
        mailing_list = segment.mailing_list_id
        self.env.flush_all()

        # the plan, read before anything is written
        self._prepare_sync_tables()
        [(total, no_email, invalid, blacklisted, chosen, unchanged, opted_out)] = self.env.execute_query(
            self._get_sync_sql(
                SQL(
                    """
                    SELECT (SELECT count(*) FROM member),
                           (SELECT count(*) FROM member WHERE no_email),
                           (SELECT count(*) FROM member WHERE NOT no_email AND email_normalized IS NULL),
                           (SELECT count(*) FROM member WHERE email_normalized IS NOT NULL AND blacklisted),
                           (SELECT count(*) FROM member WHERE chosen),
                           (SELECT count(*) FROM target WHERE state = 'unchanged'),
                           (SELECT count(*) FROM target WHERE state = 'opted_out')
                    """
                )
            )
        )
        to_add = self.env.execute_query(
            self._get_sync_sql(
                SQL(
                    """
                    SELECT t.partner_id,
                           t.email_normalized,
                           (SELECT c.id
                              FROM mailing_contact c
                             WHERE c.partner_id = t.partner_id AND c.email_normalized = t.email_normalized
                          ORDER BY c.id
                             LIMIT 1)
                      FROM target t
                     WHERE t.state = 'add'
                  ORDER BY t.partner_id
                    """
                )
            )
        )
        leaver_ids = [
            row[0]
            for row in self.env.execute_query(
                self._get_sync_sql(
                    SQL(
                        """
                        SELECT l.subscription_id
                          FROM listed l
                     LEFT JOIN chosen ch
                            ON ch.partner_id = l.partner_id AND ch.email_normalized = l.email_normalized
                         WHERE NOT l.opt_out AND l.partner_id IS NOT NULL AND ch.partner_id IS NULL
                      ORDER BY l.subscription_id
                        """
                    )
                )
            )
        ]
        if invalid:
            invalid_ids = self.env.execute_query(
                self._get_sync_sql(
                    SQL("SELECT id FROM member WHERE NOT no_email AND email_normalized IS NULL ORDER BY id LIMIT 20")
                )
            )
            _logger.info(
                "Segment %s (%s): %s members skipped, their e-mail cannot be normalised (partners %s%s)",
                self.id,
                self.name,
                invalid,
                ", ".join(str(row[0]) for row in invalid_ids),
                ", ..." if invalid > len(invalid_ids) else "",
            )

        # the writes, batch by batch
        analyzed = False
        for batch in split_every(batch_size, to_add, list):
            partners = Partner.browse([row[0] for row in batch])
            partners.fetch(["name", "commercial_company_name", "country_id"])
            new_rows = [row for row in batch if not row[2]]
            contacts = Contact.create(
                [segment._prepare_mailing_contact_vals(Partner.browse(row[0]), row[1]) for row in new_rows]
            )
            contact_ids = iter(contacts.ids)
            if contacts and not analyzed:
                # PostgreSQL checks each new subscription's contact (foreign key) with a plan made once per
                # connection: made while mailing_contact was small, it scans the table, and a first sync of a large
                # segment into an empty table went quadratic (5 billion rows read for 170k contacts). Fresh
                # statistics, once per sync, replan it as an index lookup.
                self.env.cr.execute("ANALYZE mailing_contact")
                analyzed = True
            Subscription.create(
                [
                    # opt_out_datetime given: no UPDATE of the new rows to compute it
                    {
                        "contact_id": row[2] or next(contact_ids),
                        "list_id": mailing_list.id,
                        "opt_out": False,
                        "opt_out_datetime": False,
                    }
                    for row in batch
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
        removed = kept = 0
        if segment.leaver_policy == "remove":
            for batch_ids in split_every(batch_size, leaver_ids, list):
                Subscription.browse(batch_ids).unlink()
                self.env.invalidate_all()
            removed = len(leaver_ids)
        else:
            kept = len(leaver_ids)

        counts = {
            "added": len(to_add),
            "removed": removed,
            "kept": kept,
            "unchanged": unchanged,
            "skipped_invalid": invalid,
            "skipped_no_email": no_email,
            "skipped_blacklisted": blacklisted,
            "skipped_opted_out": opted_out,
            "duplicates": total - no_email - invalid - blacklisted - chosen,
        }
        segment.last_sync_date = fields.Datetime.now()
        if post_note or counts["added"] or counts["removed"]:
            segment._post_sync_note(counts)
        return counts

    def _post_sync_note(self, counts):
        self.ensure_one()
        lines = [
            (self.env._("Added"), counts["added"]),
            (self.env._("Removed (no longer members)"), counts["removed"]),
            (self.env._("Kept (no longer members)"), counts["kept"]),
            (self.env._("Already on the list"), counts["unchanged"]),
            (self.env._("Skipped: e-mail cannot be normalised"), counts["skipped_invalid"]),
            (self.env._("Skipped: no e-mail"), counts["skipped_no_email"]),
            (self.env._("Skipped: blacklisted"), counts["skipped_blacklisted"]),
            (self.env._("Skipped: opted out of the list"), counts["skipped_opted_out"]),
            (self.env._("Duplicate e-mails"), counts["duplicates"]),
        ]
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Mailing list %(list)s synced.", list=self.mailing_list_id.name),
            Markup().join(Markup("<li>%s: %s</li>") % (label, value) for label, value in lines if value),
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    @api.model
    def _cron_sync_mailing_lists(self, batch_size=SYNC_BATCH_SIZE):
        """Sync the active segments marked for daily sync, one segment per transaction: each is taken FOR UPDATE
        SKIP LOCKED (overlapping runs, on several workers, never sync the same segment at once) and committed on
        its own outside tests. A segment that fails is rolled back alone (its list stays as it was), logged, and
        retried by the next run; the others go on. A run skips the segments synced since it started."""
        testing = modules.module.current_test or getattr(threading.current_thread(), "testing", False)
        started = self.env.cr.now()
        segments = self.sudo()
        remaining = segments.search_count([("auto_sync", "=", True)])
        seen_ids = [0]
        done = 0
        while True:
            segments.flush_model(["active", "auto_sync", "last_sync_date"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM sales_admin_segment
                     WHERE active AND auto_sync
                       AND id != ALL(%(seen)s)
                       AND (last_sync_date IS NULL OR last_sync_date < %(started)s)
                  ORDER BY last_sync_date NULLS FIRST, id
                     LIMIT 1
                       FOR UPDATE SKIP LOCKED
                    """,
                    seen=seen_ids,
                    started=started,
                )
            )
            if not rows:
                break
            segment = segments.browse(rows[0][0])
            seen_ids.append(segment.id)
            try:
                with self.env.cr.savepoint():
                    segment._sync_mailing_list(batch_size=batch_size)
            except Exception:  # noqa: BLE001 -- one segment must not stop the others; logged, retried next run
                _logger.exception("Sync of the mailing list of segment %s failed", segment.id)
                self.env.invalidate_all()
            done += 1
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining - done, 0))
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done
