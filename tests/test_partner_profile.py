import threading
from datetime import date
from unittest.mock import patch

from odoo import Command, modules
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

SALESMAN = "sales_team.group_sale_salesman"


class PartnerProfileCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # salespeople edit contacts too ("Contact Creation"), as Odoo's default user does
        cls.salesman = new_test_user(
            cls.env,
            login="sa_salesman",
            name="Salesman",
            groups=f"base.group_user,base.group_partner_manager,{SALESMAN}",
        )
        cls.contact_manager = new_test_user(
            cls.env, login="sa_contacts", name="Contact Manager", groups="base.group_user,base.group_partner_manager"
        )
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")
        cls.poland = cls.env.ref("base.pl")
        categories = cls.env["product.category"].create([{"name": f"Category {i}"} for i in range(1, 6)])
        cls.categ_1, cls.categ_2, cls.categ_3, cls.categ_4, cls.categ_5 = categories
        cls.product_a, cls.product_b, cls.product_c, cls.product_d, cls.product_e, cls.product_f, cls.product_g = (
            cls.env["product.product"].create(
                [
                    {"name": f"Product {name}", "type": "consu", "list_price": 10.0, "categ_id": categ.id}
                    for name, categ in [
                        ("A", cls.categ_1),
                        ("B", cls.categ_2),
                        ("C", cls.categ_2),
                        ("D", cls.categ_3),
                        ("E", cls.categ_4),
                        ("F", cls.categ_4),
                        ("G", cls.categ_5),
                    ]
                ]
            )
        )
        cls.service = cls.env["product.product"].create({"name": "Service", "type": "service", "list_price": 5.0})

    @classmethod
    def _create_order(cls, partner, lines, when=None, confirm=True):
        """A sales order made and confirmed by the sales administrator, on ``when`` (a date string)."""
        with freeze_time(when or "2024-01-01 10:00:00"):
            order = (
                cls.env["sale.order"]
                .with_user(cls.sales_admin_user)
                .create(
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": qty}) for product, qty in lines
                        ],
                    }
                )
            )
            if confirm:
                order.action_confirm()
        return order

    @classmethod
    def _complete_customer(cls, name="Complete Customer"):
        customer = cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "vat": "PL5260001246",
                "street": "ul. Prosta 1",
                "city": "Warszawa",
                "zip": "00-001",
                "country_id": cls.poland.id,
                "email": "faktury@example.com",
                "property_payment_term_id": cls.payment_term.id,
            }
        )
        cls.env["res.partner.bank"].create(
            {"acc_number": f"PL61 1090 1014 {customer.id:012d}", "partner_id": customer.id}
        )
        return customer


