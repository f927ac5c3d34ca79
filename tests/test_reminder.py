import io
from datetime import date

from PyPDF2 import PdfFileReader

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
class ReminderCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.accountant = new_test_user(
            cls.env, login="sa_rem_accountant", name="Księgowa", groups="base.group_user,account.group_account_invoice"
        )
        cls.salesperson = new_test_user(
            cls.env, login="sa_rem_sales", name="Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.product = cls.env["product.product"].create({"name": "Cegła"})
        cls.template = cls.env.ref("sales_admin_addon.mail_template_sales_admin_reminder")
        Level = cls.env["sales_admin.reminder.level"]
        Level.search([]).active = False
        Level.flush_model()
        cls.level_1 = Level.create(
            {"name": "Pierwsze", "days_after_due": 7, "channel": "email", "mail_template_id": cls.template.id}
        )
        cls.level_2 = Level.create(
            {"name": "Drugie", "days_after_due": 21, "channel": "email", "mail_template_id": cls.template.id}
        )
        cls.level_3 = Level.create({"name": "List", "days_after_due": 45, "channel": "letter"})
        cls.level_4 = Level.create(
            {
                "name": "Telefon",
                "days_after_due": 75,
                "channel": "phone",
                "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
                "user_id": cls.accountant.id,
            }
        )
        cls.Reminder = cls.env["sales_admin.reminder"]

    @classmethod
    def _customer(cls, name, email=True, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.lower().replace(' ', '.')}@example.com" if email else False,
                **vals,
            }
        )

    @classmethod
    def _invoice(cls, partner, due, amount, company=None, currency=None, post=True):
        company = company or cls.company
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": due,
                    "invoice_date_due": due,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        if post:
            invoice.action_post()
        return invoice

    def _pay(self, invoice, amount=None):
        wizard = self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids)
        vals = {"amount": amount} if amount is not None else {}
        wizard.create(vals)._create_payments()

    def _run(self):
        return self.Reminder._cron_send_reminders()

    def _mails(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "sales_admin.reminder"), ("recipient_ids", "in", partner.ids)]
        )


