from datetime import date, datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestVisitCadence(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, login="sa_cad1", name="Jan", groups="sales_team.group_sale_salesman")
        cls.salesperson2 = new_test_user(cls.env, login="sa_cad2", name="Ewa", groups="sales_team.group_sale_salesman")
        cls.tag_monthly = cls.env["res.partner.category"].create({"name": "Monthly", "sales_admin_visit_frequency": 30})
        cls.tag_weekly = cls.env["res.partner.category"].create({"name": "Weekly", "sales_admin_visit_frequency": 7})
        cls.env["ir.config_parameter"].sudo().set_param("sales_admin_addon.visit_horizon_days", "7")

    def _customer(self, name="Klient", **vals):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "customer_rank": 1, "user_id": self.salesperson.id, **vals}
        )

    def _done_visit(self, partner, when):
        visit = self.env["sales_admin.visit"].create(
            {"partner_id": partner.id, "user_id": self.salesperson.id, "planned_start": when}
        )
        with freeze_time(when):
            visit.action_check_in()
        with freeze_time(when + timedelta(hours=1)):
            visit.action_check_out()
        return visit

    def _propose(self):
        with freeze_time(TODAY):
            return self.env["sales_admin.visit"]._cron_propose_visits(batch_size=20)

    def _proposals(self, partners):
        return self.env["sales_admin.visit"].search([("partner_id", "in", partners.ids), ("state", "=", "proposed")])

    def test_frequency_from_partner_or_tags(self):
        partner = self._customer()
        self.assertEqual(partner.visit_frequency_effective, 0)
        self.assertFalse(partner.visit_due_date, "no cadence, never due")
        partner.category_id = self.tag_monthly | self.tag_weekly
        self.assertEqual(partner.visit_frequency_effective, 7, "the shortest of the tags")
        partner.visit_frequency = 45
        self.assertEqual(partner.visit_frequency_effective, 45, "the customer's own frequency wins")
        self.tag_weekly.sales_admin_visit_frequency = 3
        partner.visit_frequency = 0
        self.assertEqual(partner.visit_frequency_effective, 3)

    def test_visit_dates_and_due_date(self):
        partner = self._customer(visit_frequency=30)
        self.assertEqual(partner.visit_due_date, partner.create_date.date(), "never visited: due from creation")
        self._done_visit(partner, datetime(2026, 1, 10, 9))
        self._done_visit(partner, datetime(2026, 2, 1, 9))
        self.assertEqual(partner.last_visit_date, date(2026, 2, 1))
        self.assertEqual(partner.visit_due_date, date(2026, 3, 3))
        planned = self.env["sales_admin.visit"].create(
            {"partner_id": partner.id, "planned_start": datetime(2026, 3, 5, 10)}
        )
        self.assertEqual(partner.next_visit_date, datetime(2026, 3, 5, 10))
        planned.action_cancel()
        self.assertFalse(partner.next_visit_date)
        with freeze_time(TODAY):
            self.env["res.partner"]._cron_refresh_visit_cadence_state()
            self.assertEqual(partner.days_since_last_visit, 29)
            self.assertFalse(partner.visit_overdue)
        with freeze_time(date(2026, 3, 10)):
            self.env["res.partner"]._cron_refresh_visit_cadence_state()
            self.assertEqual(partner.days_since_last_visit, 37)
            self.assertTrue(partner.visit_overdue)

    def test_search_not_visited_and_overdue(self):
        recent, old, never = (
            self._customer("A", visit_frequency=30),
            self._customer("B", visit_frequency=30),
            self._customer("C"),
        )
        self._done_visit(recent, datetime(2026, 2, 20, 9))
        self._done_visit(old, datetime(2025, 11, 1, 9))
        partners = recent | old | never
        Partner = self.env["res.partner"]
        with freeze_time(TODAY):
            Partner._cron_refresh_visit_cadence_state()
            self.assertEqual(Partner.search([("id", "in", partners.ids), ("days_since_last_visit", ">", 60)]), old)
            self.assertEqual(
                Partner.search([("id", "in", partners.ids), ("days_since_last_visit", "<=", 60)]),
                recent | never,
                "never visited is stored as 0: the app's filters add 'or never visited'",
            )
            self.assertEqual(Partner.search([("id", "in", partners.ids), ("visit_overdue", "=", True)]), old)
            self.assertEqual(
                Partner.search([("id", "in", partners.ids), ("visit_overdue", "=", False)]), recent | never
            )
            self.assertEqual(
                Partner.search(
                    [("id", "in", partners.ids), ("visit_overdue", "=", True)], order="days_since_last_visit desc"
                ),
                old,
            )
            groups = dict(
                Partner._read_group([("id", "in", partners.ids)], ["visit_overdue"], ["days_since_last_visit:max"])
            )
            self.assertEqual(groups, {True: (TODAY - date(2025, 11, 1)).days, False: 10}, "stored: grouped in SQL")
        # the search filter of the app: never visited counts as not visited
        search_view = self.env.ref("sales_admin_addon.res_partner_view_search_visits")
        self.assertIn("('last_visit_date', '=', False)", search_view.arch)

    def test_cadence_state_refresh_cron(self):
        """The nightly refresh writes only what changed with the date, once, whatever the number of customers."""
        Partner = self.env["res.partner"]
        partners = Partner
        for index in range(6):
            partner = self._customer(f"Klient {index}", visit_frequency=30)
            self._done_visit(partner, datetime(2026, 1, 30, 9) + timedelta(days=index))
            partners |= partner
        never = self._customer("Nigdy", visit_frequency=30)
        with freeze_time(TODAY):
            Partner._cron_refresh_visit_cadence_state()
            self.assertEqual(Partner._cron_refresh_visit_cadence_state(), 0, "a second run the same day: nothing")
            self.assertEqual(never.days_since_last_visit, 0)
            self.assertEqual(partners.mapped("days_since_last_visit"), [31, 30, 29, 28, 27, 26])
            self.assertEqual(partners.mapped("visit_overdue"), [True, False, False, False, False, False])
        # an old write date, to see that the refresh leaves it alone
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET write_date = '2020-01-01' WHERE id IN %s", [tuple(partners.ids)])
        write_dates = [datetime(2020, 1, 1)] * len(partners)
        # the next day every visited customer moves by one day: a count, then one UPDATE per batch and the
        # last (empty) one, whatever the batch size
        with freeze_time(TODAY + timedelta(days=1)):
            Partner.invalidate_model()
            with self.assertQueryCount(4):
                self.assertEqual(Partner._cron_refresh_visit_cadence_state(batch_size=3), len(partners))
            self.assertEqual(partners.mapped("days_since_last_visit"), [32, 31, 30, 29, 28, 27])
            self.assertEqual(partners.mapped("visit_overdue"), [True, True, False, False, False, False])
            self.assertEqual(partners.mapped("write_date"), write_dates, "the clock moving is no edit")
        with freeze_time(TODAY + timedelta(days=2)):
            Partner.invalidate_model()
            with self.assertQueryCount(3):
                self.assertEqual(Partner._cron_refresh_visit_cadence_state(batch_size=6), len(partners))
            self.assertEqual(never.days_since_last_visit, 0, "never visited stays empty")

    def test_negative_frequency_refused(self):
        with self.assertRaises(ValidationError):
            self._customer(visit_frequency=-5)
        with self.assertRaises(ValidationError):
            self.tag_monthly.sales_admin_visit_frequency = -1

    def test_cron_proposes_once(self):
        due = self._customer("Due", visit_frequency=30)
        self._done_visit(due, datetime(2026, 1, 25, 9))  # due 2026-02-24: overdue
        soon = self._customer("Soon", visit_frequency=30, user_id=self.salesperson2.id)
        self._done_visit(soon, datetime(2026, 2, 5, 9))  # due 2026-03-07: within the 7-day horizon
        later = self._customer("Later", visit_frequency=30)
        self._done_visit(later, datetime(2026, 2, 20, 9))  # due 2026-03-22: beyond the horizon
        booked = self._customer("Booked", visit_frequency=30)
        self.env["sales_admin.visit"].create({"partner_id": booked.id, "planned_start": datetime(2026, 3, 3, 9)})
        archived = self._customer("Archived", visit_frequency=30)
        archived.action_archive()
        orphan = self._customer("No salesperson", visit_frequency=30, user_id=False)
        person = self.env["res.partner"].create(
            {"name": "Osoba", "customer_rank": 1, "visit_frequency": 30, "user_id": self.salesperson.id}
        )
        self._done_visit(person, datetime(2026, 1, 20, 9))  # a person, not a company: due 2026-02-19
        contact = self.env["res.partner"].create(
            {"name": "Kontakt", "parent_id": due.id, "visit_frequency": 30, "user_id": self.salesperson.id}
        )
        everyone = due | soon | later | booked | archived | orphan | person | contact

        self._propose()
        proposals = self._proposals(everyone)
        self.assertEqual(proposals.partner_id, due | soon | person)
        self.assertEqual(proposals.filtered(lambda v: v.partner_id == soon).user_id, self.salesperson2)
        soon_visit = proposals.filtered(lambda v: v.partner_id == soon)
        self.assertEqual(soon_visit.planned_start.date(), date(2026, 3, 7))
        self.assertEqual(proposals.filtered(lambda v: v.partner_id == due).planned_start.date(), TODAY)
        self.assertFalse(proposals.calendar_event_id, "proposals are not in the calendar until booked")

        self._propose()
        self.assertEqual(self._proposals(everyone), proposals, "a second run proposes nothing new")
        proposals.filtered(lambda v: v.partner_id == due).action_cancel()
        self._propose()
        self.assertEqual(len(self._proposals(due)), 1, "a cancelled proposal does not block the next one")

    def test_cron_query_count_does_not_grow_with_the_batch(self):
        def run(count):
            customers = self.env["res.partner"].create(
                [
                    {
                        "name": f"Klient {i}",
                        "is_company": True,
                        "customer_rank": 1,
                        "visit_frequency": 10,
                        "user_id": (self.salesperson, self.salesperson2)[i % 2].id,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            # never visited: due from today, when they were created
            self.env["sales_admin.visit"]._cron_propose_visits(batch_size=count)
            self.env.flush_all()
            queries = self.cr.sql_log_count - start
            self.assertEqual(len(self._proposals(customers)), count)
            return queries

        small, large = run(5), run(50)
        self.assertLessEqual(large, small + 2, f"{small} queries for 5 customers, {large} for 50")

    def test_partner_smart_button_and_meeting(self):
        partner = self._customer(visit_frequency=30)
        contact = self.env["res.partner"].create({"name": "Osoba", "parent_id": partner.id})
        self._done_visit(partner, datetime(2026, 2, 1, 9))
        self.assertEqual((partner.sales_admin_visit_count, contact.sales_admin_visit_count), (1, 1))
        action = contact.action_open_sales_admin_visits()
        self.assertEqual(action["domain"], [("partner_id", "=", partner.id)])
        meeting = partner.action_book_sales_admin_meeting()
        self.assertEqual(meeting["res_model"], "calendar.event")
        self.assertIn(partner.id, meeting["context"]["default_partner_ids"])
