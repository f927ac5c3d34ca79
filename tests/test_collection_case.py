from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .collection_common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
class TestCollectionCase(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer, cls.contact = cls._customer("Dłużnik")
        with freeze_time(date(2026, 1, 1)):
            cls.invoice_a = cls._invoice(cls.contact, date(2026, 1, 10), 100)
            cls.invoice_b = cls._invoice(cls.customer, date(2026, 2, 1), 50)
            cls.invoice_later = cls._invoice(cls.customer, date(2026, 4, 1), 70)  # not due on 2 March

    def _refresh(self, partners=None, companies=None):
        return self.Case._refresh_collection_cases(partners or self.customer, companies)

    @freeze_time(TODAY)
    def test_refresh_opens_one_case_with_the_figures(self):
        self.invoice_a.write(
            {"sales_admin_reminder_level_id": self.level_7.id, "sales_admin_last_reminder_date": "2026-01-20"}
        )
        cases = self.Case.with_user(self.accountant)._refresh_collection_cases(self.contact.ids, self.company.ids)
        self.assertEqual(len(cases), 1)
        case = self._case(self.customer)
        self.assertEqual(cases, case, "one case, for the commercial entity of the contact invoiced")
        self.assertFalse(case.user_id, "a plain salesperson cannot work the case: it waits unassigned")
        self.assertEqual(case.overdue_amount, 150)
        self.assertEqual(case.overdue_count, 2)
        self.assertEqual(case.oldest_overdue_days, 51, "due on 10 January")
        self.assertEqual(case.reminder_level_id, self.level_7)
        self.assertEqual(case.last_reminder_date, date(2026, 1, 20))
        # A (due 10 Jan) reached level 7: next is level 30 on 9 Feb; B (due 1 Feb) reaches level 7 on 8 Feb
        self.assertEqual(case.next_reminder_date, date(2026, 2, 8))
        self.assertEqual(case.next_action_date, date(2026, 2, 8))
        self.assertEqual(case.invoice_ids, self.invoice_a | self.invoice_b | self.invoice_later)

        # the held invoice no longer sets the next reminder, and counts as in dispute
        self.invoice_b.with_user(self.accountant).action_sales_admin_hold_dispute()
        self.assertEqual(case.in_dispute_count, 1)
        self.assertEqual(case.next_reminder_date, date(2026, 2, 9))
        self.assertEqual(case.overdue_amount, 150, "a disputed invoice is still owed")

        # a planned activity before that is the next action
        case.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=date(2026, 2, 5), user_id=self.collector.id
        )
        self.assertEqual(case.next_action_date, date(2026, 2, 5))
        case.activity_ids.unlink()
        self.assertEqual(case.next_action_date, date(2026, 2, 9))

        # a second refresh changes nothing and opens nothing
        self._refresh()
        self.assertEqual(self.Case.search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertEqual(case.overdue_amount, 150)

    @freeze_time(TODAY)
    def test_salesperson_who_may_work_cases_is_the_default_assignee(self):
        self.salesperson.groups_id = [Command.link(self.env.ref("account.group_account_invoice").id)]
        self._refresh()
        self.assertEqual(self._case(self.customer).user_id, self.salesperson)

    @freeze_time(TODAY)
    def test_collections_assignee_of_the_company(self):
        self.company.sales_admin_collection_user_id = self.collector
        self._refresh()
        self.assertEqual(self._case(self.customer).user_id, self.collector)

    def test_partial_payment_credit_note_and_closing(self):
        with freeze_time(TODAY):
            self._refresh()
            case = self._case(self.customer)
            self.assertEqual(case.overdue_amount, 150)
            # the reconciliation refreshes the case: no call here
            self._pay(self.invoice_a, 40, TODAY)
            self.assertEqual(self.invoice_a.payment_state, "partial")
            self.assertEqual(case.overdue_amount, 110)
            self.assertEqual(case.overdue_count, 2)
            self._credit_note(self.invoice_b, 50, TODAY)
            self.assertEqual(case.overdue_amount, 60, "the credit note settled B")
            self.assertEqual(case.overdue_count, 1)
            self.assertEqual(case.state, "open")
            self._pay(self.invoice_a, 60, TODAY)
        self.assertEqual(case.state, "closed", "nothing overdue any more")
        self.assertEqual(case.closed_date, TODAY)
        self.assertEqual(case.overdue_amount, 0)
        self.assertIn("Nothing is overdue any more", case.message_ids[0].body)
        self.assertFalse(self._case(self.customer))

        # the payment taken back: the customer owes again, a new case opens
        with freeze_time(date(2026, 3, 3)):
            payment_lines = self.invoice_a.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).matched_credit_ids.credit_move_id
            payment_lines.with_user(self.accountant).remove_move_reconcile()
        new_case = self._case(self.customer)
        self.assertTrue(new_case)
        self.assertNotEqual(new_case, case)
        self.assertEqual(new_case.overdue_amount, 100)

    @freeze_time(TODAY)
    def test_daily_cron_opens_refreshes_and_closes(self):
        other, _contact = self._customer("Drugi Dłużnik")
        self._invoice(other, date(2026, 2, 20), 30)
        cancelled_customer, _contact = self._customer("Anulowany")
        cancelled = self._invoice(cancelled_customer, date(2026, 2, 20), 30)
        self._refresh(cancelled_customer)
        stale_case = self._case(cancelled_customer)
        # the invoice cancelled, no reconciliation involved: the cron closes the case
        cancelled.button_draft()
        cancelled.button_cancel()
        self.Case._cron_refresh_collection_cases(batch_size=1)
        self.assertTrue(self._case(self.customer))
        self.assertEqual(self._case(other).overdue_amount, 30)
        self.assertEqual(stale_case.state, "closed")
        # the days move with the date
        with freeze_time(date(2026, 3, 12)):
            self.Case._cron_refresh_collection_cases()
        self.assertEqual(self._case(other).oldest_overdue_days, 20)

    @freeze_time(TODAY)
    def test_multi_company(self):
        company_2 = self.env["res.company"].create({"name": "Oddział Kraków"})
        self.env["account.chart.template"].try_loading("generic_coa", company_2, install_demo=False)
        self.customer.company_id = False
        self._invoice(self.customer, date(2026, 2, 1), 500, company=company_2)
        self._refresh()
        case_1, case_2 = self._case(self.customer), self._case(self.customer, company_2)
        self.assertEqual((case_1.overdue_amount, case_2.overdue_amount), (150, 500))
        self.assertEqual(case_2.company_id, company_2)
        # a refresh of one company leaves the other alone
        self._pay(self.invoice_a, 100, TODAY)
        self.assertEqual(case_1.overdue_amount, 50)
        self.assertEqual(case_2.overdue_amount, 500)
        # the accountant of the first company does not see the second one's case
        self.assertEqual(self.Case.with_user(self.accountant).search([("partner_id", "=", self.customer.id)]), case_1)
        with self.assertRaises(AccessError):
            case_2.with_user(self.accountant).read(["overdue_amount"])

    @freeze_time(TODAY)
    def test_foreign_currency_invoice_in_company_currency(self):
        currency = self.env.ref("base.EUR" if self.company.currency_id != self.env.ref("base.EUR") else "base.USD")
        currency.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "name": "2025-12-01", "rate": 0.5, "company_id": self.company.id}
        )
        with freeze_time(date(2026, 1, 1)):
            foreign = self._invoice(self.customer, date(2026, 2, 1), 100, currency=currency)
        self.assertEqual(foreign.amount_residual, 100)
        self._refresh()
        case = self._case(self.customer)
        self.assertEqual(case.currency_id, self.company.currency_id)
        self.assertEqual(case.overdue_amount, 350, "100 + 50 + 100 at 0.5 per company unit")
        # half of it paid in the invoice's currency
        self._pay(foreign, 50, TODAY)
        self.assertEqual(case.overdue_amount, 250)

    @freeze_time(TODAY)
    def test_one_open_case_per_customer(self):
        self._refresh()
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Case.with_user(self.accountant).create({"partner_id": self.customer.id})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Case.create({"partner_id": self.contact.id})
        self._case(self.customer).state = "closed"
        case = self.Case.with_user(self.accountant).create({"partner_id": self.customer.id})
        self.assertEqual(case.state, "open", "a new case once the previous one is closed")

    @freeze_time(TODAY)
    def test_log_call(self):
        self._refresh()
        case = self._case(self.customer).with_user(self.collector)
        wizard = (
            self.env["sales_admin.collection.log.call"]
            .with_user(self.collector)
            .create(
                {
                    "case_id": case.id,
                    "contact_id": self.contact.id,
                    "note": "<p>Zapłacą po otrzymaniu korekty.</p>",
                    "next_call_date": date(2026, 3, 9),
                }
            )
        )
        wizard.action_log_call()
        done = case.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(done), 1, "the call done, in the chatter")
        self.assertIn("Zapłacą po otrzymaniu korekty.", done.body)
        self.assertEqual(case.activity_ids.date_deadline, date(2026, 3, 9))
        self.assertEqual(case.activity_ids.user_id, self.collector, "unassigned: the next call is the caller's")
        self.assertEqual(case.next_action_date, date(2026, 1, 17), "the first reminder of A comes first")

    def test_refresh_queries_do_not_grow_with_customers(self):
        def make_customers(count):
            customers = self.env["res.partner"]
            with freeze_time(date(2026, 1, 1)):
                for index in range(count):
                    customer, _contact = self._customer(f"Klient {count}-{index}")
                    self._invoice(customer, date(2026, 1, 15), 10 * (index + 1))
                    customers |= customer
            return customers

        def count_queries(customers):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.Case._refresh_collection_cases(customers)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        with freeze_time(TODAY):
            warm_up, few, many = make_customers(1), make_customers(2), make_customers(8)
            count_queries(warm_up)
            opened = count_queries(few), count_queries(many)
            refreshed = count_queries(few), count_queries(many)
            self.assertEqual(opened[0], opened[1], "opening cases: queries independent of the number of customers")
            self.assertEqual(refreshed[0], refreshed[1], "refreshing: queries independent of the customers")
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(12):
                self.Case._refresh_collection_cases(many)
                self.env.flush_all()
        self.assertEqual(
            sorted(self.Case.search([("partner_id", "in", many.ids)]).mapped("overdue_amount")),
            [10, 20, 30, 40, 50, 60, 70, 80],
        )
