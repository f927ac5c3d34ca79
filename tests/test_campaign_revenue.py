from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .segment_mailing_common import SegmentMailingCommon


@tagged("post_install", "-at_install")
class TestCampaignRevenue(SegmentMailingCommon):
    """Quotations inherit the UTM campaign of the latest campaign mailing their customer received within the
    company's window; the campaign revenue report adds up recipients, quotations, orders and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.sales_admin_campaign_attribution_days = 30
        cls.mailing_list = cls._make_list("Spring Customers", cls.contact_a1 | cls.customer_b)
        cls.summer = cls.env["utm.campaign"].create({"title": "Summer Bricks"})
        cls.other_campaign = cls.env["utm.campaign"].create({"title": "Trade Fair"})
        cls.product = cls.env["product.product"].create(
            {"name": "Terracotta Tile", "type": "service", "invoice_policy": "order", "taxes_id": [Command.clear()]}
        )

    def _quote(self, partner, price=100.0, user=None, **values):
        user = user or self.salesman
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": price})],
                    **values,
                }
            )
        )

    def _utm(self, order):
        return order.campaign_id, order.source_id, order.medium_id

    def test_latest_campaign_within_window(self):
        with freeze_time("2026-03-02 09:00:00"):
            spring = self._send(self._make_mailing("Spring", self.mailing_list, campaign_id=self.campaign.id))
        with freeze_time("2026-03-06 09:00:00"):
            summer = self._send(self._make_mailing("Summer", partners=self.customer_a, campaign_id=self.summer.id))
            # a mailing without a campaign changes nothing
            self._send(self._make_mailing("No campaign", partners=self.customer_a))
        with freeze_time("2026-03-10 12:00:00"):
            # the customer itself and its contact person: the latest mailing to anyone of the customer
            for partner in (self.customer_a, self.contact_a1):
                order = self._quote(partner)
                self.assertEqual(self._utm(order), (self.summer, summer.source_id, summer.medium_id), partner.name)
            self.assertEqual(summer.medium_id, self.env.ref("utm.utm_medium_email"))
            order_b = self._quote(self.customer_b, user=self.other_salesman)
            self.assertEqual(self._utm(order_b), (self.campaign, spring.source_id, spring.medium_id))
            # a customer who got no mailing
            stranger = self.env["res.partner"].create({"name": "Gamma Stone", "is_company": True})
            self.assertFalse(self._quote(stranger).campaign_id)
        with freeze_time("2026-04-02 09:00:01"):
            # 31 days after the spring mailing: out of the window; the summer one (27 days) still counts
            self.assertFalse(self._quote(self.customer_b, user=self.other_salesman).campaign_id)
            self.assertEqual(self._quote(self.customer_a).campaign_id, self.summer)
        with freeze_time("2026-03-04 09:00:00"):
            # an order dated before a mailing is not attributed to it
            order = self._quote(self.customer_a, date_order="2026-03-01 09:00:00")
            self.assertFalse(order.campaign_id)

    def test_explicit_campaign_kept_and_window_setting(self):
        with freeze_time("2026-03-02 09:00:00"):
            spring = self._send(self._make_mailing("Spring", self.mailing_list, campaign_id=self.campaign.id))
        with freeze_time("2026-03-10 09:00:00"):
            explicit = self._quote(self.customer_b, user=self.other_salesman, campaign_id=self.other_campaign.id)
            self.assertEqual(explicit.campaign_id, self.other_campaign)
            self.assertNotEqual(explicit.source_id, spring.source_id)
            from_context = (
                self.env["sale.order"]
                .with_context(default_campaign_id=self.other_campaign.id)
                .create({"partner_id": self.customer_b.id})
            )
            self.assertEqual(from_context.campaign_id, self.other_campaign)
            self.env.company.sales_admin_campaign_attribution_days = 7
            self.assertFalse(self._quote(self.customer_b, user=self.other_salesman).campaign_id, "8 days > 7")
            self.env.company.sales_admin_campaign_attribution_days = 8
            self.assertEqual(self._quote(self.customer_b, user=self.other_salesman).campaign_id, self.campaign)
            self.env.company.sales_admin_campaign_attribution_days = 0
            self.assertFalse(self._quote(self.customer_b, user=self.other_salesman).campaign_id, "0 turns it off")

    def test_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.sales_admin_campaign_attribution_days, 30)
        settings.sales_admin_campaign_attribution_days = 14
        settings.execute()
        self.assertEqual(self.env.company.sales_admin_campaign_attribution_days, 14)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env.company.sales_admin_campaign_attribution_days = -1

    def test_bounced_mailing_not_attributed(self):
        with freeze_time("2026-03-02 09:00:00"):
            spring = self._send(self._make_mailing("Spring", self.mailing_list, campaign_id=self.campaign.id))
            self.gateway_mail_trace_bounce(spring, self._contact(self.mailing_list, self.customer_b))
        with freeze_time("2026-03-03 09:00:00"):
            self.assertFalse(self._quote(self.customer_b, user=self.other_salesman).campaign_id)
            self.assertEqual(self._quote(self.customer_a).campaign_id, self.campaign)

    def test_batch_create_one_query(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._send(self._make_mailing("Spring", self.mailing_list, campaign_id=self.campaign.id))
        with freeze_time("2026-03-05 09:00:00"):
            stranger = self.env["res.partner"].create({"name": "Gamma Stone", "is_company": True})
            Order = self.env["sale.order"]
            partners = [self.customer_a, self.contact_a1, self.customer_b, stranger] * 3
            vals_list = [{"partner_id": partner.id} for partner in partners]
            Order._sales_admin_add_campaign_vals(vals_list[:2])  # warm the caches (defaults, company)
            self.env.flush_all()
            for size in (2, len(vals_list)):
                with self.assertQueryCount(1):
                    result = Order._sales_admin_add_campaign_vals(vals_list[:size])
                self.assertEqual(len(result), size)
            orders = Order.create(vals_list)
            self.assertEqual(
                [order.campaign_id.id for order in orders],
                [self.campaign.id if partner != stranger else False for partner in partners],
            )
            self.assertNotIn("campaign_id", vals_list[0], "the caller's values are not changed")

    def test_revenue_report(self):
        with freeze_time("2026-03-02 09:00:00"):
            spring = self._send(self._make_mailing("Spring", self.mailing_list, campaign_id=self.campaign.id))
        with freeze_time("2026-03-10 09:00:00"):
            q1 = self._quote(self.customer_a, 1000.0)
            q2 = self._quote(self.contact_a1, 300.0)
            q3 = self._quote(self.customer_b, 500.0, user=self.other_salesman)
            cancelled = self._quote(self.customer_b, 700.0, user=self.other_salesman)
            without = self._quote(self.env["res.partner"].create({"name": "Gamma Stone"}), 900.0)
            self.assertEqual((q1 | q2 | q3 | cancelled).campaign_id, self.campaign)
            self.assertFalse(without.campaign_id)
            q1.action_confirm()
            q3.action_confirm()
            cancelled._action_cancel()
            invoice = q1.with_env(self.env)._create_invoices()
            invoice.action_post()
        Report = self.env["sales_admin.campaign.report"]
        aggregates = [
            "recipient_count:sum",
            "quotation_count:sum",
            "order_count:sum",
            "amount_ordered:sum",
            "amount_invoiced:sum",
        ]
        domain = [("campaign_id", "=", self.campaign.id)]
        by_campaign = Report._read_group(domain, ["campaign_id", "date:month"], aggregates)
        # 2 recipients; 3 quotations (the cancelled one left out), 2 confirmed: 1000 + 500, 1000 invoiced
        self.assertEqual(len(by_campaign), 1)
        self.assertEqual(by_campaign[0][0], self.campaign)
        self.assertEqual(by_campaign[0][2:], (2, 3, 2, 1500.0, 1000.0))
        by_user = {
            user: values
            for user, *values in Report._read_group([("campaign_id", "=", self.campaign.id)], ["user_id"], aggregates)
        }
        self.assertEqual(by_user[self.salesman], [1, 2, 1, 1000.0, 1000.0])
        self.assertEqual(by_user[self.other_salesman], [1, 1, 1, 500.0, 0.0])
        by_mailing = Report._read_group([("campaign_id", "=", self.campaign.id)], ["mailing_id"], ["__count"])
        self.assertEqual([mailing for mailing, _count in by_mailing], [spring])

        # salespeople read the rows of their own orders and customers; marketing and sales administration all
        as_anna = Report.with_user(self.salesman)._read_group([], [], aggregates)
        self.assertEqual(as_anna, [(1, 2, 1, 1000.0, 1000.0)])
        for user in (self.marketing_user, self.sales_admin_user):
            self.assertEqual(Report.with_user(user).search_count([("campaign_id", "=", self.campaign.id)]), 5)
        with self.assertRaises(Exception):  # noqa: B017 (AccessError)
            Report.with_user(self.portal_user).search([])
