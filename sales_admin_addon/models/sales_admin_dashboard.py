from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

TREND_WEEKS = 13
TOP_CUSTOMERS = 10
MEASURES = ("ordered", "invoiced", "collected")
SCOPES = (None, "all", "mine")


class SalesAdminDashboard(models.AbstractModel):
    """The figures of the Sales Admin dashboard, read in one call with the user's rights.

    Every figure is read with the user's environment (record rules apply, nothing runs as superuser) over the
    companies the user has switched on, and carries the window action that lists exactly the records it counts:
    the client opens it on a click. Amounts are in the current company's currency (other companies' amounts are
    converted at today's rate). Figures come from grouped reads, a fixed number of queries whatever the volume.
    """

    _name = "sales_admin.dashboard"
    _description = "Sales Admin Dashboard"

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.readonly
    @api.model
    def get_dashboard_data(self, scope=None):
        """All figures of the dashboard. ``scope``: ``"mine"`` keeps the user's own figures only, ``None`` or
        ``"all"`` everything the user may read."""
        if scope not in SCOPES:
            raise UserError(self.env._("Unknown dashboard scope: %(scope)s", scope=scope))
        companies = self.env.companies
        currency = self.env.company.currency_id
        rates = self._get_rates(companies)
        today = fields.Date.context_today(self)
        weeks = self._get_week_bounds(companies, today)
        return {
            "currency_id": currency.id,
            "scope": scope or "all",
            "week": {
                "start": fields.Date.to_string(weeks[self.env.company][0]),
                "end": fields.Date.to_string(weeks[self.env.company][1]),
            },
            "weekly": self._get_weekly_figures(companies, weeks, rates, scope),
            "top_customers": self._get_top_customers(companies, weeks, rates, scope),
            "late_deliveries": self._get_late_delivery_figure(companies, scope),
            "overdue": self._get_overdue_figure(companies, rates, today, scope),
            "complaints": self._get_complaint_figure(companies, scope),
            "sla_breaches": self._get_sla_breach_figure(companies, scope),
        }

    # ------------------------------------------------------------
    # Helpers: weeks, currencies, actions
    # ------------------------------------------------------------

    @api.model
    def _get_week_bounds(self, companies, day):
        """``{company: (week_start, week_end)}`` of the company week holding ``day`` (each company has its own
        first weekday)."""
        report = self.env["sales_admin.weekly.report"]
        return {company: report._week_bounds(company, day) for company in companies}

    @api.model
    def _get_rates(self, companies):
        """``{company: rate}`` turning each company's amounts into the current company's currency (today's rate):
        one rate per foreign currency."""
        currency = self.env.company.currency_id
        today = fields.Date.context_today(self)
        by_currency = {}
        rates = {}
        for company in companies:
            if company.currency_id not in by_currency:
                by_currency[company.currency_id] = (
                    1.0
                    if company.currency_id == currency
                    else company.currency_id._get_conversion_rate(
                        company.currency_id, currency, self.env.company, today
                    )
                )
            rates[company] = by_currency[company.currency_id]
        return rates

    @api.model
    def _convert(self, amount, company, rates):
        return self.env.company.currency_id.round((amount or 0.0) * rates[company])

    @api.model
    def _prepare_action(self, name, res_model, domain, views=None, context=None):
        """The window action listing ``domain`` of ``res_model``: what a click on a figure opens."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "views": views or [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": context or {},
            "target": "current",
        }

    @api.model
    def _attainment(self, actual, target):
        return round(100.0 * actual / target, 1) if target else None

    # ------------------------------------------------------------
    # Weekly figures: this week per team and salesperson, 13-week trend, top customers
    # ------------------------------------------------------------

    @api.model
    def _get_weekly_domain(self, companies, weeks, weeks_back=0, scope=None):
        """Report rows of the companies' current week, or of the ``weeks_back`` weeks before it as well."""
        domain = self._or_domains([self._company_week_domain(company, weeks, weeks_back) for company in companies])
        if scope == "mine":
            domain = ["&", ("user_id", "=", self.env.uid), *domain]
        return domain

    @api.model
    def _company_week_domain(self, company, weeks, weeks_back):
        week_start = weeks[company][0]
        return [
            "&",
            "&",
            ("company_id", "=", company.id),
            ("week_start", ">=", fields.Date.to_string(week_start - timedelta(weeks=weeks_back))),
            ("week_start", "<=", fields.Date.to_string(week_start)),
        ]

    @api.model
    def _or_domains(self, domains):
        return ["|"] * (len(domains) - 1) + [leaf for domain in domains for leaf in domain]

    @api.model
    def _get_weekly_aggregates(self):
        return [f"{measure}:sum" for measure in MEASURES] + [f"target_{measure}:sum" for measure in MEASURES]

    @api.model
    def _prepare_weekly_row(self, totals):
        row = dict(totals)
        for measure in MEASURES:
            row[f"attainment_{measure}"] = self._attainment(totals[measure], totals[f"target_{measure}"])
        return row

    @api.model
    def _prepare_weekly_row_names(self):
        return [*MEASURES, *(f"target_{measure}" for measure in MEASURES)]

    @api.model
    def _sum_converted(self, groups, rates, key_count=1):
        """Sum the grouped measures per key (the ``key_count`` first group values; the next one is the company),
        converted into the current company's currency. Keeps the keys in the order they come."""
        names = self._prepare_weekly_row_names()
        totals = defaultdict(lambda: dict.fromkeys(names, 0.0))
        for group in groups:
            key = group[:key_count] if key_count > 1 else group[0]
            company = group[key_count]
            for name, amount in zip(names, group[key_count + 1 :], strict=True):
                totals[key][name] += self._convert(amount, company, rates)
        return totals

    @api.model
    def _get_report_bounds(self, weeks, weeks_back=0):
        """The days the weekly report computes for the companies' ``weeks`` and the ``weeks_back`` weeks before
        them: given to it as ``sales_admin_weekly_bounds`` so that it does not sum the whole history of orders,
        invoices and payments first (the lists opened from the figures read the whole report: the same rows)."""
        return (
            fields.Date.to_string(min(start for start, __ in weeks.values()) - timedelta(weeks=weeks_back)),
            fields.Date.to_string(max(end for __, end in weeks.values())),
        )

    @api.model
    def _get_weekly_figures(self, companies, weeks, rates, scope=None):
        Report = self.env["sales_admin.weekly.report"]
        if not Report.has_access("read"):
            return False
        Report = Report.with_context(sales_admin_weekly_bounds=self._get_report_bounds(weeks, TREND_WEEKS - 1))
        aggregates = self._get_weekly_aggregates()
        week_domain = self._get_weekly_domain(companies, weeks, 0, scope)
        trend_domain = self._get_weekly_domain(companies, weeks, TREND_WEEKS - 1, scope)
        report_name = self.env._("Weekly Sales")

        teams = self._sum_converted(Report._read_group(week_domain, ["team_id", "company_id"], aggregates), rates)
        users = self._sum_converted(Report._read_group(week_domain, ["user_id", "company_id"], aggregates), rates)
        weeks_totals = self._sum_converted(
            Report._read_group(trend_domain, ["week_label", "company_id"], aggregates, order="week_label"), rates
        )

        def rows(totals, field_name, empty_label):
            result = []
            for record, figures in totals.items():
                domain = [*week_domain, (field_name, "=", record.id)]
                result.append(
                    {
                        "id": record.id,
                        "name": record.display_name or empty_label,
                        **self._prepare_weekly_row(figures),
                        "action": self._prepare_action(
                            f"{report_name}: {record.display_name or empty_label}", Report._name, domain
                        ),
                    }
                )
            return sorted(result, key=lambda row: (-row["ordered"], row["name"]))

        trend = [
            {
                "label": label,
                **figures,
                "action": self._prepare_action(
                    f"{report_name}: {label}", Report._name, [*trend_domain, ("week_label", "=", label)]
                ),
            }
            for label, figures in sorted(weeks_totals.items())
        ]
        week_totals = dict.fromkeys(self._prepare_weekly_row_names(), 0.0)
        for figures in teams.values():
            for name, amount in figures.items():
                week_totals[name] += amount
        return {
            "totals": self._prepare_weekly_row(week_totals),
            "teams": rows(teams, "team_id", self.env._("No Sales Team")),
            "salespeople": rows(users, "user_id", self.env._("No Salesperson")),
            "trend": trend,
            "action": self._prepare_action(report_name, Report._name, week_domain),
        }

    # ------------------------------------------------------------
    # Top customers: invoiced over the trend's weeks
    # ------------------------------------------------------------

    @api.model
    def _get_top_customers(self, companies, weeks, rates, scope=None):
        """The customers invoiced most over the trend's weeks, from the weekly figures per customer (the weekly
        report's rules). With one currency the database sorts and cuts; companies in several currencies are
        converted first, then sorted here."""
        Report = self.env["sales_admin.weekly.customer.report"]
        if not Report.has_access("read"):
            return False
        domain = [
            *self._get_weekly_domain(companies, weeks, TREND_WEEKS - 1, scope),
            ("partner_id", "!=", False),
            ("invoiced", "!=", False),
        ]
        if len(companies.currency_id) == 1:
            company = companies[:1]
            ranked = [
                (partner, self._convert(invoiced, company, rates))
                for partner, invoiced in Report._read_group(
                    domain,
                    ["partner_id"],
                    ["invoiced:sum"],
                    [("invoiced:sum", ">", 0)],
                    order="invoiced:sum desc, partner_id",
                    limit=TOP_CUSTOMERS,
                )
            ]
        else:
            totals = defaultdict(float)
            for partner, company, invoiced in Report._read_group(
                domain, ["partner_id", "company_id"], ["invoiced:sum"]
            ):
                totals[partner] += self._convert(invoiced, company, rates)
            ranked = sorted(
                ((partner, invoiced) for partner, invoiced in totals.items() if invoiced > 0),
                key=lambda item: (-item[1], item[0].id),
            )[:TOP_CUSTOMERS]
        return [
            {
                "id": partner.id,
                "name": partner.display_name,
                "invoiced": invoiced,
                "action": self._prepare_action(
                    self.env._("Invoiced: %(customer)s", customer=partner.display_name),
                    Report._name,
                    [*domain, ("partner_id", "=", partner.id)],
                ),
            }
            for partner, invoiced in ranked
        ]

    # ------------------------------------------------------------
    # Counters: late deliveries, overdue, complaints, SLA breaches
    # ------------------------------------------------------------

    @api.model
    def _get_late_delivery_domain(self, companies, scope=None):
        domain = [("company_id", "in", companies.ids), ("sales_admin_delivery_state", "=", "late")]
        if scope == "mine":
            domain.append(("user_id", "=", self.env.uid))
        return domain

    @api.model
    def _get_late_delivery_figure(self, companies, scope=None):
        Order = self.env["sale.order"]
        if not Order.has_access("read"):
            return False
        domain = self._get_late_delivery_domain(companies, scope)
        return {
            "count": Order.search_count(domain),
            "action": self._prepare_action(
                self.env._("Late Deliveries"),
                Order._name,
                domain,
                views=[[self.env.ref("sales_admin_addon.sale_order_view_list_delivery").id, "list"], [False, "form"]],
            ),
        }

    @api.model
    def _get_overdue_domain(self, companies, today, scope=None):
        """Open customer invoices past their due date: what the customers owe late."""
        domain = [
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", fields.Date.to_string(today)),
        ]
        if scope == "mine":
            domain.append(("invoice_user_id", "=", self.env.uid))
        return domain

    @api.model
    def _get_overdue_figure(self, companies, rates, today, scope=None):
        Move = self.env["account.move"]
        if not Move.has_access("read"):
            return False
        domain = self._get_overdue_domain(companies, today, scope)
        groups = Move._read_group(domain, ["company_id"], ["__count", "amount_residual_signed:sum"])
        return {
            "count": sum(count for __, count, __ in groups),
            "amount": sum(self._convert(amount, company, rates) for company, __, amount in groups),
            "action": self._prepare_action(
                self.env._("Overdue Invoices"),
                Move._name,
                domain,
                views=[[self.env.ref("account.view_out_invoice_tree").id, "list"], [False, "form"]],
                context={"default_move_type": "out_invoice"},
            ),
        }

    @api.model
    def _get_ticket_scope_domain(self, scope=None):
        if scope != "mine":
            return []
        return self.env["sales_admin.ticket"]._get_owned_domain([self.env.uid])

    @api.model
    def _get_complaint_domain(self, companies, scope=None):
        return [
            ("company_id", "in", companies.ids),
            ("is_complaint", "=", True),
            ("is_closed", "=", False),
            *self._get_ticket_scope_domain(scope),
        ]

    @api.model
    def _get_sla_breach_domain(self, companies, scope=None):
        """Open tickets whose response or resolution deadline is missed."""
        return [
            ("company_id", "in", companies.ids),
            *self.env["sales_admin.ticket"]._get_sla_breached_domain(),
            *self._get_ticket_scope_domain(scope),
        ]

    @api.model
    def _get_ticket_figure(self, name, domain):
        Ticket = self.env["sales_admin.ticket"]
        if not Ticket.has_access("read"):
            return False
        return {"count": Ticket.search_count(domain), "action": self._prepare_action(name, Ticket._name, domain)}

    @api.model
    def _get_complaint_figure(self, companies, scope=None):
        return self._get_ticket_figure(self.env._("Open Complaints"), self._get_complaint_domain(companies, scope))

    @api.model
    def _get_sla_breach_figure(self, companies, scope=None):
        return self._get_ticket_figure(self.env._("SLA Breaches"), self._get_sla_breach_domain(companies, scope))
