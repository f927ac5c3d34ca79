from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestOverdueGuard(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Spółka Zależna"})
        cls.salesperson = new_test_user(
            cls.env,
            login="sa_guard_sales",
            name="Jan Handlowiec",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((cls.company | cls.other_company).ids)],
        )
        cls.product = cls.env["product.product"].create({"name": "Konsultacja", "type": "service", "list_price": 10})
        cls.customer = cls.env["res.partner"].create({"name": "Dłużnik sp. z o.o.", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Dłużnik, zakupy", "parent_id": cls.customer.id})
        cls.good_customer = cls.env["res.partner"].create({"name": "Płaci w terminie", "is_company": True})
        with freeze_time(date(2026, 1, 1)):
            cls.overdue_invoice = cls._invoice(cls.contact, date(2026, 1, 31), 1500)
            cls._invoice(cls.customer, date(2026, 4, 1), 9000)  # not due yet
        cls.company.write({"sales_admin_overdue_guard": "block", "sales_admin_overdue_threshold": 1000})

    @classmethod
    def _invoice(cls, partner, due, amount):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 1, 1),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _order(self, partner=None, company=None):
        Order = self.env["sale.order"].with_user(self.salesperson)
        if company:
            Order = Order.with_company(company)
        return Order.create(
            {
                "partner_id": (partner or self.contact).id,
                "company_id": (company or self.company).id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )

    def _notes(self, order):
        return order.message_ids.filtered(lambda message: message.subtype_id == self.env.ref("mail.mt_note"))

    @freeze_time(TODAY)
    def test_block_names_customer_amount_and_threshold(self):
        order = self._order()
        self.assertEqual(order.sales_admin_overdue_amount, 1500)
        self.assertIn("Dłużnik sp. z o.o.", order.sales_admin_overdue_warning)
        self.assertIn("manager", order.sales_admin_overdue_warning)
        with self.assertRaises(UserError) as refusal:
            order.action_confirm()
        message = str(refusal.exception)
        self.assertIn("Dłużnik sp. z o.o.", message)
        self.assertIn("1,500.00", message)
        self.assertIn("1,000.00", message)
        self.assertEqual(order.state, "draft", "nothing written")

        # a salesperson and a plain Sales Administration user may not override
        for user in (self.salesperson, self.sales_admin_user):
            with self.assertRaises(AccessError):
                order.with_user(user).action_sales_admin_override_overdue_guard()
        self.assertFalse(order.sales_admin_overdue_override_uid)

        with freeze_time("2026-03-02 10:00:00"):
            order.with_user(self.sales_admin_manager).action_sales_admin_override_overdue_guard()
        self.assertEqual(order.sales_admin_overdue_override_uid, self.sales_admin_manager)
        self.assertEqual(str(order.sales_admin_overdue_override_date), "2026-03-02 10:00:00")
        self.assertEqual(order.sales_admin_overdue_override_amount, 1500)
        note = self._notes(order)[:1]
        self.assertIn("Sales Admin Manager", note.body)
        self.assertIn("1,500.00", note.body)
        self.assertFalse(order.sales_admin_overdue_warning, "no banner once overridden")

        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(UserError):
            order.with_user(self.sales_admin_manager).action_sales_admin_override_overdue_guard()

    @freeze_time(TODAY)
    def test_under_the_threshold_or_off(self):
        self.company.sales_admin_overdue_threshold = 1500  # equal is not above
        order = self._order()
        self.assertFalse(order.sales_admin_overdue_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.company.write({"sales_admin_overdue_guard": "off", "sales_admin_overdue_threshold": 0})
        order = self._order()
        self.assertFalse(order.sales_admin_overdue_warning)
        order.action_confirm()
        self.assertFalse(self._notes(order).filtered(lambda note: "overdue" in (note.body or "")))

    @freeze_time(TODAY)
    def test_warn_shows_a_banner_and_logs_the_confirmation(self):
        self.company.sales_admin_overdue_guard = "warn"
        with Form(self.env["sale.order"].with_user(self.salesperson)) as form:
            form.partner_id = self.contact
            with form.order_line.new() as line:
                line.product_id = self.product
            self.assertIn("1,500.00", form.sales_admin_overdue_warning)
            self.assertNotIn("manager", form.sales_admin_overdue_warning)
        order = form.record
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.sales_admin_overdue_warning, "no banner on a confirmed order")
        notes = self._notes(order).filtered(lambda note: "despite" in note.body)
        self.assertEqual(len(notes), 1)
        self.assertIn("1,500.00", notes.body)
        self.assertIn("Jan Handlowiec", notes.body)

    @freeze_time(TODAY)
    def test_payment_lifts_the_block(self):
        order = self._order()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.overdue_invoice.ids
        ).create({"amount": 600})._create_payments()
        order.invalidate_recordset()
        self.assertEqual(order.sales_admin_overdue_amount, 900)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    @freeze_time(TODAY)
    def test_the_orders_company_counts(self):
        self.other_company.write({"sales_admin_overdue_guard": "block", "sales_admin_overdue_threshold": 0})
        order = self._order(company=self.other_company)
        self.assertEqual(order.sales_admin_overdue_amount, 0, "the overdue invoice is in the other company")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    @freeze_time(TODAY)
    def test_skipped_for_the_customers_own_acceptance(self):
        order = self._order()
        order.sudo().action_confirm()  # signed or paid online by the customer (portal, sudo)
        self.assertEqual(order.state, "sale")

    def test_threshold_cannot_be_negative(self):
        with self.assertRaises(ValidationError):
            self.company.sales_admin_overdue_threshold = -1

    @freeze_time(TODAY)
    def test_many_orders_checked_in_one_read_group(self):
        def check(size):
            orders = self.env["sale.order"].with_user(self.salesperson)
            for index in range(size):
                partner = self.env["res.partner"].create({"name": f"Klient {size}-{index}", "is_company": True})
                orders |= self._order(partner=partner)
            orders |= self._order(partner=self.good_customer)
            self.env.invalidate_all()
            queries = self.cr.sql_log_count
            warned = orders._sales_admin_check_overdue_guard()
            return warned, self.cr.sql_log_count - queries

        check(2)  # warm the caches
        warned_small, small = check(3)
        warned_large, large = check(30)
        self.assertEqual((warned_small, warned_large), ({}, {}))
        self.assertEqual(small, large, "the overdue of all orders is read at once")
        self.assertLessEqual(large, 8)

        # and one refusal names every blocked order
        orders = self._order() | self._order(partner=self.customer) | self._order(partner=self.good_customer)
        with self.assertRaises(UserError) as refusal:
            orders.action_confirm()
        self.assertEqual(str(refusal.exception).count("Dłużnik sp. z o.o. has"), 2)
        self.assertEqual(set(orders.mapped("state")), {"draft"})