@tagged("post_install", "-at_install")
class TestReminder(ReminderCommon):
    def test_one_reminder_per_customer_at_the_highest_level_reached(self):
        customer = self._customer("Budmax")
        older = self._invoice(customer, date(2026, 5, 1), 300)  # 31 days: level 2
        newer = self._invoice(customer, date(2026, 5, 20), 100)  # 12 days: level 1
        self._invoice(customer, date(2026, 6, 15), 50)  # not due
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.level_id, self.level_2)
        self.assertEqual(reminder.invoice_ids, older | newer)
        self.assertEqual(reminder.amount_overdue, 400)
        self.assertEqual(
            (older.sales_admin_reminder_level_id, newer.sales_admin_reminder_level_id),
            (self.level_2, self.level_1),
            "each invoice records the level it reached",
        )
        self.assertEqual(older.sales_admin_last_reminder_date, TODAY)
        mail = self._mails(customer)
        self.assertEqual(len(mail), 1, "one e-mail for the customer, queued in the mail queue")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(older.name, mail.body_html)
        self.assertIn(newer.name, mail.body_html)
        self.assertEqual(customer.with_user(self.accountant).sales_admin_reminder_count, 1)

    def test_two_runs_on_one_day_send_nothing_twice(self):
        customers = [self._customer(f"Klient {index}") for index in range(3)]
        for customer in customers:
            self._invoice(customer, date(2026, 5, 10), 100)
        with freeze_time(TODAY):
            self.assertEqual(self._run(), 3)
            self.assertEqual(self._run(), 0, "nothing newly due")
            self.Reminder._plan_reminders()
        self.assertEqual(self.Reminder.search_count([("partner_id", "in", [c.id for c in customers])]), 3)
        for customer in customers:
            self.assertEqual(len(self._mails(customer)), 1)

    def test_next_level_when_an_invoice_reaches_it(self):
        customer = self._customer("Kolejny")
        invoice = self._invoice(customer, date(2026, 5, 20), 100)
        with freeze_time(TODAY):
            self._run()
        with freeze_time(date(2026, 6, 5)):
            self._run()
            self.assertEqual(invoice.sales_admin_reminder_level_id, self.level_1, "still level 1 on day 16")
        with freeze_time(date(2026, 6, 12)):
            self._run()
        reminders = self.Reminder.search([("partner_id", "=", customer.id)], order="date")
        self.assertEqual(reminders.level_id, self.level_1 | self.level_2)
        self.assertEqual(invoice.sales_admin_reminder_level_id, self.level_2)
        self.assertEqual(len(self._mails(customer)), 2)
        partner = customer.with_user(self.salesperson)
        self.assertEqual(partner.sales_admin_reminder_level_id, self.level_2, "the customer shows the level reached")
        self.assertEqual(partner.sales_admin_last_reminder_date, date(2026, 6, 12))

    def test_payment_resets_the_level_a_partial_one_does_not(self):
        customer = self._customer("Płatnik")
        paid = self._invoice(customer, date(2026, 5, 20), 100)
        partly_paid = self._invoice(customer, date(2026, 5, 20), 200)
        with freeze_time(TODAY):
            self._run()
            self._pay(paid)
            self._pay(partly_paid, 50)
        self.assertFalse(paid.sales_admin_reminder_level_id)
        self.assertFalse(paid.sales_admin_last_reminder_date)
        self.assertEqual(partly_paid.sales_admin_reminder_level_id, self.level_1)
        with freeze_time(date(2026, 6, 12)):
            self._run()
        second = self.Reminder.search([("partner_id", "=", customer.id), ("level_id", "=", self.level_2.id)])
        self.assertEqual(second.invoice_ids, partly_paid, "the paid invoice is no longer named")
        self.assertEqual(second.amount_overdue, 150, "the partial payment reduces the amount due")

    def test_payment_after_planning_skips_the_reminder(self):
        customer = self._customer("Spóźniony")
        invoice = self._invoice(customer, date(2026, 5, 20), 100)
        with freeze_time(TODAY):
            planned = self.Reminder.browse(self.Reminder._plan_reminders())
            self.assertEqual(planned.partner_id, customer)
            self._pay(invoice)
            self._run()
        self.assertEqual(planned.state, "skipped")
        self.assertTrue(planned.skip_reason)
        self.assertFalse(self._mails(customer))

    def test_credit_note_reduces_the_overdue_and_a_full_one_settles_it(self):
        customer = self._customer("Korekta")
        partly = self._invoice(customer, date(2026, 5, 20), 300)
        fully = self._invoice(customer, date(2026, 5, 20), 80)
        for invoice, amount in ((partly, 100), (fully, 80)):
            refund = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "reason": "korekta"})
                .refund_moves()
            )
            credit_note = self.env["account.move"].browse(refund["res_id"])
            credit_note.invoice_line_ids.price_unit = amount
            credit_note.action_post()
            (credit_note | invoice).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            ).reconcile()
        self.assertEqual(fully.payment_state, "reversed")
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.invoice_ids, partly)
        self.assertEqual(reminder.amount_overdue, 200)

    def test_disputed_invoice_is_left_out(self):
        customer = self._customer("Sporny")
        disputed = self._invoice(customer, date(2026, 4, 1), 500)  # 61 days: letter level
        other = self._invoice(customer, date(2026, 5, 20), 100)
        self.env["sales_admin.ticket"].create(
            {
                "title": "Uszkodzony towar",
                "partner_id": customer.id,
                "ticket_type_id": self.env.ref("sales_admin_addon.ticket_type_complaint").id,
                "invoice_id": disputed.id,
            }
        )
        self.assertTrue(disputed.sales_admin_in_dispute)
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.level_id, self.level_1, "the disputed invoice's letter level is not reached")
        self.assertEqual(reminder.invoice_ids, other)
        self.assertFalse(disputed.sales_admin_reminder_level_id)

    def test_customer_without_email_on_an_email_level_is_skipped_and_logged(self):
        customer = self._customer("Bez Maila", email=False)
        self._invoice(customer, date(2026, 5, 20), 100)
        with (
            freeze_time(TODAY),
            self.assertLogs("odoo.addons.sales_admin_addon.models.sales_admin_reminder", "WARNING"),
        ):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.state, "skipped")
        self.assertIn("e-mail", reminder.skip_reason)
        self.assertFalse(self._mails(customer))

    def test_invoice_address_contact_receives_the_email(self):
        customer = self._customer("Centrala", email=False)
        billing = self.env["res.partner"].create(
            {"name": "Księgowość Centrali", "type": "invoice", "parent_id": customer.id, "email": "fv@centrala.pl"}
        )
        self._invoice(billing, date(2026, 5, 20), 100)
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.recipient_id, billing)
        self.assertEqual(len(self._mails(billing)), 1)

    def test_phone_level_plans_a_call_for_the_responsible(self):
        customer = self._customer("Dzwonić")
        self._invoice(customer, date(2026, 3, 1), 100)  # 92 days
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.level_id, self.level_4)
        case = self.env["sales_admin.collection.case"].search([("partner_id", "=", customer.id)])
        self.assertEqual(case.reminder_level_id, self.level_4, "the collection case shows the level reached")
        call = case.activity_ids
        self.assertEqual(call.user_id, self.accountant, "the call is the case's next action")
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn(reminder.invoice_ids.name, call.note)
        self.assertEqual(case.next_action_date, TODAY)
        self.assertFalse(self._mails(customer))

    def test_promise_to_pay_pauses_reminders_until_its_day(self):
        customer = self._customer("Obiecujący")
        invoice = self._invoice(customer, date(2026, 5, 20), 100)
        Case = self.env["sales_admin.collection.case"]
        with freeze_time(date(2026, 5, 25)):
            case = Case._refresh_collection_cases(customer.ids, self.company.ids)
            self.env["sales_admin.collection.promise"].with_user(self.accountant).create(
                {"case_id": case.id, "promise_date": date(2026, 6, 10), "promise_amount": 100}
            ).action_record_promise()
        self.assertEqual(case.promise_state, "pending")
        with freeze_time(TODAY):
            self.assertEqual(self._run(), 0, "paused by the promise")
        with freeze_time(date(2026, 6, 11)):
            Case._cron_check_promises()
            self.assertEqual(case.promise_state, "broken")
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.invoice_ids, invoice, "the broken promise lets the reminders go")

    def test_multi_currency_amount_in_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        if eur == self.company.currency_id:
            eur = self.env.ref("base.USD")
            eur.active = True
        self.env["res.currency.rate"].create(
            {"name": date(2026, 1, 1), "rate": 0.25, "currency_id": eur.id, "company_id": self.company.id}
        )
        customer = self._customer("Zagraniczny")
        foreign = self._invoice(customer, date(2026, 5, 20), 100, currency=eur)  # 100 EUR = 400 company currency
        self._invoice(customer, date(2026, 5, 20), 50)
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(foreign.amount_residual_signed, 400)
        self.assertEqual(reminder.amount_overdue, 450)

    def test_multi_company_levels_and_visibility(self):
        company_b = self.env["res.company"].create({"name": "Oddział B"})
        self.env["account.chart.template"].try_loading("generic_coa", company=company_b, install_demo=False)
        level_b = self.env["sales_admin.reminder.level"].create(
            {
                "name": "B: jedyne",
                "company_id": company_b.id,
                "days_after_due": 30,
                "channel": "email",
                "mail_template_id": self.template.id,
            }
        )
        customer = self._customer("Dwie Firmy")
        self._invoice(customer, date(2026, 5, 20), 100)  # 12 days in A: level 1
        in_b = self._invoice(customer, date(2026, 4, 20), 70, company=company_b)  # 42 days in B
        with freeze_time(TODAY):
            self._run()
        reminders = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminders), 2)
        self.assertEqual(reminders.filtered(lambda r: r.company_id == company_b).level_id, level_b)
        self.assertEqual(in_b.sales_admin_reminder_level_id, level_b)
        self.accountant.write({"company_ids": [Command.set(self.company.ids)], "company_id": self.company.id})
        visible = self.Reminder.with_user(self.accountant).search([("partner_id", "=", customer.id)])
        self.assertEqual(visible.company_id, self.company)

    def test_bad_level_setup_is_refused(self):
        Level = self.env["sales_admin.reminder.level"]
        with self.assertRaises(ValidationError):
            Level.create({"name": "Bez szablonu", "days_after_due": 10, "channel": "email"})
        with self.assertRaises(ValidationError):
            Level.create({"name": "Telefon bez typu", "days_after_due": 11, "channel": "phone"})
        with self.assertRaises(ValidationError):
            Level.create({"name": "Zero", "days_after_due": 0, "channel": "letter"})
        with self.assertRaises(ValidationError):
            Level.create({"name": "Ten sam dzień", "days_after_due": 7, "channel": "letter"})
        self.level_1.active = False
        Level.flush_model()
        Level.create({"name": "Zamiennik", "days_after_due": 7, "channel": "letter"})

    def test_access_accounting_vs_sales(self):
        own = self._customer("Mój Klient", user_id=self.salesperson.id)
        other = self._customer("Cudzy Klient")
        self._invoice(own, date(2026, 5, 20), 100)
        self._invoice(other, date(2026, 5, 20), 100)
        with freeze_time(TODAY):
            self._run()
        reminders = self.Reminder.search([("partner_id", "in", (own | other).ids)])
        self.assertEqual(len(reminders.with_user(self.accountant).search([("id", "in", reminders.ids)])), 2)
        self.assertEqual(reminders.with_user(self.salesperson).search([("id", "in", reminders.ids)]).partner_id, own)
        with self.assertRaises(AccessError):
            reminders.with_user(self.salesperson).action_cancel()
        with self.assertRaises(AccessError):
            self.env["sales_admin.reminder.level"].with_user(self.accountant).create(
                {"name": "x", "days_after_due": 99, "channel": "letter"}
            )
        with self.assertRaises(AccessError):
            reminders.with_user(self.internal_user).read(["state"])
        with self.assertRaises(UserError):
            reminders[0].with_user(self.accountant).unlink()
        with self.assertRaises(UserError):
            self.level_1.unlink()


