from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .collection_common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
class TestDisputeHold(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer, cls.contact = cls._customer("Sporny")
        cls.other_customer, _contact = cls._customer("Cudzy", salesperson=cls.other_salesperson)
        with freeze_time(date(2026, 1, 1)):
            cls.invoice = cls._invoice(cls.customer, date(2026, 2, 1), 100)
            cls.other_invoice = cls._invoice(cls.other_customer, date(2026, 2, 1), 80)
        with freeze_time(TODAY):
            cls.Case._refresh_collection_cases(cls.customer | cls.other_customer)
        cls.case = cls.Case.search([("partner_id", "=", cls.customer.id)])
        cls.other_case = cls.Case.search([("partner_id", "=", cls.other_customer.id)])

    @freeze_time(TODAY)
    def test_manual_hold_set_and_released(self):
        invoice = self.invoice.with_user(self.accountant)
        invoice.action_sales_admin_hold_dispute()
        self.assertTrue(self.invoice.sales_admin_dispute_hold)
        self.assertTrue(self.invoice.sales_admin_in_dispute)
        self.assertEqual(self.invoice.payment_state, "not_paid", "not Odoo's blocked state: still owed")
        self.assertEqual(self.case.in_dispute_count, 1)
        self.assertFalse(self.case.next_reminder_date, "nothing to remind while held")
        self.assertEqual(self.case.overdue_amount, 100)
        # a partial payment keeps the hold (Odoo's blocked state would be recomputed away)
        self._pay(self.invoice, 30, TODAY)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertTrue(self.invoice.sales_admin_in_dispute)
        self.assertEqual(self.case.overdue_amount, 70)
        invoice.action_sales_admin_release_hold()
        self.assertFalse(self.invoice.sales_admin_in_dispute)
        self.assertEqual(self.case.in_dispute_count, 0)
        self.assertEqual(self.case.next_reminder_date, date(2026, 2, 8))

    @freeze_time(TODAY)
    def test_sales_admin_user_holds_from_the_case(self):
        case = self.case.with_user(self.collector)
        case.invoice_ids.action_sales_admin_hold_dispute()
        self.assertTrue(self.invoice.sales_admin_dispute_hold)
        self.assertEqual(case.in_dispute_count, 1)

    @freeze_time(TODAY)
    def test_complaint_and_manual_hold_together(self):
        complaint = (
            self.env["sales_admin.ticket"]
            .with_user(self.collector)
            .create(
                {
                    "title": "Uszkodzony towar",
                    "partner_id": self.customer.id,
                    "ticket_type_id": self.env.ref("sales_admin_addon.ticket_type_complaint").id,
                    "invoice_id": self.invoice.id,
                }
            )
        )
        self.assertTrue(self.invoice.sales_admin_in_dispute)
        self.assertFalse(self.invoice.sales_admin_dispute_hold)
        self.invoice.with_user(self.accountant).action_sales_admin_hold_dispute()
        self.invoice.with_user(self.accountant).action_sales_admin_release_hold()
        self.assertTrue(self.invoice.sales_admin_in_dispute, "the complaint still holds it")
        complaint.stage_id = self.env.ref("sales_admin_addon.ticket_stage_solved")
        self.assertFalse(self.invoice.sales_admin_in_dispute, "released when the dispute ends")

    @freeze_time(TODAY)
    def test_hold_refused_to_salespeople_and_on_other_documents(self):
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.salesperson).action_sales_admin_hold_dispute()
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.portal_user).action_sales_admin_hold_dispute()
        self.assertFalse(self.invoice.sales_admin_dispute_hold)
        with freeze_time(date(2026, 1, 1)):
            draft = self.env["account.move"].create({"move_type": "out_invoice", "partner_id": self.customer.id})
        with self.assertRaises(UserError):
            draft.with_user(self.accountant).action_sales_admin_hold_dispute()
        self.assertFalse(draft.sales_admin_dispute_hold)

    @freeze_time(TODAY)
    def test_case_access_accounting_vs_sales(self):
        Case = self.env["sales_admin.collection.case"]
        # billing staff and sales administration: every case, read and write
        for user in (self.accountant, self.collector):
            self.assertEqual(
                Case.with_user(user).search([("id", "in", (self.case | self.other_case).ids)]),
                self.case | self.other_case,
            )
            self.case.with_user(user).reason_id = self.env.ref("sales_admin_addon.collection_reason_cash_flow")
        # salespeople: their own customers' cases, read only
        own = Case.with_user(self.salesperson).search([("id", "in", (self.case | self.other_case).ids)])
        self.assertEqual(own, self.case)
        self.assertEqual(own.overdue_amount, 100)
        with self.assertRaises(AccessError):
            self.other_case.with_user(self.salesperson).read(["overdue_amount"])
        with self.assertRaises(AccessError):
            self.case.with_user(self.salesperson).write({"note": "<p>nope</p>"})
        # the customer's smart button, within the same rules
        self.assertEqual(self.customer.with_user(self.salesperson).sales_admin_collection_case_id, self.case)
        self.assertFalse(self.other_customer.with_user(self.salesperson).sales_admin_collection_case_id)
        # portal and plain employees: nothing
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                Case.with_user(user).search([])

    def test_reason_access(self):
        Reason = self.env["sales_admin.collection.reason"]
        self.assertTrue(Reason.with_user(self.accountant).search([("name", "=", "Dispute")]).is_dispute)
        for user in (self.accountant, self.collector, self.salesperson):
            with self.assertRaises(AccessError):
                Reason.with_user(user).create({"name": "Brak środków"})
        account_manager = self.env["res.users"].create(
            {
                "name": "Główna Księgowa",
                "login": "sa_col_account_manager",
                "groups_id": [(6, 0, self.env.ref("account.group_account_manager").ids)],
            }
        )
        for user in (self.sales_admin_manager, account_manager):
            Reason.with_user(user).create({"name": f"Upadłość {user.login}"})
        with self.assertRaises(AccessError):
            Reason.with_user(self.portal_user).search([])