@tagged("post_install", "-at_install")
class TestBillingCompleteness(PartnerProfileCommon):
    def test_empty_customer_misses_everything(self):
        customer = self.env["res.partner"].create({"name": "Empty Customer", "is_company": True})
        self.assertEqual(customer.billing_score, 0)
        self.assertEqual(
            customer.billing_missing, "Tax ID, Invoice address, Invoicing e-mail, Bank account, Payment terms"
        )
        self.assertFalse(customer.billing_complete)
        self.assertIn(customer, self.env["res.partner"].search([("billing_complete", "=", False)]))
        self.assertNotIn(customer, self.env["res.partner"].search([("billing_complete", "=", True)]))

    def test_each_missing_item(self):
        customer = self._complete_customer()
        self.assertEqual((customer.billing_score, customer.billing_missing), (100, ""))
        self.assertTrue(customer.billing_complete)
        self.assertIn(customer, self.env["res.partner"].search([("billing_complete", "=", True)]))
        self.assertNotIn(customer, self.env["res.partner"].search([("billing_complete", "!=", True)]))

        for label, vals in (
            ("Tax ID", {"vat": False}),
            ("Invoice address", {"street": False}),
            ("Invoicing e-mail", {"email": "not an e-mail address"}),
            ("Payment terms", {"property_payment_term_id": False}),
        ):
            saved = {fname: customer._fields[fname].convert_to_write(customer[fname], customer) for fname in vals}
            customer.write(vals)
            self.assertEqual((customer.billing_score, customer.billing_missing), (80, label))
            self.assertIn(customer, self.env["res.partner"].search([("billing_complete", "=", False)]))
            customer.write(saved)
            self.assertEqual(customer.billing_score, 100)
        customer.bank_ids.action_archive()
        self.assertEqual((customer.billing_score, customer.billing_missing), (80, "Bank account"))
        customer.with_context(active_test=False).bank_ids.action_unarchive()
        self.assertEqual(customer.billing_score, 100)

    def test_payment_terms_per_company(self):
        """Payment terms are company-dependent: the same customer can be complete in one company only."""
        customer = self._complete_customer()
        other_company = self.env["res.company"].create({"name": "Other Company"})
        self.assertEqual(customer.billing_score, 100)
        self.assertEqual(customer.with_company(other_company).billing_score, 80)
        self.assertEqual(customer.with_company(other_company).billing_missing, "Payment terms")
        partners = self.env["res.partner"].with_company(other_company)
        self.assertIn(customer, partners.search([("billing_complete", "=", False)]))
        self.assertNotIn(customer, self.env["res.partner"].search([("billing_complete", "=", False)]))

    def test_invoice_contact_holds_the_invoice_address(self):
        customer = self._complete_customer()
        invoice_contact = self.env["res.partner"].create(
            {"name": "Accounting", "parent_id": customer.id, "type": "invoice", "email": "ksiegowosc@example.com"}
        )
        # the invoice contact has no address of its own yet
        self.assertEqual(customer.billing_missing, "Invoice address")
        invoice_contact.write(
            {"street": "ul. Krzywa 2", "city": "Kraków", "zip": "30-001", "country_id": self.poland.id}
        )
        self.assertEqual(customer.billing_score, 100)
        invoice_contact.email = False
        self.assertEqual(customer.billing_missing, "Invoicing e-mail")
        invoice_contact.action_archive()
        self.assertEqual(customer.billing_score, 100, "back to the company's own address and e-mail")

    def test_zip_only_where_the_country_needs_one(self):
        customer = self._complete_customer()
        customer.zip = False
        self.assertEqual(customer.billing_missing, "Invoice address")
        self.poland.zip_required = False
        self.assertEqual(customer.billing_score, 100)

    def test_contacts_show_their_company_data(self):
        customer = self._complete_customer()
        contact = self.env["res.partner"].create({"name": "Jan Nowak", "parent_id": customer.id})
        self.assertFalse(contact.billing_missing_keys)
        self.assertEqual(contact.billing_score, 100)
        customer.vat = False
        self.assertEqual(contact.billing_missing, "Tax ID")
        self.assertIn(contact, self.env["res.partner"].search([("billing_complete", "=", False)]))


@tagged("post_install", "-at_install")
class TestCorrespondenceAddress(PartnerProfileCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Letters Ltd", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Anna", "parent_id": cls.customer.id})
        cls.delivery = cls.env["res.partner"].create(
            {"name": "Warehouse", "parent_id": cls.customer.id, "type": "delivery", "street": "ul. Magazynowa 1"}
        )
        cls.po_box = cls.env["res.partner"].create(
            {"name": "P.O. Box", "parent_id": cls.customer.id, "type": "other", "street": "Skrytka 12"}
        )

    def test_fallbacks(self):
        self.assertEqual(self.customer._get_correspondence_address(), self.customer)
        invoice = self.env["res.partner"].create(
            {"name": "Invoices", "parent_id": self.customer.id, "type": "invoice", "street": "ul. Fakturowa 3"}
        )
        self.assertEqual(self.customer._get_correspondence_address(), invoice)
        self.customer.with_user(self.sales_admin_user).correspondence_partner_id = self.po_box
        self.assertEqual(self.customer._get_correspondence_address(), self.po_box)
        self.assertEqual(self.contact._get_correspondence_address(), self.po_box, "a contact gets its company's")
        self.po_box.action_archive()
        self.assertEqual(self.customer._get_correspondence_address(), invoice)
        invoice.action_archive()
        self.assertEqual(self.customer._get_correspondence_address(), self.customer)

    def test_bad_addresses_are_refused(self):
        other_company = self.env["res.partner"].create({"name": "Other Ltd", "is_company": True})
        foreign_box = self.env["res.partner"].create({"name": "Box", "parent_id": other_company.id, "type": "other"})
        customer = self.customer.with_user(self.sales_admin_user)
        for wrong in (self.delivery, self.contact, foreign_box, self.customer):
            with self.assertRaises(ValidationError):
                customer.correspondence_partner_id = wrong
            self.assertFalse(customer.correspondence_partner_id, "nothing was written")
        with self.assertRaises(ValidationError):
            self.contact.correspondence_partner_id = self.po_box  # only the company chooses
        customer.correspondence_partner_id = self.po_box
        with self.assertRaises(ValidationError):
            self.po_box.type = "delivery"
        with self.assertRaises(ValidationError):
            self.po_box.parent_id = other_company
        self.assertEqual(self.po_box.type, "other")
        self.assertEqual(customer.correspondence_partner_id, self.po_box)

    def test_deleted_address_is_forgotten(self):
        self.customer.correspondence_partner_id = self.po_box
        self.po_box.unlink()
        self.assertFalse(self.customer.correspondence_partner_id)
        self.assertEqual(self.customer._get_correspondence_address(), self.customer)