@tagged("post_install", "-at_install")
class TestReminderByHand(ReminderCommon):
    def test_prepare_preview_and_send_now(self):
        customer = self._customer("Ręcznie")
        invoice = self._invoice(customer, date(2026, 5, 20), 100)
        partner = customer.with_user(self.accountant)
        with freeze_time(TODAY):
            action = partner.action_sales_admin_prepare_reminder()
            reminder = self.Reminder.with_user(self.accountant).browse(action["res_id"])
            self.assertEqual(reminder.state, "pending")
            self.assertEqual(reminder.invoice_ids, invoice, "the preview lists the invoices")
            self.assertIn(invoice.name, reminder.preview_body)
            self.assertFalse(self._mails(customer), "a preview sends nothing")
            again = partner.action_sales_admin_prepare_reminder()
            self.assertEqual(again["res_id"], reminder.id, "preparing twice gives the same reminder")
            reminder.action_send_now()
            self.assertEqual(reminder.state, "sent")
            self.assertEqual(len(self._mails(customer)), 1)
            self.assertEqual(self._run(), 0, "the daily run does not send it again")
            with self.assertRaises(UserError):
                partner.action_sales_admin_prepare_reminder()
            with self.assertRaises(UserError):
                reminder.action_send_now()

    def test_salesperson_cannot_send(self):
        customer = self._customer("Nie Ty", user_id=self.salesperson.id)
        self._invoice(customer, date(2026, 5, 20), 100)
        with freeze_time(TODAY):
            reminder = self.Reminder.browse(self.Reminder._plan_reminders())
            with self.assertRaises(AccessError):
                reminder.with_user(self.salesperson).action_send_now()


