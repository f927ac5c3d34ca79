from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

TODAY = date(2026, 6, 30)
REPORT = "sales_admin.aged.receivable.report"


@tagged("post_install", "-at_install")
class TestAgedReceivableReport(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Spółka B"})
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.other_company, install_demo=False)
        cls.accountant = new_test_user(
            cls.env,
            login="sa_aged_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.accountant_b = new_test_user(
            cls.env,
            login="sa_aged_billing_b",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.salesperson = new_test_user(cls.env, login="sa_aged_sales", groups="sales_team.group_sale_salesman")
        cls.product = cls.env["product.product"].create({"name": "Stal"})
        cls.customer = cls.env["res.partner"].create({"name": "Huta", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Huta, księgowość", "parent_id": cls.customer.id})
        cls.other_customer = cls.env["res.partner"].create({"name": "Odlewnia", "is_company": True})
        eur, usd = cls.env.ref("base.EUR"), cls.env.ref("base.USD")
        cls.foreign = usd if cls.company.currency_id == eur else eur
        cls.foreign.active = True
        # 1 company currency = 0.5 foreign: 100 in the foreign currency are 200 in the company's
        cls.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 0.5, "currency_id": cls.foreign.id, "company_id": cls.company.id}
        )

        with freeze_time(TODAY):
            cls.inv_current = cls._invoice(cls.customer, date(2026, 6, 20), date(2026, 7, 10), 100)
            cls.inv_partial = cls._invoice(cls.contact, date(2026, 6, 1), date(2026, 6, 15), 200)  # 15 days
            cls.inv_credited = cls._invoice(cls.customer, date(2026, 5, 1), date(2026, 5, 15), 300)  # 46 days
            cls.inv_foreign = cls._invoice(
                cls.customer, date(2026, 4, 1), date(2026, 4, 15), 100, currency=cls.foreign
            )  # 76 days
            cls.inv_old = cls._invoice(cls.customer, date(2026, 1, 15), date(2026, 1, 31), 400)  # 150 days
            cls.inv_other = cls._invoice(cls.other_customer, date(2026, 3, 1), date(2026, 3, 20), 80)  # 102 days
            cls.inv_company_b = cls._invoice(
                cls.customer, date(2026, 3, 1), date(2026, 3, 10), 500, company=cls.other_company
            )
            # a partial payment of 50
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=cls.inv_partial.ids
            ).create({"amount": 50, "payment_date": date(2026, 6, 10)})._create_payments()
            # a credit note of 100 matched with an invoice, and one of 70 not matched yet
            refund = cls._invoice(cls.customer, date(2026, 5, 20), date(2026, 5, 20), 100, move_type="out_refund")
            (cls.inv_credited | refund).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
            cls.open_refund = cls._invoice(
                cls.customer, date(2026, 6, 20), date(2026, 6, 20), 70, move_type="out_refund"
            )  # 10 days
            # a payment not matched with any invoice yet
            payment = cls.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": cls.customer.id,
                    "amount": 30,
                    "date": date(2026, 6, 25),
                }
            )
            payment.action_post()
            cls.payment_move = payment.move_id
        cls.complaint = cls.env["sales_admin.ticket"].create(
            {
                "title": "Zła faktura",
                "partner_id": cls.customer.id,
                "ticket_type_id": cls.env.ref("sales_admin_addon.ticket_type_complaint").id,
                "invoice_id": cls.inv_old.id,
            }
        )

    @classmethod
    def _invoice(cls, partner, invoice_date, due, amount, currency=None, company=None, move_type="out_invoice"):
        company = company or cls.company
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def _pivot(self, user, domain=()):
        Report = self.env[REPORT].with_user(user)
        return {
            (partner.id, bucket): amount
            for partner, bucket, amount in Report._read_group(
                list(domain), ["partner_id", "aging_bucket"], ["amount_residual:sum"]
            )
        }

    @freeze_time(TODAY)
    def test_pivot_totals_are_the_open_residuals(self):
        self.env.flush_all()
        Report = self.env[REPORT].with_user(self.accountant)
        Report.read_group([], ["amount_residual:sum"], ["partner_id", "aging_bucket"], lazy=False)  # warm the caches
        self.env.invalidate_all()
        # the figures in one query, whatever the number of items, and a fixed number of reads around it (the user's
        # companies for the record rule, the customers' names)
        with self.assertQueryCount(4):
            groups = Report.read_group([], ["amount_residual:sum"], ["partner_id", "aging_bucket"], lazy=False)
        self.assertEqual(len(groups), 6)
        pivot = self._pivot(self.accountant)
        customer, other = self.customer.id, self.other_customer.id
        self.assertEqual(
            pivot,
            {
                (customer, "current"): 100.0,
                # 200 less the partial payment of 50, the open credit note (-70) and the unmatched payment (-30)
                (customer, "1_30"): 50.0,
                (customer, "31_60"): 200.0,  # 300 less the matched credit note of 100
                (customer, "61_90"): 200.0,  # 100 in the foreign currency at 0.5
                (customer, "90_plus"): 400.0,
                (other, "90_plus"): 80.0,
            },
        )
        totals = dict(Report._read_group([], ["partner_id"], ["amount_residual:sum"]))
        self.assertEqual(totals[self.customer], 950.0)

    @freeze_time(TODAY)
    def test_rows_per_document(self):
        Report = self.env[REPORT].with_user(self.accountant)
        rows = {row.move_id: row for row in Report.search([])}
        self.assertEqual(
            set(rows),
            {
                self.inv_current,
                self.inv_partial,
                self.inv_credited,
                self.inv_foreign,
                self.inv_old,
                self.inv_other,
                self.open_refund,
                self.payment_move,
            },
            "paid-off documents (the matched credit note, the partial payment) and company B are not listed",
        )
        foreign = rows[self.inv_foreign]
        self.assertEqual((foreign.amount_residual, foreign.amount_residual_currency), (200.0, 100.0))
        self.assertEqual(foreign.currency_id, self.foreign)
        self.assertEqual(foreign.company_currency_id, self.company.currency_id)
        self.assertEqual((foreign.days_overdue, foreign.aging_bucket), (76, "61_90"))
        partial = rows[self.inv_partial]
        self.assertEqual(partial.partner_id, self.customer, "the commercial partner, not the contact")
        self.assertEqual((partial.amount_residual, partial.days_overdue, partial.aging_bucket), (150.0, 15, "1_30"))
        self.assertEqual((rows[self.inv_current].days_overdue, rows[self.inv_current].aging_bucket), (0, "current"))
        self.assertEqual(rows[self.open_refund].amount_residual, -70.0)
        self.assertEqual(rows[self.open_refund].move_type, "out_refund")
        self.assertEqual(rows[self.payment_move].amount_residual, -30.0)
        self.assertEqual(rows[self.inv_old].date_maturity, date(2026, 1, 31))
        self.assertTrue(rows[self.inv_old].in_dispute)
        self.assertEqual(Report.search([("in_dispute", "=", True)]).move_id, self.inv_old)
        overdue = Report.search([("days_overdue", ">", 0)])
        self.assertNotIn(self.inv_current, overdue.move_id)
        self.assertIn(self.open_refund, overdue.move_id)

    def test_buckets_move_with_today(self):
        Report = self.env[REPORT].with_user(self.accountant)
        with freeze_time(date(2026, 7, 11)):
            row = Report.search([("move_id", "=", self.inv_current.id)])
            self.assertEqual((row.days_overdue, row.aging_bucket), (1, "1_30"))
        with freeze_time(date(2026, 10, 9)):
            Report.invalidate_model()
            row = Report.search([("move_id", "=", self.inv_current.id)])
            self.assertEqual((row.days_overdue, row.aging_bucket), (91, "90_plus"))

    @freeze_time(TODAY)
    def test_companies_apart(self):
        pivot_b = self._pivot(self.accountant_b)
        self.assertEqual(pivot_b, {(self.customer.id, "90_plus"): 500.0})
        self.assertNotIn(
            self.inv_company_b, self.env[REPORT].with_user(self.accountant).search([]).move_id, "company B hidden"
        )

    @freeze_time(TODAY)
    def test_access(self):
        self.assertTrue(self.env[REPORT].with_user(self.sales_admin_user).search_count([]))
        for user in (self.salesperson, self.internal_user, self.portal_user):
            with self.assertRaises(AccessError, msg=user.login):
                self.env[REPORT].with_user(user).search([])

    def test_menus(self):
        Menu = self.env["ir.ui.menu"]
        invoicing = self.env.ref("sales_admin_addon.sales_admin_aged_receivable_report_menu_invoicing")
        sales_admin = self.env.ref("sales_admin_addon.sales_admin_aged_receivable_report_menu")
        self.assertIn(invoicing.id, Menu.with_user(self.accountant)._visible_menu_ids())
        self.assertIn(sales_admin.id, Menu.with_user(self.sales_admin_user)._visible_menu_ids())
        for user in (self.salesperson, self.internal_user):
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertNotIn(invoicing.id, visible)
            self.assertNotIn(sales_admin.id, visible)

    # ------------------------------------------------------------
    # The customer's overdue figures (res.partner)
    # ------------------------------------------------------------

    @freeze_time(TODAY)
    def test_partner_overdue_figures(self):
        customer = self.customer.with_user(self.salesperson)
        # overdue invoices: 150 (partly paid), 200 (credited), 200 (foreign, in company currency), 400; the
        # current one is not due yet, the unmatched credit note and payment are no invoice
        self.assertEqual(customer.sales_admin_overdue_amount, 950.0)
        self.assertEqual(customer.sales_admin_overdue_count, 4)
        self.assertEqual(customer.sales_admin_overdue_days, 150)
        self.assertEqual(customer.sales_admin_company_currency_id, self.company.currency_id)
        # in company B: its own invoice only
        customer_b = self.customer.with_company(self.other_company)
        self.assertEqual(customer_b.sales_admin_overdue_amount, 500.0)
        self.assertEqual(customer_b.sales_admin_overdue_count, 1)

    @freeze_time(TODAY)
    def test_partner_overdue_reduced_by_payment_and_credit_note(self):
        self.assertEqual(self.customer.sales_admin_overdue_amount, 950.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.inv_old.ids
        ).create({"amount": 150})._create_payments()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.sales_admin_overdue_amount, 800.0, "a partial payment reduces it")
        (self.inv_foreign | self.open_refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.customer.invalidate_recordset()
        # 70 in the company currency taken from the foreign invoice of 200
        self.assertEqual(self.customer.sales_admin_overdue_amount, 730.0, "a matched credit note reduces it")
        self.assertEqual(self.customer.sales_admin_overdue_count, 4)
