from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestSaleOrderIntake(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesperson = new_test_user(
            cls.env, login="sa_intake_sales", name="Jan Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Hurtownia Zielińska", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Cegła", "list_price": 2.5})
        Item = cls.env["sales_admin.contract.checklist.item"]
        cls.item_contract = Item.create({"name": "Signed contract", "check_method": "attachment", "sequence": 1})
        cls.item_po = Item.create({"name": "Customer PO", "check_method": "customer_reference", "sequence": 2})
        cls.item_credit = Item.create({"name": "Credit check", "sequence": 3})
        cls.item_terms = Item.create(
            {"name": "Payment terms", "check_method": "payment_term", "sequence": 4, "required": False}
        )
        cls.company.write(
            {
                "sales_admin_renewal_days": 30,
                "sales_admin_quotation_reminder_days": 3,
                "sales_admin_quotation_no_answer_days": 7,
            }
        )

    def _order(self, user=None, **vals):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesperson.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 10})],
                    **vals,
                }
            )
        )

    def _complete(self, order):
        order.client_order_ref = "PO-77"
        self.env["ir.attachment"].create(
            {"name": "umowa.pdf", "raw": b"%PDF-1.4", "res_model": "sale.order", "res_id": order.id}
        )
        order.invalidate_recordset(["message_attachment_count"])
        order.sales_admin_checklist_line_ids.filtered(lambda line: line.item_id == self.item_credit).done = True

    # ------------------------------------------------------------
    # Contract intake checklist
    # ------------------------------------------------------------

    def test_checklist_blocks_confirmation_with_one_message(self):
        order = self._order()
        self.assertEqual(
            order.sales_admin_checklist_line_ids.item_id,
            self.item_contract | self.item_po | self.item_credit | self.item_terms,
        )
        other = self._order()
        other.client_order_ref = "PO-1"
        with self.assertRaises(UserError) as caught:
            (order | other).action_confirm()
        message = str(caught.exception)
        self.assertIn(f"{order.name}: Signed contract, Customer PO, Credit check", message)
        self.assertIn(f"{other.name}: Signed contract, Credit check", message)
        self.assertNotIn("Payment terms", message, "an optional item never blocks")
        self.assertEqual(set((order | other).mapped("state")), {"draft"}, "nothing confirmed")

        self._complete(order)
        self.assertFalse(order.sales_admin_checklist_missing)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        credit_line = order.sales_admin_checklist_line_ids.filtered(lambda line: line.item_id == self.item_credit)
        self.assertEqual(credit_line.done_uid, self.salesperson)
        self.assertTrue(any("Checklist ticked: Credit check" in body for body in order.message_ids.mapped("body")))
        with self.assertRaises(UserError):
            credit_line.done = False

    def test_automatic_items_cannot_be_ticked(self):
        order = self._order()
        po_line = order.sales_admin_checklist_line_ids.filtered(lambda line: line.item_id == self.item_po)
        with self.assertRaises(UserError):
            po_line.done = True
        self.assertFalse(po_line.done)

    def test_override_by_manager_only(self):
        order = self._order()
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).action_sales_admin_override_checklist()
        with self.assertRaises(AccessError):
            order.with_user(self.sales_admin_user).action_sales_admin_override_checklist()
        self.assertFalse(order.sales_admin_checklist_override_uid)
        order.with_user(self.sales_admin_manager).action_sales_admin_override_checklist()
        self.assertEqual(order.sales_admin_checklist_override_uid, self.sales_admin_manager)
        self.assertIn("overridden by Sales Admin Manager", order.message_ids[0].body)
        self.assertIn("Signed contract, Customer PO, Credit check", order.message_ids[0].body)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_online_acceptance_is_not_blocked(self):
        order = self._order()
        order.sudo().action_confirm()  # what the portal does when the customer signs or pays
        self.assertEqual(order.state, "sale")

    def test_items_added_later_and_deletion_refused(self):
        order = self._order()
        late_item = self.env["sales_admin.contract.checklist.item"].create({"name": "Insurance certificate"})
        self.assertIn(late_item, order.sales_admin_checklist_line_ids.item_id, "open quotations get new items")
        with self.assertRaises(UserError):
            late_item.unlink()
        self.assertTrue(late_item.exists())
        late_item.active = False
        self.assertFalse(late_item.active)
        unused = self.env["sales_admin.contract.checklist.item"].create({"name": "Unused", "active": False})
        unused.unlink()
        with self.assertRaises(AccessError):
            self.env["sales_admin.contract.checklist.item"].with_user(self.sales_admin_user).create({"name": "X"})

    def test_other_company_items_stay_out(self):
        other_company = self.env["res.company"].create({"name": "Druga Spółka"})
        foreign = self.env["sales_admin.contract.checklist.item"].create(
            {"name": "Foreign item", "company_id": other_company.id}
        )
        order = self._order()
        self.assertNotIn(foreign, order.sales_admin_checklist_line_ids.item_id)

    # ------------------------------------------------------------
    # Contracts and renewals
    # ------------------------------------------------------------

    def test_contract_dates_checked(self):
        order = self._order()
        with self.assertRaises(ValidationError):
            order.write({"sales_admin_contract_start": date(2026, 5, 1), "sales_admin_contract_end": date(2026, 4, 1)})
        self.assertFalse(order.sales_admin_contract_start)

    def test_renewal_activity_once(self):
        order = self._order(
            sales_admin_contract_ref="UM/1",
            sales_admin_contract_start=date(2025, 4, 1),
            sales_admin_contract_end=date(2026, 3, 31),
        )
        order.with_user(self.sales_admin_manager).action_sales_admin_override_checklist()
        order.action_confirm()
        far = self._order(sales_admin_contract_end=date(2026, 6, 30))
        far.sudo().action_confirm()
        Order = self.env["sale.order"]
        with freeze_time(TODAY):
            Order._cron_sales_admin_order_followup()
            Order._cron_sales_admin_order_followup()
        renewal = order.activity_ids.filtered(lambda act: "renewal" in act.summary)
        self.assertEqual(len(renewal), 1, "one activity, never a second")
        self.assertEqual(renewal.user_id, self.salesperson)
        self.assertIn("UM/1", renewal.summary)
        self.assertFalse(far.activity_ids, "ends beyond the notice")
        # a new end date: a new renewal when its time comes
        renewal.action_done()
        order.sales_admin_contract_end = date(2026, 3, 20)
        with freeze_time(TODAY):
            Order._cron_sales_admin_order_followup()
        self.assertEqual(len(order.activity_ids), 1)

    # ------------------------------------------------------------
    # Estimates on request and quotation aging
    # ------------------------------------------------------------

    def test_estimate_due_before_request_refused(self):
        with self.assertRaises(ValidationError):
            self._order(
                sales_admin_request_date=datetime(2026, 3, 2, 10), sales_admin_estimate_due_date=date(2026, 3, 1)
            )
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.customer.id)]))

    def test_late_estimate_and_expiry_reminders(self):
        with freeze_time(datetime(2026, 2, 20, 9)):
            late = self._order(
                sales_admin_request_date=datetime(2026, 2, 20, 8),
                sales_admin_request_channel="phone",
                sales_admin_estimate_due_date=date(2026, 2, 25),
            )
            sent_in_time = self._order(
                sales_admin_request_date=datetime(2026, 2, 20, 8), sales_admin_estimate_due_date=date(2026, 2, 25)
            )
            sent_in_time.action_quotation_sent()
            expiring = self._order(validity_date=date(2026, 3, 4))
            expiring.action_quotation_sent()
        Order = self.env["sale.order"]
        with freeze_time(TODAY):
            Order._cron_sales_admin_order_followup()
            Order._cron_sales_admin_order_followup()
        self.assertEqual(late.activity_ids.mapped("summary"), ["Estimate due on 02/25/2026 not sent yet"])
        self.assertFalse(sent_in_time.activity_ids)
        self.assertEqual(len(expiring.activity_ids), 1)
        self.assertIn("expires", expiring.activity_ids.summary)
        # a new validity date: reminded again when it comes near
        expiring.activity_ids.action_done()
        expiring.validity_date = date(2026, 3, 10)
        with freeze_time(TODAY):
            Order._cron_sales_admin_order_followup()
        self.assertFalse(expiring.activity_ids)
        with freeze_time(date(2026, 3, 8)):
            Order._cron_sales_admin_order_followup()
        self.assertEqual(len(expiring.activity_ids), 1)

    def test_quotation_aging(self):
        with freeze_time(datetime(2026, 2, 20, 9)):
            requested = self._order(sales_admin_request_date=datetime(2026, 2, 20, 8))
            plain = self._order()
            sent = self._order(validity_date=date(2026, 3, 30))
            sent.action_quotation_sent()
            expiring = self._order(validity_date=date(2026, 3, 4))
            expired = self._order(validity_date=date(2026, 2, 27))
            self.assertEqual(requested.sales_admin_quotation_aging, "requested")
            self.assertFalse(plain.sales_admin_quotation_aging)
            self.assertEqual(sent.sales_admin_quotation_aging, "sent")
            self.assertEqual(sent.sales_admin_sent_date, datetime(2026, 2, 20, 9))
        with freeze_time(TODAY):
            self.env["sale.order"]._cron_sales_admin_order_followup()
        self.assertEqual(sent.sales_admin_quotation_aging, "no_answer", "sent 10 days ago, no answer")
        self.assertEqual(expiring.sales_admin_quotation_aging, "expiring")
        self.assertEqual(expired.sales_admin_quotation_aging, "expired")
        groups = dict(
            self.env["sale.order"]._read_group(
                [("partner_id", "=", self.customer.id)], ["sales_admin_quotation_aging"], ["__count"]
            )
        )
        self.assertEqual(groups, {"requested": 1, False: 1, "no_answer": 1, "expiring": 1, "expired": 1})
        expired.sudo().action_confirm()
        self.assertFalse(expired.sales_admin_quotation_aging, "a confirmed order is no quotation")

    def test_followup_cron_queries_do_not_grow(self):
        def make(count):
            with freeze_time(datetime(2026, 2, 20, 9)):
                return self.env["sale.order"].create(
                    [
                        {
                            "partner_id": self.customer.id,
                            "user_id": self.salesperson.id,
                            "sales_admin_request_date": datetime(2026, 2, 20, 8),
                            "sales_admin_estimate_due_date": date(2026, 2, 25),
                            "validity_date": date(2026, 3, 3),
                        }
                        for _index in range(count)
                    ]
                )

        Order = self.env["sale.order"]
        counts = []
        for size in (3, 12):
            orders = make(size)
            self.env.invalidate_all()
            with freeze_time(TODAY):
                before = self.env.cr.sql_log_count
                Order._cron_sales_admin_order_followup()
                counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(orders.activity_ids), 2 * size)
            orders.action_cancel()
        self.assertLessEqual(counts[1], counts[0] + 2, f"queries grow with the orders: {counts}")