@tagged("post_install", "-at_install")
class TestProductPreferences(PartnerProfileCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Regular Buyer", "is_company": True})
        cls.buyer = cls.env["res.partner"].create({"name": "Purchasing", "parent_id": cls.customer.id})
        a, b, c, d, e, f, g = (
            cls.product_a,
            cls.product_b,
            cls.product_c,
            cls.product_d,
            cls.product_e,
            cls.product_f,
            cls.product_g,
        )
        cls._create_order(cls.customer, [(a, 1), (b, 1), (c, 10)], "2024-01-01 10:00:00")
        cls._create_order(cls.buyer, [(a, 1), (b, 1), (d, 5)], "2024-01-11 10:00:00")
        last = cls._create_order(cls.customer, [(a, 1), (e, 2), (f, 1)], "2024-01-31 10:00:00")
        last.order_line = [
            Command.create({"display_type": "line_section", "name": "Section"}),
            Command.create({"display_type": "line_note", "name": "A note"}),
        ]
        # neither a quotation nor a cancelled order is a purchase
        cls._create_order(cls.customer, [(g, 100)], "2024-02-01 10:00:00", confirm=False)
        cancelled = cls._create_order(cls.customer, [(g, 100)], "2024-02-02 10:00:00")
        cancelled.with_context(disable_cancel_warning=True).action_cancel()

    def test_preferences_from_order_history(self):
        with freeze_time("2024-02-15"):
            self.customer._refresh_product_preferences()
        customer = self.customer.with_user(self.salesman)
        self.assertEqual(
            customer.top_product_ids,
            self.product_a | self.product_b | self.product_c | self.product_d | self.product_e,
            "ranked by orders, then quantity; F (1 order, qty 1) is sixth",
        )
        self.assertEqual(customer.top_categ_ids, self.categ_1 | self.categ_2 | self.categ_3)
        self.assertEqual(customer.last_purchase_date, date(2024, 1, 31))
        self.assertEqual(customer.reorder_interval_days, 15, "median of the gaps of 10 and 20 days")
        self.assertEqual(customer.reorder_date, date(2024, 2, 15))
        self.assertFalse(customer.reorder_due, "due only once the expected date has passed")
        self.assertEqual(customer.product_preferences_date, date(2024, 2, 15))
        self.assertFalse(self.buyer.top_product_ids, "the company holds the preferences, not its contacts")

        with freeze_time("2024-02-16"):
            self.customer._refresh_product_preferences()
        self.assertTrue(customer.reorder_due)
        self.assertIn(self.customer, self.env["res.partner"].search([("reorder_due", "=", True)]))

    def test_archived_products_leave_the_top(self):
        self.product_a.action_archive()
        self.customer._refresh_product_preferences()
        self.assertEqual(
            self.customer.top_product_ids,
            self.product_b | self.product_c | self.product_d | self.product_e | self.product_f,
        )
        self.assertIn(self.categ_1, self.customer.top_categ_ids, "its category still counts")

    def test_refresh_on_confirmation_and_cancellation(self):
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        order = self._create_order(newcomer, [(self.product_g, 3)], "2024-03-05 09:00:00")
        self.assertEqual(newcomer.top_product_ids, self.product_g)
        self.assertEqual(newcomer.top_categ_ids, self.categ_5)
        self.assertEqual(newcomer.last_purchase_date, date(2024, 3, 5))
        self.assertFalse(newcomer.reorder_interval_days, "no interval from a single order")
        self.assertFalse(newcomer.reorder_date)
        self.assertFalse(newcomer.reorder_due)
        self._create_order(newcomer, [(self.product_a, 1)], "2024-03-12 09:00:00")
        self.assertEqual(newcomer.reorder_interval_days, 7)
        self.assertEqual(newcomer.top_product_ids, self.product_g | self.product_a)

        with freeze_time("2024-03-13"):
            order.with_user(self.sales_admin_user).with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(newcomer.top_product_ids, self.product_a)
        self.assertEqual(newcomer.last_purchase_date, date(2024, 3, 12))
        self.assertFalse(newcomer.reorder_interval_days)

    def test_declared_preferences(self):
        with Form(self.customer.with_user(self.sales_admin_user)) as form:
            form.preferred_product_ids.add(self.product_b)
            form.preferred_categ_ids.add(self.categ_2)
            form.product_preference_note = "Prefers deliveries on Mondays."
        self.assertEqual(self.customer.preferred_product_ids, self.product_b)
        self.customer.with_user(self.salesman).preferred_product_ids = [Command.link(self.product_c.id)]
        self.assertEqual(self.customer.preferred_product_ids, self.product_b | self.product_c)
        found = self.env["res.partner"].search(
            ["|", ("preferred_product_ids", "ilike", "Product C"), ("top_product_ids", "ilike", "Product C")]
        )
        self.assertIn(self.customer, found)

    def test_declared_preferences_refuse_bad_products(self):
        not_sold = self.env["product.product"].create({"name": "Internal Part", "sale_ok": False})
        other_company = self.env["res.company"].create({"name": "Other Company"})
        foreign = self.env["product.product"].create({"name": "Foreign", "company_id": other_company.id})
        self.customer.company_id = self.env.company
        customer = self.customer.with_user(self.salesman)
        for product in (not_sold, foreign):
            with self.assertRaises(ValidationError):
                customer.preferred_product_ids = [Command.link(product.id)]
        self.assertFalse(self.customer.preferred_product_ids, "nothing was written")
        with self.assertRaises(ValidationError):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "New", "is_company": True, "preferred_product_ids": [Command.set(not_sold.ids)]}
            )

    def test_access(self):
        customer = self.customer
        # the sales administrator and salespeople read and edit the preferences
        for user in (self.sales_admin_user, self.salesman):
            customer.with_user(user).write(
                {"preferred_categ_ids": [Command.set(self.categ_1.ids)], "product_preference_note": user.name}
            )
            self.assertTrue(customer.with_user(user).top_product_ids)
            customer.with_user(user).action_refresh_product_preferences()
        # an employee who keeps the contacts neither sees nor edits them, but still edits the contact
        with self.assertRaises(AccessError):
            customer.with_user(self.contact_manager).write({"preferred_product_ids": [Command.set(self.product_a.ids)]})
        with self.assertRaises(AccessError):
            customer.with_user(self.contact_manager).read(["top_product_ids"])
        customer.with_user(self.contact_manager).write({"phone": "+48 22 000 00 00", "company_id": self.env.company.id})
        with Form(customer.with_user(self.contact_manager)) as form:
            form.phone = "+48 22 111 11 11"
        self.assertEqual(customer.phone, "+48 22 111 11 11")
        self.assertEqual(customer.with_user(self.contact_manager).billing_missing.split(", ")[0], "Tax ID")
        # portal users read neither the preferences nor the billing data of a partner
        portal_partner = self.portal_user.partner_id.with_user(self.portal_user)
        for fname in ("top_product_ids", "preferred_product_ids", "reorder_due", "billing_score", "billing_missing"):
            with self.assertRaises(AccessError):
                portal_partner.read([fname])


