from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

NOW = datetime(2026, 11, 25, 10, 0)  # a Wednesday: the company week runs Monday 23 to Sunday 29 November (W48)
WEEK_START = date(2026, 11, 23)
LAST_MONTH = datetime(2026, 10, 14, 10, 0)  # six weeks back, inside the 13-week trend
# one grouped read or count per figure, a few for names, rules and the currency: whatever the number of records
QUERIES = 22


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestDashboard(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.env.user.tz = "UTC"
        lang = cls.env["res.lang"]._activate_lang(cls.company.partner_id.lang or "en_US")
        cls.company.partner_id.lang = lang.code
        lang.week_start = "1"
        cls.company.resource_calendar_id = cls.env["resource.calendar"].create({"name": "Biuro", "tz": "UTC"})
        cls.rep = new_test_user(
            cls.env, login="sa_dash_rep", name="Anna Nowak", groups="sales_team.group_sale_salesman", tz="UTC"
        )
        cls.other_rep = new_test_user(
            cls.env, login="sa_dash_rep2", name="Ewa Zielińska", groups="sales_team.group_sale_salesman", tz="UTC"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Północ", "member_ids": [Command.link(cls.rep.id), Command.link(cls.other_rep.id)]}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Hurtownia Anny", "is_company": True, "user_id": cls.rep.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Hurtownia Ewy", "is_company": True, "user_id": cls.other_rep.id}
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Paleta płytek", "type": "consu", "is_storable": True, "invoice_policy": "order"}
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.goods, warehouse.lot_stock_id, 100_000)

        # targets of the week
        Target = cls.env["sales_admin.target"]
        for user, ordered, invoiced in ((cls.rep, 2000, 800), (cls.other_rep, 1000, 400)):
            Target.create(
                {
                    "user_id": user.id,
                    "team_id": cls.team.id,
                    "period_type": "week",
                    "date_from": WEEK_START,
                    "phasing": "even",
                    "target_ordered": ordered,
                    "target_invoiced": invoiced,
                }
            )

        # orders: confirmed this week, one of each salesperson late, one on schedule
        cls.late_order = cls._order(cls.customer, cls.rep, 10, NOW - timedelta(days=2), NOW - timedelta(days=1))
        cls.other_late_order = cls._order(
            cls.other_customer, cls.other_rep, 5, NOW - timedelta(days=2), NOW - timedelta(days=1)
        )
        cls.on_time_order = cls._order(cls.customer, cls.rep, 3, NOW, NOW + timedelta(days=10))

        # invoices: an overdue one each, one not due yet; the rep's customer also paid part of an older one
        cls.overdue_invoice = cls._invoice(cls.customer, cls.rep, LAST_MONTH, 1000)
        cls.other_overdue_invoice = cls._invoice(cls.other_customer, cls.other_rep, LAST_MONTH, 500)
        cls.partly_paid_invoice = cls._invoice(cls.customer, cls.rep, LAST_MONTH, 300)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.partly_paid_invoice.ids
        ).create({"amount": 100, "payment_date": LAST_MONTH.date()})._create_payments()
        cls.current_invoice = cls._invoice(cls.customer, cls.rep, NOW, 700, due=NOW.date() + timedelta(days=30))

        # tickets: open complaints of each customer, a closed complaint, an open request, an SLA breach
        cls.env["sales_admin.ticket.sla"].search([]).active = False
        cls.env["sales_admin.ticket.sla"].create(
            {"name": "Wszystkie", "sequence": 1, "response_hours": 2, "resolution_hours": 8}
        )
        complaint = cls.env.ref("sales_admin_addon.ticket_type_complaint")
        request = cls.env.ref("sales_admin_addon.ticket_type_request")
        cls.complaint = cls._ticket(cls.customer, complaint, NOW)
        cls.other_complaint = cls._ticket(cls.other_customer, complaint, NOW)
        cls.closed_complaint = cls._ticket(cls.customer, complaint, NOW)
        cls.closed_complaint.stage_id = cls.env.ref("sales_admin_addon.ticket_stage_solved")
        cls.request = cls._ticket(cls.other_customer, request, NOW)
        cls.breached = cls._ticket(cls.customer, request, NOW - timedelta(days=3))
        cls.env["sales_admin.ticket"]._cron_sla_escalate()
        cls.env.flush_all()
        cls.Dashboard = cls.env["sales_admin.dashboard"]

    @classmethod
    def _order(cls, customer, user, qty, ordered, promised, price=100):
        with freeze_time(ordered):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "team_id": cls.team.id,
                    "commitment_date": promised,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.goods.id, "product_uom_qty": qty, "price_unit": price, "tax_id": []}
                        )
                    ],
                }
            )
            order.action_confirm()
        return order

    @classmethod
    def _invoice(cls, customer, user, day, amount, due=None):
        with freeze_time(day):
            invoice = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_user_id": user.id,
                    "team_id": cls.team.id,
                    "invoice_date": day.date(),
                    "invoice_date_due": due or day.date() + timedelta(days=14),
                    "invoice_line_ids": [
                        Command.create({"product_id": cls.goods.id, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
        return invoice

    @classmethod
    def _ticket(cls, customer, ticket_type, opened):
        with freeze_time(opened):
            return cls.env["sales_admin.ticket"].create(
                {"title": "Reklamacja", "partner_id": customer.id, "ticket_type_id": ticket_type.id}
            )

    # helpers

    def _count(self, env, figure):
        action = figure["action"]
        return env[action["res_model"]].search_count(action["domain"])

    def _sum(self, env, action, measure):
        [[total]] = env[action["res_model"]]._read_group(action["domain"], [], [f"{measure}:sum"])
        return total

    def _assert_counters_open_what_they_count(self, env, data):
        for key in ("late_deliveries", "complaints", "sla_breaches", "overdue"):
            figure = data[key]
            self.assertEqual(figure["count"], self._count(env, figure), key)
            self.assertEqual(figure["action"]["type"], "ir.actions.act_window")
            self.assertEqual(figure["action"]["views"][0][1], "list", f"{key} opens a list")
        self.assertAlmostEqual(
            data["overdue"]["amount"], self._sum(env, data["overdue"]["action"], "amount_residual_signed")
        )
        weekly = data["weekly"]
        for row in weekly["teams"] + weekly["salespeople"]:
            for measure in ("ordered", "invoiced", "collected", "target_ordered", "target_invoiced"):
                self.assertAlmostEqual(row[measure], self._sum(env, row["action"], measure), msg=(row, measure))
        for week in weekly["trend"]:
            for measure in ("ordered", "invoiced", "collected", "target_ordered"):
                self.assertAlmostEqual(week[measure], self._sum(env, week["action"], measure), msg=(week, measure))
        for customer in data["top_customers"]:
            self.assertAlmostEqual(customer["invoiced"], self._sum(env, customer["action"], "invoiced"))
        self.assertAlmostEqual(weekly["totals"]["ordered"], self._sum(env, weekly["action"], "ordered"))

    # tests

    def test_fixtures(self):
        """Each counter has something to count, and something next to it that it must not count."""
        self.assertEqual((self.late_order | self.other_late_order).mapped("sales_admin_delivery_state"), ["late"] * 2)
        self.assertEqual(self.on_time_order.sales_admin_delivery_state, "on_schedule")
        self.assertEqual(self.partly_paid_invoice.payment_state, "partial")
        self.assertTrue(self.breached.sla_response_breached and self.breached.sla_resolution_breached)
        self.assertFalse(self.complaint.sla_response_breached or self.complaint.sla_resolution_breached)
        self.assertTrue(self.closed_complaint.is_closed)

    def test_counters_as_sales_admin(self):
        data = self.Dashboard.with_user(self.sales_admin_user).get_dashboard_data()
        env = self.env(user=self.sales_admin_user)
        self.assertEqual(data["week"], {"start": "2026-11-23", "end": "2026-11-29"})
        self.assertEqual(data["currency_id"], self.company.currency_id.id)
        self.assertEqual(data["late_deliveries"]["count"], 2)
        self.assertEqual(
            env["sale.order"].search(data["late_deliveries"]["action"]["domain"]),
            self.late_order | self.other_late_order,
        )
        self.assertEqual(data["overdue"]["count"], 3)
        self.assertAlmostEqual(data["overdue"]["amount"], 1000 + 500 + 200)
        self.assertEqual(
            env["account.move"].search(data["overdue"]["action"]["domain"]),
            self.overdue_invoice | self.other_overdue_invoice | self.partly_paid_invoice,
        )
        self.assertEqual(data["complaints"]["count"], 2)
        self.assertEqual(
            env["sales_admin.ticket"].search(data["complaints"]["action"]["domain"]),
            self.complaint | self.other_complaint,
        )
        self.assertEqual(data["sla_breaches"]["count"], 1)
        self.assertEqual(env["sales_admin.ticket"].search(data["sla_breaches"]["action"]["domain"]), self.breached)
        self._assert_counters_open_what_they_count(env, data)

    def test_weekly_figures(self):
        data = self.Dashboard.with_user(self.sales_admin_manager).get_dashboard_data()
        weekly = data["weekly"]
        by_user = {row["id"]: row for row in weekly["salespeople"]}
        rep = by_user[self.rep.id]
        self.assertAlmostEqual(rep["ordered"], 1000 + 300)
        self.assertAlmostEqual(rep["target_ordered"], 2000)
        self.assertAlmostEqual(rep["attainment_ordered"], 65.0)
        self.assertAlmostEqual(rep["invoiced"], 700)
        self.assertAlmostEqual(rep["target_invoiced"], 800)
        self.assertAlmostEqual(rep["attainment_invoiced"], 87.5)
        self.assertIsNone(rep["attainment_collected"], "no collected target: no ratio")
        other = by_user[self.other_rep.id]
        self.assertAlmostEqual(other["ordered"], 500)
        self.assertAlmostEqual(other["attainment_ordered"], 50.0)
        [team] = [row for row in weekly["teams"] if row["id"] == self.team.id]
        self.assertEqual(team["name"], "Północ")
        self.assertAlmostEqual(team["ordered"], 1800)
        self.assertAlmostEqual(team["target_ordered"], 3000)
        self.assertAlmostEqual(team["attainment_ordered"], 60.0)
        self.assertEqual(weekly["salespeople"][0]["id"], self.rep.id, "highest ordered first")

        labels = [week["label"] for week in weekly["trend"]]
        self.assertEqual(labels, sorted(labels))
        self.assertLessEqual(len(labels), 13)
        self.assertEqual(labels[-1], "2026-W48")
        trend = {week["label"]: week for week in weekly["trend"]}
        self.assertAlmostEqual(trend["2026-W42"]["invoiced"], 1000 + 500 + 300)
        self.assertAlmostEqual(trend["2026-W42"]["collected"], 100)
        self.assertAlmostEqual(trend["2026-W48"]["ordered"], 1800)

        top = [(customer["id"], customer["invoiced"]) for customer in data["top_customers"]]
        action = data["top_customers"][0]["action"]
        rows = self.env(user=self.sales_admin_manager)[action["res_model"]].search(action["domain"])
        self.assertEqual(
            (rows.partner_id, sorted(rows.mapped("invoiced"))),
            (self.customer, [700, 1000 + 300]),  # one row per week
            "a customer opens the invoiced rows it sums, and only them",
        )
        self.assertEqual(top, [(self.customer.id, 1000 + 300 + 700), (self.other_customer.id, 500)])
        self._assert_counters_open_what_they_count(self.env(user=self.sales_admin_manager), data)

    def test_salesperson_sees_own_figures(self):
        data = self.Dashboard.with_user(self.rep).get_dashboard_data()
        env = self.env(user=self.rep)
        self.assertEqual(data["late_deliveries"]["count"], 1)
        self.assertEqual(env["sale.order"].search(data["late_deliveries"]["action"]["domain"]), self.late_order)
        self.assertEqual(data["overdue"]["count"], 2)
        self.assertAlmostEqual(data["overdue"]["amount"], 1200)
        self.assertEqual(data["complaints"]["count"], 1)
        self.assertEqual(data["sla_breaches"]["count"], 1)
        weekly = data["weekly"]
        self.assertEqual([row["id"] for row in weekly["salespeople"]], [self.rep.id])
        self.assertAlmostEqual(weekly["teams"][0]["ordered"], 1300, "the team row holds only the rep's figures")
        self.assertEqual([customer["id"] for customer in data["top_customers"]], [self.customer.id])
        self._assert_counters_open_what_they_count(env, data)

    def test_scope_mine(self):
        data = self.Dashboard.with_user(self.sales_admin_user).get_dashboard_data(scope="mine")
        self.assertEqual(
            (data["late_deliveries"]["count"], data["overdue"]["count"], data["complaints"]["count"]), (0, 0, 0)
        )
        self.assertEqual(data["weekly"]["salespeople"], [])
        data = self.Dashboard.with_user(self.other_rep).get_dashboard_data(scope="mine")
        self.assertEqual(
            (data["late_deliveries"]["count"], data["overdue"]["count"], data["complaints"]["count"]), (1, 1, 1)
        )
        with self.assertRaises(UserError):
            self.Dashboard.with_user(self.rep).get_dashboard_data(scope="everyone")

    def test_other_company_not_counted(self):
        other_company = self.env["res.company"].create({"name": "Spółka B"})
        self.sales_admin_user.company_ids = [Command.link(other_company.id)]
        self._ticket(
            self.customer, self.env.ref("sales_admin_addon.ticket_type_complaint"), NOW
        ).company_id = other_company
        dashboard = self.Dashboard.with_user(self.sales_admin_user)
        # the web client sends the companies switched on in its company selector
        one = dashboard.with_context(allowed_company_ids=[self.company.id])
        self.assertEqual(one.get_dashboard_data()["complaints"]["count"], 2)
        both = dashboard.with_context(allowed_company_ids=[self.company.id, other_company.id])
        self.assertEqual(both.get_dashboard_data()["complaints"]["count"], 3)

    def test_other_currency_converted(self):
        """A company in another currency: its amounts join the current company's at today's rate."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        other_currency = eur if self.company.currency_id != eur else self.env.ref("base.USD")
        other_currency.active = True
        company_b = self.env["res.company"].create({"name": "Spółka B", "currency_id": other_currency.id})
        company_b.partner_id.lang = self.company.partner_id.lang
        self.env["res.currency.rate"].create(
            {"name": "2026-11-01", "rate": 0.5, "currency_id": other_currency.id, "company_id": self.company.id}
        )
        manager = self.sales_admin_manager
        manager.company_ids = [Command.link(company_b.id)]
        with freeze_time(NOW - timedelta(days=1)):
            order = (
                self.env["sale.order"]
                .with_company(company_b)
                .create(
                    {
                        "partner_id": self.other_customer.id,
                        "user_id": manager.id,
                        "order_line": [
                            Command.create(
                                {"product_id": self.goods.id, "product_uom_qty": 1, "price_unit": 100, "tax_id": []}
                            )
                        ],
                    }
                )
            )
            order.action_confirm()
        self.env.flush_all()
        [[ordered_b]] = self.env["sales_admin.weekly.report"]._read_group(
            [("company_id", "=", company_b.id), ("user_id", "=", manager.id), ("week_start", "=", WEEK_START)],
            [],
            ["ordered:sum"],
        )
        self.assertGreater(ordered_b, 0)
        expected = other_currency._convert(ordered_b, self.company.currency_id, self.company, NOW.date())
        self.assertNotAlmostEqual(expected, ordered_b, msg="the rate is not 1: the test sees a conversion")

        dashboard = self.Dashboard.with_user(manager)
        both = dashboard.with_context(allowed_company_ids=[self.company.id, company_b.id]).get_dashboard_data()
        row = {row["id"]: row for row in both["weekly"]["salespeople"]}[manager.id]
        self.assertAlmostEqual(row["ordered"], expected)
        self.assertEqual(both["currency_id"], self.company.currency_id.id)
        one = dashboard.with_context(allowed_company_ids=[self.company.id]).get_dashboard_data()
        self.assertNotIn(manager.id, [row["id"] for row in one["weekly"]["salespeople"]])

    def test_query_count_does_not_grow(self):
        dashboard = self.Dashboard.with_user(self.sales_admin_manager)
        dashboard.get_dashboard_data()  # warm the caches: the metadata, the rules
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES):
            before = self.cr.sql_log_count
            dashboard.get_dashboard_data()
            queries = self.cr.sql_log_count - before
        # more of everything: customers, orders, invoices, tickets
        customers = self.env["res.partner"].create(
            [{"name": f"Klient {index}", "is_company": True, "user_id": self.rep.id} for index in range(15)]
        )
        for customer in customers:
            self._order(customer, self.rep, 1, NOW - timedelta(days=2), NOW - timedelta(days=1))
            self._invoice(customer, self.rep, LAST_MONTH, 50)
            self._ticket(customer, self.env.ref("sales_admin_addon.ticket_type_complaint"), NOW)
        self.env.flush_all()
        dashboard.get_dashboard_data()
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES):
            before = self.cr.sql_log_count
            data = dashboard.get_dashboard_data()
            self.assertEqual(self.cr.sql_log_count - before, queries, "as many queries with more records")
        self.assertEqual(data["late_deliveries"]["count"], 2 + 15)
        self.assertEqual(len(data["top_customers"]), 10)
