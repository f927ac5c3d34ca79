"""Fixtures of the collection tests: customers, overdue invoices, payments, credit notes, reminder levels."""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common import GROUP_USER, SalesAdminCommon

TODAY = date(2026, 3, 2)


class CollectionCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.accountant = new_test_user(
            cls.env, login="sa_col_accountant", name="Księgowa", groups="base.group_user,account.group_account_invoice"
        )
        cls.salesperson = new_test_user(
            cls.env, login="sa_col_sales", name="Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, login="sa_col_sales2", name="Inny Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.collector = new_test_user(
            cls.env, login="sa_col_admin", name="Windykator", groups=f"base.group_user,{GROUP_USER}"
        )
        cls.product = cls.env["product.product"].create({"name": "Cement", "type": "service"})
        call = cls.env.ref("mail.mail_activity_data_call")
        Level = cls.env["sales_admin.reminder.level"]
        Level.search([]).active = False  # the levels the module installs
        Level.flush_model()
        cls.level_7, cls.level_30, cls.level_60 = (
            Level.create({"name": name, "days_after_due": days, "channel": "phone", "activity_type_id": call.id})
            for name, days in (("Pierwsze", 7), ("Drugie", 30), ("Ostatnie", 60))
        )
        cls.Case = cls.env["sales_admin.collection.case"]

    @classmethod
    def _customer(cls, name, salesperson=None):
        customer = cls.env["res.partner"].create(
            {"name": name, "is_company": True, "user_id": (salesperson or cls.salesperson).id}
        )
        contact = cls.env["res.partner"].create({"name": f"{name} kontakt", "parent_id": customer.id})
        return customer, contact

    @classmethod
    def _invoice(cls, partner, due, amount, company=None, currency=None):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_date": min(due, date(2026, 1, 1)),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _pay(self, invoice, amount, day, user=None):
        """Register a payment of ``amount`` on ``invoice`` on ``day``, as ``user`` (billing staff by default)."""
        env = self.env(user=user or self.accountant)
        wizard = (
            env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": day, "payment_difference_handling": "open"})
        )
        return wizard._create_payments()

    def _credit_note(self, invoice, amount, day):
        """A credit note of ``amount`` reconciled with ``invoice``."""
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "invoice_date": day,
                "date": day,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        refund.action_post()
        (invoice | refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        return refund

    def _case(self, partner, company=None):
        return self.Case.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company).id),
                ("state", "=", "open"),
            ]
        )
