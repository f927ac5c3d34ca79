from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import GROUP_MANAGER, SalesAdminCommon


@tagged("post_install", "-at_install")
class TestTarget(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create({"name": "Mon-Fri", "company_id": cls.company.id})
        cls.company.resource_calendar_id = cls.calendar
        cls.lang = cls.env["res.lang"]._activate_lang(cls.company.partner_id.lang or "en_US")
        cls.company.partner_id.lang = cls.lang.code
        cls.lang.week_start = "1"
        cls.salesperson = new_test_user(
            cls.env, login="sa_t_salesman", name="Anna Nowak", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, login="sa_t_salesman2", name="Ewa Zielińska", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(
            cls.env, login="sa_t_leader", name="Team Lead", groups="sales_team.group_sale_salesman"
        )
        cls.sale_manager = new_test_user(
            cls.env, login="sa_t_sale_manager", name="Sales Boss", groups="sales_team.group_sale_manager"
        )
        cls.team = cls.env["crm.team"].create({"name": "Północ", "user_id": cls.leader.id})
        cls.categ = cls.env["product.category"].create({"name": "Napoje"})
        cls.Target = cls.env["sales_admin.target"].with_user(cls.sales_admin_manager)

    def _target(self, **vals):
        values = {"user_id": self.salesperson.id, "period_type": "month", "date_from": date(2026, 6, 1)}
        values.update(vals)
        if not any(k.startswith("target_") for k in vals):
            values["target_ordered"] = 1000
        return self.Target.create(values)

    def _weeks(self, target):
        return [(line.week_start, line.week_end) for line in target.line_ids]

    # ------------------------------------------------------------------ phasing
    def test_working_days_with_public_holiday(self):
        self.calendar.tz = "Europe/Warsaw"
        # a whole local day, stored in UTC: 2026-06-03 22:00 .. 2026-06-04 21:59:59
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Boże Ciało",
                "calendar_id": self.calendar.id,
                "date_from": "2026-06-03 22:00:00",
                "date_to": "2026-06-04 21:59:59",
            }
        )
        target = self._target(target_ordered=2100, target_invoiced=0.01)
        self.assertEqual(target.date_to, date(2026, 6, 30))
        self.assertEqual(target.name, "Anna Nowak — 2026-06")
        self.assertEqual(
            [line.week_start for line in target.line_ids],
            [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22), date(2026, 6, 29)],
        )
        # 21 working days: 4 (holiday on Thursday), 5, 5, 5, 2
        self.assertEqual(target.line_ids.mapped("target_ordered"), [400, 500, 500, 500, 200])
        self.assertAlmostEqual(sum(target.line_ids.mapped("share")), 1.0)
        # the cent goes to the last week
        self.assertEqual(target.line_ids.mapped("target_invoiced"), [0, 0, 0, 0, 0.01])

    def test_week_start_monday_vs_sunday(self):
        target = self._target(date_from=date(2026, 3, 1), phasing="even")
        self.assertEqual(self._weeks(target)[0], (date(2026, 2, 23), date(2026, 3, 1)), "March 1st 2026 is a Sunday")
        self.assertEqual(len(target.line_ids), 6)
        self.assertEqual(target.line_ids[0].target_ordered, 32.26)  # 1 day of 31
        self.assertEqual(target.line_ids[-1].week_start, date(2026, 3, 30))
        self.lang.week_start = "7"
        sunday = self._target(date_from=date(2026, 3, 1), phasing="even", user_id=self.other_salesperson.id)
        self.assertEqual(
            [line.week_start for line in sunday.line_ids],
            [date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22), date(2026, 3, 29)],
        )
        self.assertEqual(sunday.line_ids[0].share, 7 / 31)
        # a week target of a Sunday company runs Sunday to Saturday
        week = self._target(period_type="week", date_from=date(2026, 3, 4), user_id=self.leader.id)
        self.assertEqual(week.date_to, date(2026, 3, 7))
        self.assertEqual(self._weeks(week), [(date(2026, 3, 1), date(2026, 3, 7))])

    def test_working_days_week_crossing_month_end(self):
        # Quarter: the week of 2026-03-30 (Mon) holds 2 March days and 3 April days
        target = self._target(period_type="quarter", date_from=date(2026, 1, 1), target_ordered=6400)
        self.assertEqual(target.date_to, date(2026, 3, 31))
        last = target.line_ids[-1]
        self.assertEqual((last.week_start, last.week_end), (date(2026, 3, 30), date(2026, 4, 5)))
        # Q1 2026 has 64 working days Mon-Fri; the last week keeps the 2 inside the quarter
        self.assertEqual(last.target_ordered, 200)
        self.assertEqual(sum(target.line_ids.mapped("target_ordered")), 6400)
        april = self._target(date_from=date(2026, 4, 1), target_ordered=2200)
        first = april.line_ids[0]
        self.assertEqual(first.week_start, date(2026, 3, 30))
        self.assertEqual(first.target_ordered, 300)  # 3 of the 22 working days of April

    def test_even_shares_sum_exactly(self):
        target = self._target(
            date_from=date(2026, 1, 1),
            period_type="year",
            phasing="even",
            target_ordered=1000,
            target_invoiced=999.99,
            target_collected=0.07,
        )
        for fname in ("target_ordered", "target_invoiced", "target_collected"):
            self.assertAlmostEqual(sum(target.line_ids.mapped(fname)), target[fname], places=6)
        self.assertAlmostEqual(sum(target.line_ids.mapped("share")), 1.0)

    def test_iso_week_53(self):
        week = self._target(period_type="week", date_from=date(2026, 12, 30))
        self.assertEqual((week.date_from, week.date_to), (date(2026, 12, 30), date(2027, 1, 3)))
        self.assertEqual(week.name, "Anna Nowak — 2026-W53")
        self.assertEqual(self._weeks(week), [(date(2026, 12, 28), date(2027, 1, 3))])
        y2026 = self._target(period_type="year", date_from=date(2026, 1, 1), phasing="even", team_id=self.team.id)
        y2027 = self._target(period_type="year", date_from=date(2027, 1, 1), phasing="even", team_id=self.team.id)
        self.assertEqual(y2026.line_ids[-1].week_start, date(2026, 12, 28))
        self.assertEqual(y2026.line_ids[-1].share, 4 / 365)
        self.assertEqual(y2027.line_ids[0].week_start, date(2026, 12, 28))
        self.assertEqual(y2027.line_ids[0].share, 3 / 365)
        self.assertEqual(len(y2026.line_ids), 53)

    def test_lines_regenerated_on_write(self):
        target = self._target()
        target.write({"period_type": "quarter", "date_from": date(2026, 4, 1), "target_ordered": 3000})
        self.assertEqual(target.date_to, date(2026, 6, 30))
        self.assertEqual(target.line_ids[0].week_start, date(2026, 3, 30))
        self.assertEqual(sum(target.line_ids.mapped("target_ordered")), 3000)
        self.assertEqual(set(target.line_ids.mapped("user_id")), {self.salesperson})

    # ------------------------------------------------------------------ constraints
    def test_constraints(self):
        count = self.Target.search_count([])
        cases = [
            {"date_to": date(2026, 5, 1)},
            {"target_ordered": -1},
            {"target_ordered": 0, "target_invoiced": 0, "target_collected": 0},
            {"user_id": False},
        ]
        for vals in cases:
            with self.assertRaises(ValidationError, msg=str(vals)):
                self._target(**vals)
            self.assertEqual(self.Target.search_count([]), count, str(vals))
        self._target(categ_id=self.categ.id)
        with self.assertRaises(ValidationError) as error:
            self._target(categ_id=self.categ.id, period_type="week", date_from=date(2026, 6, 29))
        self.assertIn("overlaps", str(error.exception))
        self.assertEqual(self.Target.search_count([]), count + 1)
        # another category, or an archived one, does not overlap
        self._target()
        archived = self._target(date_from=date(2026, 6, 1), user_id=self.other_salesperson.id)
        archived.action_archive()
        self.assertFalse(self.env["sales_admin.target.line"].search([("target_id", "=", archived.id)]))
        self._target(date_from=date(2026, 6, 1), user_id=self.other_salesperson.id)

    # ------------------------------------------------------------------ copy
    def test_copy_with_growth(self):
        jan = self._target(date_from=date(2026, 1, 1), target_ordered=1000, target_invoiced=333.33)
        week = self._target(period_type="week", date_from=date(2026, 12, 28), team_id=self.team.id)
        wizard = (
            self.env["sales_admin.target.copy"]
            .with_user(self.sale_manager)
            .create({"target_ids": [(6, 0, (jan | week).ids)], "growth": 5})
        )
        action = wizard.action_copy()
        copies = self.env["sales_admin.target"].search(action["domain"], order="date_from")
        self.assertEqual(len(copies), 2)
        feb = copies[0]
        self.assertEqual((feb.date_from, feb.date_to), (date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(feb.target_ordered, 1050)
        self.assertEqual(feb.target_invoiced, 350.0)  # 349.9965 rounded to the cent
        self.assertEqual(copies[1].date_from, date(2027, 1, 4))
        self.assertEqual(sum(feb.line_ids.mapped("target_ordered")), 1050)
        # copying January again would overlap February: nothing created
        count = self.Target.search_count([])
        again = (
            self.env["sales_admin.target.copy"]
            .with_user(self.sale_manager)
            .create({"target_ids": [(6, 0, (jan | copies[1]).ids)], "growth": 0})
        )
        with self.assertRaises(ValidationError) as error:
            again.action_copy()
        self.assertIn("overlaps", str(error.exception))
        self.assertEqual(self.Target.search_count([]), count)

    def test_copy_refused_to_salesperson(self):
        target = self._target()
        with self.assertRaises(AccessError):
            self.env["sales_admin.target.copy"].with_user(self.salesperson).create({"target_ids": [(6, 0, target.ids)]})

    # ------------------------------------------------------------------ import
    def test_import_load(self):
        fields_ = ["user_id", "team_id", "categ_id", "period_type", "date_from", "target_ordered", "target_invoiced"]
        rows = [
            ["Anna Nowak", "", "Napoje", "Month", "2026-07-01", "1000", "900"],
            ["sa_t_salesman2", "Północ", "", "quarter", "2026-07-01", "5000", "0"],
        ]
        result = self.Target.load(fields_, rows)
        self.assertFalse(result["messages"], result["messages"])
        targets = self.Target.browse(result["ids"])
        self.assertEqual(targets.mapped("user_id"), self.salesperson | self.other_salesperson)
        self.assertEqual(targets[0].categ_id, self.categ)
        self.assertEqual(targets[1].date_to, date(2026, 9, 30))
        self.assertEqual(len(targets[1].line_ids), 14)
        count = self.Target.search_count([])
        bad = [
            ["Anna Nowak", "", "", "Month", "2026-08-01", "1000", "0"],
            ["Anna Nowak", "", "", "Month", "2026-09-01", "-5", "0"],
        ]
        result = self.Target.load(fields_, bad)
        self.assertFalse(result["ids"])
        self.assertIn("negative", " ".join(m["message"] for m in result["messages"]))
        overlap = [["Anna Nowak", "", "Napoje", "Week", "2026-07-13", "10", "0"]]
        result = self.Target.load(fields_, overlap)
        self.assertFalse(result["ids"])
        self.assertIn("overlaps", " ".join(m["message"] for m in result["messages"]))
        self.assertEqual(self.Target.search_count([]), count)

    # ------------------------------------------------------------------ access
    def test_access(self):
        own = self._target()
        team = self._target(user_id=self.other_salesperson.id, team_id=self.team.id)
        other = self._target(user_id=self.other_salesperson.id)
        company2 = self.env["res.company"].create({"name": "Spółka B"})
        self.salesperson.company_ids |= company2
        foreign = self.env["sales_admin.target"].create(
            {
                "company_id": company2.id,
                "user_id": self.salesperson.id,
                "date_from": date(2026, 6, 1),
                "target_ordered": 10,
            }
        )
        everything = own | team | other | foreign
        Line = self.env["sales_admin.target.line"]
        Target = self.env["sales_admin.target"].with_user(self.salesperson)
        self.assertEqual(Target.search([("id", "in", everything.ids)]), own | foreign)
        seen = Target.with_context(allowed_company_ids=self.company.ids).search([("id", "in", everything.ids)])
        self.assertEqual(seen, own, "the other company's target is invisible in this company")
        lines = Line.with_user(self.salesperson).with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(lines.search([("target_id", "in", everything.ids)]).target_id, own)
        seen = self.env["sales_admin.target"].with_user(self.leader).search([("id", "in", everything.ids)])
        self.assertEqual(seen, team)
        for user in (self.sales_admin_user, self.sales_admin_manager, self.sale_manager):
            seen = self.env["sales_admin.target"].with_user(user).search([("id", "in", everything.ids)])
            self.assertEqual(seen, own | team | other, user.login)
        with self.assertRaises(AccessError):
            own.with_user(self.salesperson).write({"target_ordered": 5})
        with self.assertRaises(AccessError):
            own.with_user(self.sales_admin_user).write({"target_ordered": 5})
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                self.env["sales_admin.target"].with_user(user).search([])
        self.assertTrue(self.sales_admin_manager.has_group(GROUP_MANAGER))

    # ------------------------------------------------------------------ performance
    def test_batch_create_queries(self):
        users = self.env["res.users"].create(
            [{"name": f"Handlowiec {i}", "login": f"sa_t_batch{i}"} for i in range(50)]
        )

        def make(batch):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Target.create(
                [
                    {"user_id": u.id, "period_type": "quarter", "date_from": date(2026, 1, 1), "target_ordered": 900}
                    for u in batch
                ]
            )
            return self.env.cr.sql_log_count - before

        few = make(users[:5])
        many = make(users[5:])
        self.assertLessEqual(many, few + 3, f"5 targets: {few} queries, 45 targets: {many}")
        self.assertEqual(self.env["sales_admin.target.line"].search_count([("user_id", "in", users.ids)]), 50 * 14)

    @freeze_time("2026-02-10")
    def test_default_dates(self):
        target = self.Target.create({"team_id": self.team.id, "target_collected": 5})
        self.assertEqual((target.date_from, target.date_to), (date(2026, 2, 10), date(2026, 2, 28)))
        with self.assertRaises(UserError):
            self.env["sales_admin.target.copy"].with_user(self.sales_admin_manager).create({}).action_copy()
