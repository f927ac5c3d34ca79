from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .collection_common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
class TestCollectionPromise(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer, cls.contact = cls._customer("Obiecujący")
        with freeze_time(date(2026, 1, 1)):
            cls.invoice_a = cls._invoice(cls.customer, date(2026, 1, 10), 100)
            cls.invoice_b = cls._invoice(cls.customer, date(2026, 2, 1), 50)
        with freeze_time(TODAY):
            cls.Case._refresh_collection_cases(cls.customer)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id), ("state", "=", "open")])
        cls.escalation_user = cls.sales_admin_manager

    def _promise(self, day, amount, user=None):
        wizard = (
            self.env["sales_admin.collection.promise"]
            .with_user(user or self.accountant)
            .create({"case_id": self.case.id, "promise_date": day, "promise_amount": amount})
        )
        return wizard.action_record_promise()

    def _escalations(self):
        return self.case.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )

    @freeze_time(TODAY)
    def test_bad_promises_are_refused_and_write_nothing(self):
        messages = self.case.message_ids
        for day, amount in (
            (date(2026, 3, 1), 100),  # a past day
            (date(2026, 3, 10), 0),
            (date(2026, 3, 10), -20),
            (date(2026, 3, 10), 150.01),  # more than the overdue
        ):
            with self.subTest(day=day, amount=amount), self.assertRaises(ValidationError):
                self._promise(day, amount)
            self.assertEqual(self.case.promise_state, "none")
            self.assertFalse(self.case.promise_date)
            self.assertEqual(self.case.message_ids, messages)
        # the default amount is the whole overdue
        wizard = self.env["sales_admin.collection.promise"].with_user(self.accountant).new({"case_id": self.case.id})
        self.assertEqual(wizard.promise_amount, 150)

    @freeze_time(TODAY)
    def test_salesperson_cannot_record_a_promise(self):
        with self.assertRaises(AccessError):
            self._promise(date(2026, 3, 10), 100, user=self.salesperson)

    def test_promise_kept_by_a_payment_before_the_day(self):
        with freeze_time(TODAY):
            self._promise(date(2026, 3, 10), 120, user=self.collector)
        self.assertEqual(self.case.promise_state, "pending")
        self.assertEqual(self.case.promise_recorded_date, TODAY)
        self.assertEqual(self.case.next_action_date, date(2026, 1, 17), "A's first reminder is still the earliest")
        self.assertIn("Promise to pay", self.case.message_ids[0].body)
        with freeze_time(date(2026, 3, 5)):
            self._pay(self.invoice_a, 100, date(2026, 3, 5))
        self.assertEqual(self.case.promise_state, "pending", "100 of the 120 promised")
        with freeze_time(date(2026, 3, 9)):
            self._pay(self.invoice_b, 20, date(2026, 3, 9))
        self.assertEqual(self.case.promise_state, "kept", "the reconciliation settles it")
        self.assertEqual(self.case.state, "open", "30 still overdue")
        self.assertEqual(self.case.overdue_amount, 30)
        with freeze_time(date(2026, 3, 11)):
            self.Case._cron_check_promises()
        self.assertEqual(self.case.promise_state, "kept")
        self.assertFalse(self._escalations())

    def test_promise_kept_on_the_day_settled_by_the_cron(self):
        with freeze_time(TODAY):
            self._promise(date(2026, 3, 10), 100)
            # a payment on account, not matched with the invoices yet: no reconciliation
            payment = (
                self.env["account.payment"]
                .with_user(self.accountant)
                .create(
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": self.customer.id,
                        "amount": 100,
                        "date": date(2026, 3, 10),
                    }
                )
            )
            payment.action_post()
        self.assertEqual(self.case.promise_state, "pending")
        with freeze_time(date(2026, 3, 11)):
            self.Case._cron_check_promises()
        self.assertEqual(self.case.promise_state, "kept")
        self.assertFalse(self._escalations())

    def test_broken_promise_escalates_once(self):
        self.company.sales_admin_collection_escalation_user_id = self.escalation_user
        with freeze_time(TODAY):
            self._promise(date(2026, 3, 5), 150)
        with freeze_time(date(2026, 3, 5)):
            self.Case._cron_check_promises()
        self.assertEqual(self.case.promise_state, "pending", "the promised day itself is not past")
        with freeze_time(date(2026, 3, 6)):
            # paid after the promised day: too late, the promise is broken
            self._pay(self.invoice_b, 50, date(2026, 3, 6))
            self.Case._cron_check_promises()
            self.assertEqual(self.case.promise_state, "broken")
            escalation = self._escalations()
            self.assertEqual(len(escalation), 1)
            self.assertEqual(escalation.user_id, self.escalation_user)
            self.assertEqual(escalation.date_deadline, date(2026, 3, 6))
            self.assertEqual(self.case.next_action_date, date(2026, 1, 17))
            self.assertIn("Promise broken", self.case.message_ids[0].body)
            # a second run, the same day or later: nothing more
            self.Case._cron_check_promises()
        with freeze_time(date(2026, 3, 7)):
            self.Case._cron_check_promises()
            self.Case._cron_refresh_collection_cases()
        self.assertEqual(len(self._escalations()), 1)
        self.assertEqual(self.case.promise_state, "broken")
        self.assertEqual(self.case.state, "open")

    def test_broken_promise_goes_to_the_assignee_without_escalation_user(self):
        self.case.user_id = self.collector
        with freeze_time(TODAY):
            self._promise(date(2026, 3, 5), 50, user=self.collector)
        with freeze_time(date(2026, 3, 9)):
            self.Case._cron_check_promises()
        self.assertEqual(self._escalations().user_id, self.collector)

    def test_pending_promise_keeps_the_case_open_until_settled(self):
        with freeze_time(TODAY):
            self._promise(date(2026, 3, 10), 150)
            self._credit_note(self.invoice_a, 100, TODAY)
            self._credit_note(self.invoice_b, 50, TODAY)
        self.assertEqual(self.case.promise_state, "kept", "credit notes count as received")
        self.assertEqual(self.case.state, "closed")
