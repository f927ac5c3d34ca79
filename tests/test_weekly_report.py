"""Weekly sales figures: hand-computed fixtures, weeks across years, targets, last year, snapshots and access."""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

MEASURES = [
    "ordered:sum",
    "invoiced:sum",
    "collected:sum",
    "target_ordered:sum",
    "attainment_ordered:sum",
    "ordered_last_year:sum",
    "invoiced_last_year:sum",
    "collected_last_year:sum",
    "snapshot_ordered:sum",
    "variance_ordered:sum",
]


@tagged("post_install", "-at_install")
class TestWeeklyReport(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.lang = cls.env["res.lang"]._activate_lang(cls.company.partner_id.lang or "en_US")
        cls.company.partner_id.write({"lang": cls.lang.code, "tz": "Europe/Warsaw"})
        cls.lang.week_start = "1"  # Monday
        cls.salesperson = new_test_user(
            cls.env, login="sa_w_sales", name="Anna Nowak", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, login="sa_w_sales2", name="Ewa Zielińska", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(
            cls.env, login="sa_w_leader", name="Team Lead", groups="sales_team.group_sale_salesman"
        )
        cls.sale_manager = new_test_user(
            cls.env, login="sa_w_manager", name="Sales Boss", groups="sales_team.group_sale_manager"
        )
        cls.accountant = new_test_user(
            cls.env, login="sa_w_accountant", name="Księgowa", groups="base.group_user,account.group_account_invoice"
        )
        cls.team = cls.env["crm.team"].create({"name": "Północ", "user_id": cls.leader.id})
        cls.other_team = cls.env["crm.team"].create({"name": "Południe"})
        cls.drinks = cls.env["product.category"].create({"name": "Napoje"})
        cls.food = cls.env["product.category"].create({"name": "Żywność"})
        cls.water = cls.env["product.product"].create(
            {"name": "Woda", "type": "service", "categ_id": cls.drinks.id, "invoice_policy": "order"}
        )
        cls.bread = cls.env["product.product"].create(
            {"name": "Chleb", "type": "service", "categ_id": cls.food.id, "invoice_policy": "order"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Sklep Jan", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Jan Kowalski", "parent_id": cls.customer.id})
        cls.foreign = cls.env.ref("base.CHF")
        if cls.foreign == cls.company.currency_id:
            cls.foreign = cls.env.ref("base.EUR")
        cls.foreign.active = True
        cls.env["res.currency.rate"].create(
            [
                {"name": date(2025, 1, 1), "rate": 0.25, "currency_id": cls.foreign.id, "company_id": cls.company.id},
                {"name": date(2026, 12, 1), "rate": 0.2, "currency_id": cls.foreign.id, "company_id": cls.company.id},
            ]
        )
        cls.Report = cls.env["sales_admin.weekly.report"]

    # ------------------------------------------------------------------ fixtures
    def _order(self, when, lines, user=None, team=None, currency=None, confirm=True):
        """A sale order of ``lines`` [(product, qty, price)] confirmed at ``when`` (UTC)."""
        pricelist = self.env["product.pricelist"].create(
            {"name": "Cennik", "currency_id": (currency or self.company.currency_id).id}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "user_id": (user or self.salesperson).id,
                "team_id": (team or self.team).id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": qty, "price_unit": price, "tax_id": []}
                    )
                    for product, qty, price in lines
                ],
            }
        )
        if confirm:
            order.action_confirm()
        order.date_order = when
        return order

    def _invoice(self, day, lines, move_type="out_invoice", user=None, team=None, currency=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.contact.id,
                "invoice_date": day,
                "date": day,
                "invoice_user_id": (user or self.salesperson).id,
                "team_id": (team or self.team).id,
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": qty, "price_unit": price, "tax_ids": []})
                    for product, qty, price in lines
                ],
            }
        )
        move.action_post()
        return move

    def _pay(self, invoice, amount, day):
        wizard = (
            self.env(user=self.accountant)["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": day, "payment_difference_handling": "open"})
        )
        return wizard._create_payments()

    def _figures(self, domain=None, groupby=("week_label",), user=None, measures=MEASURES):
        report = self.Report.with_user(user) if user else self.Report
        fnames = [spec.split(":")[0] for spec in measures]
        return {
            key[0] if len(key) == 1 else tuple(key): dict(zip(fnames, values, strict=True))
            for *key, values in (
                (*row[: len(groupby)], row[len(groupby) :])
                for row in report._read_group(domain or [], list(groupby), list(measures))
            )
        }

    def _assert_figures(self, figures, **expected):
        for fname, value in expected.items():
            self.assertAlmostEqual(figures[fname] or 0.0, value, places=2, msg=fname)

    # ------------------------------------------------------------------ figures
    def test_ordered_invoiced_collected_hand_computed(self):
        # week 2026-W48: Monday 23 November .. Sunday 29 November (Warsaw)
        self._order(datetime(2026, 11, 24, 9, 0), [(self.water, 2, 100), (self.bread, 1, 50)])
        self._order(datetime(2026, 11, 25, 9, 0), [(self.water, 1, 100)], currency=self.foreign)  # 400
        cancelled = self._order(datetime(2026, 11, 25, 10, 0), [(self.water, 9, 1000)])
        cancelled._action_cancel()
        self._order(datetime(2026, 11, 25, 11, 0), [(self.water, 7, 1000)], confirm=False)  # a quotation
        invoice = self._invoice(date(2026, 11, 26), [(self.water, 3, 100)])
        refund = self._invoice(date(2026, 11, 27), [(self.water, 1, 100)], move_type="out_refund")
        (invoice | refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        self._pay(invoice, 120, date(2026, 11, 27))  # partial: 80 stays open
        self._invoice(date(2026, 12, 2), [(self.bread, 1, 100)], currency=self.foreign)  # 500, week 49
        figures = self._figures()
        self._assert_figures(figures["2026-W48"], ordered=650, invoiced=200, collected=120)
        self._assert_figures(figures["2026-W49"], ordered=0, invoiced=500, collected=0)
        by_categ = self._figures([("week_label", "=", "2026-W48")], groupby=("categ_id",))
        self._assert_figures(by_categ[self.drinks], ordered=600, invoiced=200)
        self._assert_figures(by_categ[self.food], ordered=50, invoiced=0)
        # the payment is not split by category
        self._assert_figures(by_categ[self.env["product.category"]], collected=120)
        rows = self.Report.search([("week_label", "=", "2026-W48"), ("source", "=", "ordered")])
        self.assertEqual(set(rows.mapped("week_start")), {date(2026, 11, 23)})
        self.assertEqual(rows.user_id, self.salesperson)
        self.assertEqual(rows.team_id, self.team)

    def test_week_in_company_time_zone_and_first_weekday(self):
        # Sunday 29 November 23:30 UTC is Monday 30 November 00:30 in Warsaw: week 49 with Monday weeks
        self._order(datetime(2026, 11, 29, 23, 30), [(self.water, 1, 10)])
        self._order(datetime(2026, 11, 29, 12, 0), [(self.water, 1, 1)])  # Sunday in Warsaw
        figures = self._figures(groupby=("week_start:day",))
        self._assert_figures(figures[date(2026, 11, 30)], ordered=10)
        self._assert_figures(figures[date(2026, 11, 23)], ordered=1)
        # weeks from Sunday (the company's language says so): both fall in the week of Sunday 29 November
        self.lang.week_start = "7"
        self.assertEqual(
            self.Report._week_bounds(self.company, date(2026, 12, 1)), (date(2026, 11, 29), date(2026, 12, 5))
        )
        figures = self._figures(groupby=("week_start:day",))
        self._assert_figures(figures[date(2026, 11, 29)], ordered=11)
        self.assertEqual([day for day, values in figures.items() if values["ordered"]], [date(2026, 11, 29)])

    def test_weeks_across_years_and_week_53(self):
        # 2026 has 53 ISO weeks: week 53 runs from Monday 28 December 2026 to Sunday 3 January 2027
        self._invoice(date(2027, 1, 2), [(self.water, 1, 53)])
        self._invoice(date(2026, 12, 31), [(self.water, 1, 47)])
        # week 1 of 2026 began on Monday 29 December 2025; its same week one year later is week 1 of 2027,
        # 53 weeks later (4 January 2027), not 52 weeks later (28 December 2026, week 53)
        self._order(datetime(2025, 12, 30, 9, 0), [(self.water, 1, 70)])
        self._order(datetime(2027, 1, 5, 9, 0), [(self.water, 1, 90)])
        figures = self._figures(groupby=("week_label", "week_start:day"))
        self._assert_figures(figures[("2026-W53", date(2026, 12, 28))], invoiced=100, ordered_last_year=0)
        self._assert_figures(figures[("2026-W01", date(2025, 12, 29))], ordered=70)
        self._assert_figures(figures[("2027-W01", date(2027, 1, 4))], ordered=90, ordered_last_year=70)
        # week 53 has no counterpart in 2027 (52 weeks): its figures are nobody's last year
        self.assertFalse(any(key[0] == "2027-W53" for key in figures))
        self.assertEqual(sum(values["invoiced_last_year"] or 0 for values in figures.values()), 0)
        # and a week of an ordinary year: 2025-W48 is 2026-W48's last year
        self._order(datetime(2025, 11, 25, 9, 0), [(self.bread, 1, 30)])
        figures = self._figures()
        self._assert_figures(figures["2026-W48"], ordered=0, ordered_last_year=30)
        self._assert_figures(figures["2025-W48"], ordered=30)

    def test_target_variance_and_attainment(self):
        self.env["sales_admin.target"].create(
            {
                "user_id": self.salesperson.id,
                "team_id": self.team.id,
                "period_type": "week",
                "date_from": date(2026, 11, 23),
                "target_ordered": 500,
            }
        )
        self.env["sales_admin.target"].create(
            {
                "user_id": self.other_salesperson.id,
                "period_type": "week",
                "date_from": date(2026, 11, 23),
                "target_ordered": 300,
            }
        )
        self._order(datetime(2026, 11, 24, 9, 0), [(self.water, 6, 100), (self.bread, 1, 50)])
        self._order(
            datetime(2026, 11, 24, 10, 0), [(self.water, 1, 150)], user=self.other_salesperson, team=self.other_team
        )
        by_user = self._figures([("week_label", "=", "2026-W48")], groupby=("user_id",))
        self._assert_figures(
            by_user[self.salesperson], ordered=650, target_ordered=500, variance_ordered=150, attainment_ordered=130
        )
        self._assert_figures(
            by_user[self.other_salesperson],
            ordered=150,
            target_ordered=300,
            variance_ordered=-150,
            attainment_ordered=50,
        )
        # a group's attainment is its actual over its target, not a sum of percentages
        total = self._figures([("week_label", "=", "2026-W48")])["2026-W48"]
        self._assert_figures(total, ordered=800, target_ordered=800, attainment_ordered=100)
        # a week without target: no attainment
        self._order(datetime(2026, 12, 1, 9, 0), [(self.water, 1, 10)])
        self.assertFalse(self._figures()["2026-W49"]["attainment_ordered"])
        # a target and nothing done: 0 %, not empty
        self.env["sales_admin.target"].create(
            {
                "user_id": self.salesperson.id,
                "period_type": "week",
                "date_from": date(2026, 12, 7),
                "target_ordered": 90,
            }
        )
        self.assertEqual(self._figures()["2026-W50"]["attainment_ordered"], 0)
        # an archived target leaves the report
        self.env["sales_admin.target"].search([("user_id", "=", self.other_salesperson.id)]).action_archive()
        total = self._figures([("week_label", "=", "2026-W48")])["2026-W48"]
        self._assert_figures(total, target_ordered=500, attainment_ordered=160)

    # ------------------------------------------------------------------ snapshots
    def test_snapshot_frozen_and_immutable(self):
        self._order(datetime(2026, 11, 24, 9, 0), [(self.water, 2, 100)])
        self.env["sales_admin.target"].create(
            {
                "user_id": self.salesperson.id,
                "period_type": "week",
                "date_from": date(2026, 11, 23),
                "target_ordered": 400,
            }
        )
        Snapshot = self.env["sales_admin.weekly.snapshot"]
        taken = Snapshot._cron_take_snapshots(today=date(2026, 12, 1))
        snapshot = taken.filtered(lambda s: s.company_id == self.company)
        self.assertEqual(snapshot.week_label, "2026-W48")
        self.assertEqual((snapshot.week_start, snapshot.week_end), (date(2026, 11, 23), date(2026, 11, 29)))
        self.assertEqual(snapshot.ordered, 200)
        self.assertEqual(snapshot.target_ordered, 400)
        # later edits change the live figures, never the frozen ones
        self._order(datetime(2026, 11, 25, 9, 0), [(self.water, 1, 1000)])
        figures = self._figures()["2026-W48"]
        self._assert_figures(figures, ordered=1200, snapshot_ordered=200)
        snapshot.invalidate_recordset()
        self.assertEqual(snapshot.ordered, 200)
        with self.assertRaises(UserError):
            snapshot.line_ids[:1].ordered = 1200
        with self.assertRaises(UserError):
            snapshot.week_label = "2026-W47"
        with self.assertRaises(UserError):
            snapshot.line_ids.unlink()
        with self.assertRaises(UserError):
            snapshot.unlink()
        # and nobody has the right to write or delete them (the cron inserts them)
        Access = self.env["ir.model.access"].with_user(self.sales_admin_manager)
        for model in ("sales_admin.weekly.snapshot", "sales_admin.weekly.snapshot.line"):
            for mode in ("create", "write", "unlink"):
                self.assertFalse(Access.check(model, mode, raise_exception=False), f"{model} {mode}")
        # a second run (or two overlapping runs) freezes nothing new; a week later, the next week only
        self.assertFalse(
            Snapshot._cron_take_snapshots(today=date(2026, 12, 2)).filtered(lambda s: s.company_id == self.company)
        )
        with freeze_time("2026-12-15 12:00:00"):  # the cron's own today
            later = Snapshot._cron_take_snapshots().filtered(lambda s: s.company_id == self.company)
        self.assertEqual(later.mapped("week_label"), ["2026-W49", "2026-W50"])
        self.assertEqual(snapshot._take_snapshot(self.company, date(2026, 11, 23)), Snapshot)

    # ------------------------------------------------------------------ access
    def test_access_own_team_all(self):
        self._order(datetime(2026, 11, 24, 9, 0), [(self.water, 1, 100)])
        self._order(datetime(2026, 11, 24, 9, 0), [(self.water, 1, 20)], user=self.leader)
        self._order(
            datetime(2026, 11, 24, 9, 0), [(self.water, 1, 3)], user=self.other_salesperson, team=self.other_team
        )
        week = [("week_label", "=", "2026-W48")]

        def ordered(user):
            return self._figures(week, user=user)["2026-W48"]["ordered"]

        self.assertAlmostEqual(ordered(self.salesperson), 100)
        self.assertAlmostEqual(ordered(self.other_salesperson), 3)
        self.assertAlmostEqual(ordered(self.leader), 120)  # the team's
        self.assertAlmostEqual(ordered(self.sale_manager), 123)
        self.assertAlmostEqual(ordered(self.sales_admin_user), 123)
        with self.assertRaises(AccessError):
            self.Report.with_user(self.internal_user)._read_group(week, ["week_label"], ["ordered:sum"])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.portal_user).search(week)
        # per customer, the same figures and rules
        Customer = self.env["sales_admin.weekly.customer.report"]
        rows = Customer.with_user(self.salesperson)._read_group(week, ["partner_id"], ["ordered:sum"])
        self.assertEqual(rows, [(self.customer, 100)])

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Filia Kraków"})
        self.sale_manager.company_ids |= other
        order = self._order(datetime(2026, 11, 24, 9, 0), [(self.water, 1, 100)])
        other_order = (
            self.env["sale.order"]
            .with_company(other)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "user_id": self.sale_manager.id,
                    "order_line": [Command.create({"product_id": self.water.id, "price_unit": 7, "tax_id": []})],
                }
            )
        )
        other_order.action_confirm()
        other_order.date_order = order.date_order
        manager = self.Report.with_user(self.sale_manager).with_context(allowed_company_ids=[self.company.id])
        by_company = dict(manager._read_group([], ["company_id"], ["ordered:sum"]))
        self.assertEqual(set(by_company), {self.company})  # only the active company
        # a user of the first company only never sees the other's figures, whatever the context asks
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesperson).with_context(
                allowed_company_ids=[self.company.id, other.id]
            )._read_group([], ["company_id"], ["ordered:sum"])
        both = manager.with_context(allowed_company_ids=[self.company.id, other.id])
        by_company = dict(both._read_group([], ["company_id"], ["ordered:sum"]))
        self.assertAlmostEqual(by_company[other], 7)
        self.assertAlmostEqual(by_company[self.company], 100)

    def test_one_query_whatever_the_data(self):
        """Grouping the report is one SQL query, however many documents it covers."""
        week = ["ordered:sum", "invoiced:sum", "target_ordered:sum", "attainment_ordered:sum", "ordered_last_year:sum"]
        report = self.Report.with_user(self.salesperson)
        for count in (1, 5):
            for day in range(count):
                self._order(datetime(2026, 11, 2 + day, 9, 0), [(self.water, 1, 10), (self.bread, 2, 5)])
                self._invoice(date(2026, 11, 2 + day), [(self.water, 1, 10)])
            self.env.flush_all()
            report.env.invalidate_all()
            report._read_group([], ["week_label", "user_id"], week)  # the rules are cached after the first read
            with self.assertQueryCount(1):
                rows = report._read_group([], ["week_label", "user_id"], week)
            self.assertTrue(rows)