class PreferencesCronCommon(PartnerProfileCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Cron Customer {i:02d}", "is_company": True} for i in range(50)]
        )
        for when in ("2024-04-01 10:00:00", "2024-04-11 10:00:00"):
            with freeze_time(when):
                orders = cls.env["sale.order"].create(
                    [
                        {"partner_id": customer.id, "order_line": [Command.create({"product_id": cls.service.id})]}
                        for customer in cls.customers
                    ]
                )
                orders.action_confirm()
        cls.cron = cls.env.ref("sales_admin_addon.ir_cron_res_partner_refresh_product_preferences")

    def _set_refreshed_on(self, day, partners=None):
        """Mark ``partners`` (default: every partner) as refreshed on ``day``."""
        self.env.flush_all()
        if partners is None:
            self.env.cr.execute("UPDATE res_partner SET product_preferences_date = %s", (day,))
        else:
            self.env.cr.execute(
                "UPDATE res_partner SET product_preferences_date = %s WHERE id = ANY(%s)", (day, partners.ids)
            )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestPreferencesCron(PreferencesCronCommon):
    def test_cron_refreshes_in_batches_with_progress(self):
        self._set_refreshed_on(date(2024, 4, 30))  # only our customers are left to refresh
        self._set_refreshed_on(None, self.customers)
        self.assertEqual(set(self.customers.mapped("reorder_due")), {False})
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        partners = self.env["res.partner"].with_context(ir_cron_progress_id=progress.id)
        with freeze_time("2024-04-30"):
            done = partners._cron_refresh_product_preferences(batch_size=20)
        self.assertEqual(done, 50)
        self.assertEqual((progress.done, progress.remaining), (50, 0))
        self.assertEqual(set(self.customers.mapped("reorder_due")), {True}, "expected on 2024-04-21")
        self.assertEqual(set(self.customers.mapped("product_preferences_date")), {date(2024, 4, 30)})
        with freeze_time("2024-04-30"):
            self.assertEqual(partners._cron_refresh_product_preferences(batch_size=20), 0, "done for today")

    def test_cron_skips_partners_another_transaction_holds(self):
        with freeze_time("2024-04-30"):
            with patch.object(
                type(self.env["res.partner"]),
                "_refresh_product_preferences",
                autospec=True,
                side_effect=lambda partners, skip_locked=False: partners[1:],
            ):
                progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
                partners = self.env["res.partner"].with_context(ir_cron_progress_id=progress.id)
                done = partners._cron_refresh_product_preferences(batch_size=25)
        todo = progress.done + progress.remaining
        batches = -(-todo // 25)
        self.assertGreaterEqual(todo, 50)
        self.assertEqual(done, todo - batches, "one partner of each batch was left for the next call")
        self.assertEqual(progress.remaining, batches, "the cron runner calls again while some remain")

    def test_cron_commits_each_batch_outside_tests(self):
        with (
            freeze_time("2024-04-30"),
            patch.object(modules.module, "current_test", False),
            patch.object(threading.current_thread(), "testing", False, create=True),
            patch.object(self.env.cr, "commit") as commit,
        ):
            done = self.env["res.partner"]._cron_refresh_product_preferences(batch_size=10)
        self.assertGreaterEqual(done, 50)
        self.assertEqual(commit.call_count, -(-done // 10))

    def test_cron_never_commits_in_tests(self):
        with freeze_time("2024-04-30"), patch.object(self.env.cr, "commit") as commit:
            self.env["res.partner"]._cron_refresh_product_preferences(batch_size=10)
        commit.assert_not_called()


@tagged("post_install", "-at_install", "is_query_count")
class TestPreferencesQueryCount(PreferencesCronCommon):
    def test_refresh_queries_do_not_grow_with_partners(self):
        counts = []
        for partners in (self.customers[:5], self.customers):
            self.env.invalidate_all()
            with freeze_time("2024-04-30"), self.assertQueryCount(4):
                partners._refresh_product_preferences()
            counts.append(len(partners))
        self.assertEqual(counts, [5, 50])
        self.assertTrue(all(self.customers.mapped("reorder_due")))

    def test_cron_queries_do_not_grow_with_partners(self):
        for size in (5, 50):
            # only `size` partners are left to refresh on 2024-04-30
            self._set_refreshed_on(date(2024, 4, 30))
            self._set_refreshed_on(None, self.customers[:size])
            with freeze_time("2024-04-30"), self.assertQueryCount(7):
                done = self.env["res.partner"]._cron_refresh_product_preferences()
            self.assertEqual(done, size)
