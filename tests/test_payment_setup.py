from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SalesAdminCommon


@tagged("post_install", "-at_install")
class TestPaymentSetup(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesperson = new_test_user(
            cls.env, login="sa_pay_sales", groups="base.group_user,sales_team.group_sale_salesman"
        )
        cls.billing_user = new_test_user(
            cls.env, login="sa_pay_billing", groups="base.group_user,account.group_account_invoice"
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.transfer_line = cls.bank_journal.inbound_payment_method_line_ids.filtered(
            lambda line: line.code == "manual"
        )
        # a card method as account_payment makes them: an inbound method line linked to its payment provider
        cls.provider = cls.env["payment.provider"].create({"name": "Test Cards", "code": "none", "state": "test"})
        card_method = cls.env["account.payment.method"].create(
            {"name": "Test Cards", "code": "sa_test_cards", "payment_type": "inbound"}
        )
        cls.card_line = cls.env["account.payment.method.line"].create(
            {
                "name": "Test Cards",
                "payment_method_id": card_method.id,
                "journal_id": cls.bank_journal.id,
                "payment_provider_id": cls.provider.id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Płatnik", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Płatnik, księgowość", "parent_id": cls.customer.id})
        cls.product = cls.env["product.product"].create({"name": "Serwis", "type": "service", "list_price": 100})

    def _assert_setup(self, kind, state, partners=None):
        Partner = self.env["res.partner"].with_user(self.salesperson)
        for partner in partners or (self.customer, self.contact):
            partner = partner.with_user(self.salesperson)
            partner.invalidate_recordset()
            self.assertEqual(partner.sales_admin_payment_kind, kind, partner.name)
            self.assertEqual(partner.sales_admin_payment_setup, state, partner.name)
            # the search says the same as the compute
            self.assertIn(partner, Partner.search([("sales_admin_payment_setup", "=", state)]))
            self.assertNotIn(partner, Partner.search([("sales_admin_payment_setup", "!=", state)]))
            others = [
                other for other in ("no_method", "no_bank_account", "bank_not_validated", "no_card_token", "ready")
            ]
            others.remove(state)
            self.assertNotIn(partner, Partner.search([("sales_admin_payment_setup", "in", others)]))
            incomplete = Partner.search([("sales_admin_payment_setup", "!=", "ready")])
            self.assertEqual(partner in incomplete, state != "ready")

    def _token(self, partner):
        return self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "partner_id": partner.id,
                "payment_method_id": self.env.ref("payment.payment_method_card").id,
                "payment_details": "4242",
                "provider_ref": "sa-test-token",
            }
        )

    def test_states_from_method_to_ready(self):
        self._assert_setup(False, "no_method")

        self.customer.property_inbound_payment_method_line_id = self.transfer_line
        self._assert_setup("bank_transfer", "no_bank_account")

        bank = self.env["res.partner.bank"].create(
            {"acc_number": "PL61109010140000071219812874", "partner_id": self.customer.id}
        )
        self._assert_setup("bank_transfer", "bank_not_validated")

        bank.allow_out_payment = True  # validated (trusted) by someone who may: here the superuser
        self._assert_setup("bank_transfer", "ready")

        bank.action_archive()
        self._assert_setup("bank_transfer", "no_bank_account")

        self.customer.property_inbound_payment_method_line_id = self.card_line
        self._assert_setup("card", "no_card_token")

        # a card saved by one of the customer's contacts counts; one saved by a stranger does not
        self._token(self.env["res.partner"].create({"name": "Obcy"}))
        self._assert_setup("card", "no_card_token")
        token = self._token(self.contact)
        self._assert_setup("card", "ready")

        token.active = False
        self._assert_setup("card", "no_card_token")

    def test_state_is_per_company(self):
        self.customer.property_inbound_payment_method_line_id = self.transfer_line
        self.env["res.partner.bank"].create(
            {"acc_number": "PL27114020040000300201355387", "partner_id": self.customer.id, "allow_out_payment": True}
        )
        self._assert_setup("bank_transfer", "ready")
        other_company = self.env["res.company"].create({"name": "Druga spółka"})
        self.salesperson.company_ids |= other_company
        customer = self.customer.with_user(self.salesperson).with_company(other_company)
        self.assertEqual(customer.sales_admin_payment_setup, "no_method")
        self.assertFalse(customer.sales_admin_payment_kind)
        Partner = self.env["res.partner"].with_user(self.salesperson).with_company(other_company)
        self.assertIn(self.customer, Partner.search([("sales_admin_payment_setup", "=", "no_method")]))
        self.assertNotIn(self.customer, Partner.search([("sales_admin_payment_setup", "=", "ready")]))

    def test_new_customer_form(self):
        with Form(self.env["res.partner"].with_user(self.sales_admin_user)) as form:
            form.company_type = "company"
            form.name = "Nowy klient"
            self.assertEqual(form.sales_admin_payment_setup, "no_method")
            form.property_inbound_payment_method_line_id = self.transfer_line
            self.assertEqual(form.sales_admin_payment_kind, "bank_transfer")
            self.assertEqual(form.sales_admin_payment_setup, "no_bank_account")
        self.assertEqual(form.record.sales_admin_payment_setup, "no_bank_account")
        # a new contact of a customer shows the customer's set-up
        self.customer.property_inbound_payment_method_line_id = self.card_line
        with Form(self.env["res.partner"].with_user(self.sales_admin_user)) as form:
            form.name = "Nowa osoba"
            form.parent_id = self.customer
            self.assertEqual(form.sales_admin_payment_setup, "no_card_token")

    def test_search_rejects_other_operators(self):
        with self.assertRaises(UserError):
            self.env["res.partner"].search([("sales_admin_payment_setup", "ilike", "read")])

    def test_batch_read_in_bounded_queries(self):
        def read_states(size):
            customers = self.env["res.partner"].create(
                [{"name": f"Klient {index}", "is_company": True} for index in range(size)]
            )
            half = size // 2
            customers[:half].property_inbound_payment_method_line_id = self.transfer_line
            customers[half:].property_inbound_payment_method_line_id = self.card_line
            self.env["res.partner.bank"].create(
                [
                    {"acc_number": f"ACC-{size}-{index}", "partner_id": customer.id}
                    for index, customer in enumerate(customers[:2])
                ]
            )
            self._token(customers[half])
            customers = customers.with_user(self.salesperson)
            self.env.invalidate_all()
            queries = self.cr.sql_log_count
            states = customers.mapped("sales_admin_payment_setup")
            return states, self.cr.sql_log_count - queries

        read_states(4)  # warm the caches (access rules, method information)
        small_states, small_queries = read_states(4)
        large_states, large_queries = read_states(40)
        self.assertEqual(small_states, ["bank_not_validated"] * 2 + ["ready", "no_card_token"])
        self.assertEqual(
            large_states, ["bank_not_validated"] * 2 + ["no_bank_account"] * 18 + ["ready"] + ["no_card_token"] * 19
        )
        self.assertEqual(small_queries, large_queries, "the queries do not grow with the number of customers")
        self.assertLessEqual(large_queries, 12)

    # ------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------

    def test_invoice_takes_the_customers_method_and_setup(self):
        self.customer.property_inbound_payment_method_line_id = self.transfer_line
        self.env["res.partner.bank"].create(
            {"acc_number": "PL10105000997603123456789123", "partner_id": self.customer.id}
        )
        # addressed to the company itself and to one of its contacts: both take the customer's method
        for partner in (self.customer, self.contact):
            with Form(
                self.env["account.move"].with_user(self.billing_user).with_context(default_move_type="out_invoice")
            ) as form:
                form.partner_id = partner
                with form.invoice_line_ids.new() as line:
                    line.product_id = self.product
                    line.tax_ids.clear()
                self.assertEqual(form.preferred_payment_method_line_id, self.transfer_line, partner.name)
                self.assertEqual(form.sales_admin_payment_kind, "bank_transfer")
                self.assertEqual(form.sales_admin_payment_setup, "bank_not_validated")
            invoice = form.record
            self.assertEqual(invoice.preferred_payment_method_line_id, self.transfer_line)
        # the invoice's own method rules its state: paid by card, with no saved card
        invoice.preferred_payment_method_line_id = self.card_line
        self.assertEqual(invoice.sales_admin_payment_kind, "card")
        self.assertEqual(invoice.sales_admin_payment_setup, "no_card_token")
        self._token(self.customer)
        invoice.invalidate_recordset()
        self.assertEqual(invoice.sales_admin_payment_setup, "ready")

    def test_a_contacts_own_method_wins(self):
        self.customer.property_inbound_payment_method_line_id = self.transfer_line
        self.contact.property_inbound_payment_method_line_id = self.card_line
        invoice = self.env["account.move"].create({"move_type": "out_invoice", "partner_id": self.contact.id})
        self.assertEqual(invoice.preferred_payment_method_line_id, self.card_line)

    def test_vendor_bills_have_no_setup(self):
        bill = self.env["account.move"].create({"move_type": "in_invoice", "partner_id": self.customer.id})
        self.assertFalse(bill.sales_admin_payment_setup)
        self.assertFalse(bill.sales_admin_payment_kind)

    def test_invoice_from_sale_order_takes_the_customers_method(self):
        self.customer.property_inbound_payment_method_line_id = self.card_line
        invoice_address = self.env["res.partner"].create(
            {"name": "Płatnik, faktury", "parent_id": self.customer.id, "type": "invoice"}
        )
        salesperson = new_test_user(
            self.env, login="sa_pay_sales_inv", groups="base.group_user,sales_team.group_sale_salesman_all_leads"
        )
        order = (
            self.env["sale.order"]
            .with_user(salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "partner_invoice_id": invoice_address.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        )
        order.action_confirm()
        invoice = order.with_user(salesperson)._create_invoices()
        self.assertEqual(invoice.partner_id, invoice_address)
        self.assertEqual(invoice.preferred_payment_method_line_id, self.card_line)
        self.assertEqual(invoice.sales_admin_payment_setup, "no_card_token")