@tagged("post_install", "-at_install")
class TestReminderRun(ReminderCommon):
    def test_crash_mid_run_then_restart_sends_no_duplicates(self):
        customers = [self._customer(f"Awaria {index}") for index in range(6)]
        for customer in customers:
            self._invoice(customer, date(2026, 5, 20), 100)
        with freeze_time(TODAY):
            planned = self.Reminder.browse(self.Reminder._plan_reminders()).sorted("id")
            self.assertEqual(len(planned), 6)
            planned[:2]._send_reminders()  # the first batch committed
            # the second batch is killed before its commit: everything it wrote is rolled back
            with self.assertRaises(RuntimeError), self.cr.savepoint():
                planned[2:4]._send_reminders()
                self.assertEqual(planned[2].state, "sent")
                raise RuntimeError("worker killed")
            self.env.invalidate_all()
            self.assertEqual(planned[2:].mapped("state"), ["pending"] * 4, "the killed batch left them pending")
            self.assertEqual(self._run(), 4, "the restart sends what was left")
        for customer in customers:
            self.assertEqual(len(self._mails(customer)), 1, "one e-mail each, none twice")
        self.assertEqual(set(planned.mapped("state")), {"sent"})

    def test_queries_per_customer_do_not_grow(self):
        def run_for(count, tag):
            # every channel: e-mail (12 days), letter (61 days), phone (92 days)
            dues = (date(2026, 5, 20), date(2026, 4, 1), date(2026, 3, 1))
            for index in range(count):
                customer = self._customer(f"Zapytania {tag} {index}")
                self._invoice(customer, dues[index % 3], 100)
                self._invoice(customer, date(2026, 5, 25), 40)
            self.env.invalidate_all()
            with freeze_time(TODAY):
                start = self.cr.sql_log_count
                sent = self.Reminder._cron_send_reminders(batch_size=100)
                return sent, self.cr.sql_log_count - start

        run_for(3, "warm-up")  # templates, views and report loaded once
        sent_small, queries_small = run_for(3, "a")
        sent_large, queries_large = run_for(12, "b")
        self.assertEqual((sent_small, sent_large), (3, 12))
        per_customer = (queries_large - queries_small) / 9
        message = f"{queries_small} queries for 3 customers, {queries_large} for 12"
        self.assertLessEqual(per_customer, 5, message)
        self.assertLessEqual(queries_small, 100, message)

    def test_letter_pdf_names_the_invoices(self):
        customer = self._customer(
            "Listowny", street="ul. Długa 1", city="Gdańsk", zip="80-001", country_id=self.env.ref("base.pl").id
        )
        first = self._invoice(customer, date(2026, 4, 1), 100)  # 61 days: letter level
        second = self._invoice(customer, date(2026, 4, 10), 200)
        with freeze_time(TODAY):
            self._run()
        reminder = self.Reminder.search([("partner_id", "=", customer.id)])
        self.assertEqual(reminder.level_id, self.level_3)
        case = self.env["sales_admin.collection.case"].search([("partner_id", "=", customer.id)])
        self.assertEqual(case.activity_ids.summary, "Post the payment reminder letter")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sales_admin_addon.report_sales_admin_reminder_letter", reminder.ids)[0]
            .decode()
        )
        self.assertIn(first.name, html)
        self.assertIn("Gdańsk", html)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("sales_admin_addon.report_sales_admin_reminder_letter", reminder.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), "rendered by wkhtmltopdf")
        text = "".join(page.extractText() for page in PdfFileReader(io.BytesIO(pdf)).pages)
        self.assertIn(first.name, text)
        self.assertIn(second.name, text)

    def test_each_letter_is_kept_on_its_reminder(self):
        short = self._customer("Krótki List")
        long = self._customer("Długi List")
        short_invoice = self._invoice(short, date(2026, 4, 1), 100)
        long_invoices = self.env["account.move"]
        for index in range(45):  # a letter of more than one page
            long_invoices |= self._invoice(long, date(2026, 4, 1), 10 + index)
        with freeze_time(TODAY):
            planned = self.Reminder.browse(self.Reminder._plan_reminders())
            planned.with_context(force_report_rendering=True)._send_reminders()
        self.assertEqual(set(planned.mapped("state")), {"sent"})
        for customer, invoices in ((short, short_invoice), (long, long_invoices)):
            reminder = planned.filtered(lambda r, customer=customer: r.partner_id == customer)
            letter = self.env["ir.attachment"].search(
                [("res_model", "=", "sales_admin.reminder"), ("res_id", "=", reminder.id)]
            )
            self.assertEqual(len(letter), 1, f"the letter of {customer.name} is kept on its reminder")
            text = "".join(page.extractText() for page in PdfFileReader(io.BytesIO(letter.raw)).pages)
            self.assertIn(invoices[0].name, text)
            self.assertIn(invoices[-1].name, text)
        self.assertNotIn(
            short_invoice.name,
            "".join(
                page.extractText()
                for page in PdfFileReader(
                    io.BytesIO(
                        self.env["ir.attachment"]
                        .search(
                            [
                                ("res_model", "=", "sales_admin.reminder"),
                                ("res_id", "=", planned.filtered(lambda r: r.partner_id == long).id),
                            ]
                        )
                        .raw
                    )
                ).pages
            ),
            "each letter holds its own customer's invoices",
        )
