from datetime import date

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon


@tagged("post_install", "-at_install")
class TestPartnerOverdue(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, login="sa_od_sales", groups="sales_team.group_sale_salesman")
        cls.product = cls.env["product.product"].create({"name": "Cement"})

    def _customer(self, name):
        customer = self.env["res.partner"].create({"name": name, "is_company": True})
        contact = self.env["res.partner"].create({"name": f"{name} kontakt", "parent_id": customer.id})
        return customer, contact

    def _invoice(self, partner, due, amount):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_overdue_figures_per_commercial_entity(self):
        customer, contact = self._customer("Dłużnik")
        with freeze_time(date(2026, 1, 1)):
            self._invoice(contact, date(2026, 1, 10), 100)
            self._invoice(customer, date(2026, 2, 1), 50)
            self._invoice(customer, date(2026, 4, 1), 70)  # not due yet on 2026-03-02
            paid = self._invoice(customer, date(2026, 1, 5), 30)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {}
        )._create_payments()
        with freeze_time(date(2026, 3, 2)):
            for partner in (customer, contact):
                partner = partner.with_user(self.salesperson)
                self.assertEqual(partner.sales_admin_overdue_amount, 150)
                self.assertEqual(partner.sales_admin_overdue_count, 2)
                self.assertEqual(partner.sales_admin_overdue_days, 51, "the oldest unpaid, due on 10 January")

    def test_batch_in_one_query(self):
        partners = self.env["res.partner"]
        with freeze_time(date(2026, 1, 1)):
            for index in range(6):
                customer, _contact = self._customer(f"Klient {index}")
                self._invoice(customer, date(2026, 1, 15), 10 * (index + 1))
                partners |= customer
        with freeze_time(date(2026, 3, 2)):
            partners.invalidate_recordset()
            with self.assertQueryCount(2):  # the overdue invoices of the batch, and the company's currency
                amounts = partners.mapped("sales_admin_overdue_amount")
        self.assertEqual(amounts, [10, 20, 30, 40, 50, 60])

    def test_shared_with_the_reception_and_the_priority_rules(self):
        customer, _contact = self._customer("Wspólny")
        Move = self.env["account.move"]
        company = self.env.company
        self.assertEqual(
            self.env["sales_admin.ticket.priority.rule"]._get_overdue_invoice_domain(customer, company),
            Move._get_sales_admin_overdue_domain(customer, company),
        )
        self.assertEqual(
            self.env["sales_admin.reception"]._get_overdue_invoice_domain(customer, company),
            Move._get_sales_admin_overdue_domain(customer, company),
        )
