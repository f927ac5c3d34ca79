"""Report subscriptions: a saved filter of the weekly report mailed as a workbook built with the user's rights."""

import io
from datetime import date
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .test_weekly_workbook import WeeklyWorkbookCommon


@tagged("post_install", "-at_install")
class TestReportSubscription(WeeklyWorkbookCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Filter = cls.env["ir.filters"]
        cls.anna_filter = Filter.create(
            {"name": "Moje", "model_id": "sales_admin.weekly.report", "domain": "[]", "user_id": cls.anna.id}
        )
        cls.bartek_filter = Filter.create(
            {"name": "Bartka", "model_id": "sales_admin.weekly.report", "domain": "[]", "user_id": cls.bartek.id}
        )
        cls.shared_filter = Filter.create(
            {
                "name": "Bartek",
                "model_id": "sales_admin.weekly.report",
                "domain": f"[('user_id', '=', {cls.bartek.id})]",
                "user_id": False,
            }
        )
        cls.broken_filter = Filter.create(
            {
                "name": "Zepsuty",
                "model_id": "sales_admin.weekly.report",
                "domain": "[('no_such_field', '=', 1)]",
                "user_id": cls.anna.id,
            }
        )
        cls.partner_filter = Filter.create(
            {"name": "Klienci", "model_id": "res.partner", "domain": "[]", "user_id": cls.anna.id}
        )
        cls.Subscription = cls.env["sales_admin.report.subscription"]

    def _subscribe(self, user, ir_filter, frequency="monthly"):
        with freeze_time(date(2026, 11, 20)):
            return self.Subscription.with_user(user).create({"filter_id": ir_filter.id, "frequency": frequency})

    def _cron(self, day):
        with freeze_time(day):
            self.Subscription._cron_send_subscriptions()

    def _mails(self, subscription):
        return self.env["mail.mail"].search([("model", "=", subscription._name), ("res_id", "=", subscription.id)])

    def test_salesperson_receives_own_figures_only(self):
        subscription = self._subscribe(self.anna, self.anna_filter)
        self.assertEqual(subscription.user_id, self.anna)
        self.assertEqual(subscription.next_date, date(2026, 12, 1))
        self._cron(date(2026, 11, 30))
        self.assertFalse(self._mails(subscription))
        self._cron(date(2026, 12, 1))
        mail = self._mails(subscription)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.anna.partner_id)
        book = openpyxl.load_workbook(io.BytesIO(mail.attachment_ids.raw))
        self.assertEqual(book["Summary"]["B2"].value.date(), date(2026, 11, 1))
        self.assertEqual(book["Summary"]["C2"].value.date(), date(2026, 11, 30))
        # November: Anna ordered 200 + 50 (Bartek's 300 is not hers), invoiced 200, collected 120
        self.assertEqual([book["Summary"].cell(row, 4).value for row in (5, 6, 7)], [250.0, 200.0, 120.0])
        salespersons = {row[1].value for row in book["By Salesperson"].iter_rows(min_row=2)}
        self.assertEqual(salespersons, {"Anna"})
        customers = {row[1].value for row in book["By Customer"].iter_rows(min_row=2)}
        self.assertNotIn("Beta", customers)
        self.assertEqual(subscription.next_date, date(2027, 1, 1))
        self.assertTrue(subscription.last_sent_date)

    def test_failure_leaves_subscription_due(self):
        failing = self._subscribe(self.anna, self.anna_filter)
        other = self._subscribe(self.bartek, self.bartek_filter)
        send = type(self.Subscription)._send

        def send_or_fail(subscription, day):
            if subscription == failing:
                raise RuntimeError("SMTP down")
            return send(subscription, day)

        with patch.object(type(self.Subscription), "_send", send_or_fail):
            self._cron(date(2026, 12, 1))
        self.assertFalse(self._mails(failing))
        self.assertEqual(failing.next_date, date(2026, 12, 1))
        self.assertEqual(len(self._mails(other)), 1)
        self._cron(date(2026, 12, 2))  # the next run sends it
        self.assertEqual(len(self._mails(failing)), 1)
        self.assertEqual(failing.next_date, date(2027, 1, 1))
        self.assertEqual(len(self._mails(other)), 1)

    def test_shared_filter_domain_applies(self):
        subscription = self._subscribe(self.report_manager, self.shared_filter, "weekly")
        subscription.next_date = date(2026, 11, 11)
        self._cron(date(2026, 11, 11))  # the week before: week 1
        book = openpyxl.load_workbook(io.BytesIO(self._mails(subscription).attachment_ids.raw))
        self.assertEqual({row[1].value for row in book["By Customer"].iter_rows(min_row=2)}, {"Beta"})
        self.assertEqual({row[1].value for row in book["By Salesperson"].iter_rows(min_row=2)}, {"Bartek"})
        self.assertEqual(book["Summary"]["D5"].value, 300.0)

    def test_unreadable_filter_refused(self):
        with self.assertRaises(ValidationError) as refusal:
            self._subscribe(self.anna, self.bartek_filter)
        self.assertIn("cannot read the filter Bartka", str(refusal.exception))
        with self.assertRaises(ValidationError) as refusal:
            self._subscribe(self.anna, self.partner_filter)
        self.assertIn("not a filter of the weekly sales report", str(refusal.exception))
        with self.assertRaises(ValidationError) as refusal:
            self._subscribe(self.anna, self.broken_filter)
        self.assertIn("The filter Zepsuty cannot be used", str(refusal.exception))
        self.assertFalse(self.Subscription.search([("user_id", "=", self.anna.id)]))
        subscription = self._subscribe(self.anna, self.anna_filter)
        with self.assertRaises(ValidationError):
            subscription.filter_id = self.bartek_filter
        self.assertEqual(subscription.filter_id, self.anna_filter)

    def test_filter_evaluated_for_its_user(self):
        favorite = self.env["ir.filters"].create(
            {
                "name": "Moje 13 tygodni",
                "model_id": "sales_admin.weekly.report",
                "user_id": False,
                "domain": "[('user_id', '=', uid), "
                "('week_start', '>', (context_today() - relativedelta(weeks=13)).strftime('%Y-%m-%d'))]",
            }
        )
        subscription = self._subscribe(self.bartek, favorite, "weekly")
        subscription.next_date = date(2026, 11, 11)
        self._cron(date(2026, 11, 11))
        book = openpyxl.load_workbook(io.BytesIO(self._mails(subscription).attachment_ids.raw))
        self.assertEqual({row[1].value for row in book["By Salesperson"].iter_rows(min_row=2)}, {"Bartek"})
        self.assertEqual(book["Summary"]["D5"].value, 300.0)
        with freeze_time(date(2026, 11, 11)):
            domain = self.env["sales_admin.weekly.workbook"].with_user(self.anna)._eval_filter_domain(favorite)
        self.assertEqual(domain, [("user_id", "=", self.anna.id), ("week_start", ">", "2026-08-12")])

    def test_own_subscriptions_only(self):
        subscription = self._subscribe(self.anna, self.anna_filter)
        self.assertFalse(self.Subscription.with_user(self.bartek).search([]))
        with self.assertRaises(AccessError):
            subscription.with_user(self.bartek).write({"frequency": "daily"})
        with self.assertRaises(AccessError):
            self.Subscription.with_user(self.bartek).create(
                {"filter_id": self.shared_filter.id, "user_id": self.anna.id}
            )
        self.assertEqual(self.Subscription.with_user(self.report_manager).search([]), subscription)
