from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .segment_common import SegmentCommon

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestSegment(SegmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["res.partner.category"]
        cls.tag_vip, cls.tag_retail = Category.create([{"name": "VIP"}, {"name": "Detal"}])
        cls.team_lead = cls._user("sa_seg_lead", "Kierownik")
        cls.team = cls.env["crm.team"].create(
            {"name": "Południe", "user_id": cls.team_lead.id, "member_ids": [Command.link(cls.salesman.id)]}
        )
        cls.poland, cls.germany = cls.env.ref("base.pl"), cls.env.ref("base.de")
        cls.categ = cls.env["product.category"].create({"name": "Chemia"})
        cls.product, cls.other_product = cls.env["product.product"].create(
            [
                {"name": "Klej", "type": "service", "categ_id": cls.categ.id},
                {"name": "Farba", "type": "service"},
            ]
        )
        cls.alpha = cls._partner(
            "Alpha",
            "alpha@example.com",
            category_id=[Command.set(cls.tag_vip.ids)],
            user_id=cls.salesman.id,
            country_id=cls.poland.id,
            city="Kraków",
        )
        cls.beta = cls._partner(
            "Beta",
            "beta@example.com",
            category_id=[Command.set(cls.tag_retail.ids)],
            country_id=cls.germany.id,
            city="Berlin",
        )
        cls.gamma = cls._partner("Gamma", "gamma@example.com", country_id=cls.poland.id)
        cls.alpha_person = cls._partner("Anna Alpha", "anna@example.com", parent_id=cls.alpha.id)
        cls.alpha_no_consent = cls._partner("Adam Alpha", "adam@example.com", consent=False, parent_id=cls.alpha.id)
        cls.customers = cls.alpha | cls.beta | cls.gamma

    def _segment_of(self, **vals):
        return self._segment(self.customers, **vals)

    def test_no_criteria_selects_the_customers(self):
        self.assertEqual(self._members(self._segment_of()), self.customers)
        self.assertEqual(self._segment_of().member_count, 3)

    def test_tags_salesperson_team_country(self):
        self.assertEqual(self._members(self._segment_of(category_ids=[Command.set(self.tag_vip.ids)])), self.alpha)
        self.assertEqual(
            self._members(self._segment_of(category_ids=[Command.set((self.tag_vip | self.tag_retail).ids)])),
            self.alpha | self.beta,
        )
        self.assertEqual(self._members(self._segment_of(salesperson_ids=[Command.set(self.salesman.ids)])), self.alpha)
        # a team: its members' and its leader's customers
        self.assertEqual(self._members(self._segment_of(team_ids=[Command.set(self.team.ids)])), self.alpha)
        self.gamma.user_id = self.team_lead
        self.assertEqual(
            self._members(self._segment_of(team_ids=[Command.set(self.team.ids)])), self.alpha | self.gamma
        )
        self.assertEqual(
            self._members(self._segment_of(country_ids=[Command.set(self.poland.ids)])), self.alpha | self.gamma
        )
        # criteria combine with AND
        self.assertFalse(
            self._members(
                self._segment_of(
                    country_ids=[Command.set(self.germany.ids)], category_ids=[Command.set(self.tag_vip.ids)]
                )
            )
        )

    def test_declared_and_bought_preferences(self):
        self.alpha.preferred_product_ids = self.product
        self.beta.top_product_ids = self.product
        self.gamma.top_product_ids = self.other_product
        products = [Command.set(self.product.ids)]
        self.assertEqual(
            self._members(self._segment_of(product_ids=products, preference_source="declared")), self.alpha
        )
        self.assertEqual(self._members(self._segment_of(product_ids=products, preference_source="computed")), self.beta)
        self.assertEqual(
            self._members(self._segment_of(product_ids=products, preference_source="both")), self.alpha | self.beta
        )
        self.gamma.preferred_categ_ids = self.categ
        self.beta.top_categ_ids = self.categ
        categs = [Command.set(self.categ.ids)]
        self.assertEqual(
            self._members(self._segment_of(product_categ_ids=categs, preference_source="declared")), self.gamma
        )
        self.assertEqual(
            self._members(self._segment_of(product_categ_ids=categs, preference_source="computed")), self.beta
        )

    @freeze_time(TODAY)
    def test_last_order(self):
        self.alpha.last_purchase_date = TODAY - timedelta(days=10)
        self.beta.last_purchase_date = TODAY - timedelta(days=100)
        # gamma never ordered
        self.assertEqual(self._members(self._segment_of(ordered_within_days=30)), self.alpha)
        self.assertEqual(self._members(self._segment_of(ordered_within_days=100)), self.alpha | self.beta)
        self.assertEqual(self._members(self._segment_of(not_ordered_for_days=90)), self.beta | self.gamma)
        self.assertEqual(self._members(self._segment_of(not_ordered_for_days=101)), self.gamma)

    def _invoice(self, partner, amount, move_type="out_invoice", due=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": TODAY - timedelta(days=40),
                "invoice_date_due": due or TODAY + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create({"name": "Klej", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    @freeze_time(TODAY)
    def test_revenue_band(self):
        self._invoice(self.alpha, 1000)
        self._invoice(self.beta, 500)
        self._invoice(self.beta, 400, move_type="out_refund")  # beta's revenue: 100
        # gamma: no revenue at all
        self.assertEqual(self._members(self._segment_of(revenue_min=500)), self.alpha)
        self.assertEqual(self._members(self._segment_of(revenue_min=50)), self.alpha | self.beta)
        # a band from 0: the customers without revenue are in it
        self.assertEqual(self._members(self._segment_of(revenue_min=0, revenue_max=200)), self.beta | self.gamma)
        self.assertEqual(self._members(self._segment_of(revenue_min=100, revenue_max=1000)), self.alpha | self.beta)
        # revenue older than the period does not count
        self.assertFalse(self._members(self._segment_of(revenue_min=50, revenue_months=1)))
        with self.assertRaises(ValidationError):
            self._segment_of(revenue_min=500, revenue_max=100)

    @freeze_time(TODAY)
    def test_overdue_status(self):
        self._invoice(self.alpha, 300, due=TODAY - timedelta(days=5))
        self._invoice(self.beta, 300, due=TODAY + timedelta(days=5))
        self.assertEqual(self._members(self._segment_of(overdue_filter="overdue")), self.alpha)
        self.assertEqual(self._members(self._segment_of(overdue_filter="not_overdue")), self.beta | self.gamma)

    def test_extra_domain(self):
        segment = self._segment(self.customers)
        segment.extra_domain = repr(["&", ("id", "in", self.customers.ids), ("city", "=", "Kraków")])
        self.assertEqual(self._members(segment), self.alpha)

    def test_audience_and_consent(self):
        segment = self._segment_of(category_ids=[Command.set(self.tag_vip.ids)])
        self.assertEqual(self._members(segment), self.alpha)
        segment.audience = "contacts"
        # the contact persons of the customers that match, with consent
        self.assertEqual(self._members(segment), self.alpha | self.alpha_person)
        segment.require_consent = False
        self.assertEqual(self._members(segment), self.alpha | self.alpha_person | self.alpha_no_consent)
        self.gamma.sales_admin_marketing_consent = False
        segment.write({"audience": "customer", "category_ids": [Command.clear()], "require_consent": True})
        self.assertEqual(self._members(segment), self.alpha | self.beta)
        segment.require_consent = False
        self.assertEqual(self._members(segment), self.customers)

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Druga Spółka"})
        own = self._partner("Własny", "own@example.com", company_id=self.company.id)
        foreign = self._partner("Obcy", "foreign@example.com", company_id=other_company.id)
        partners = self.customers | own | foreign
        segment = self._segment(partners)
        self.assertEqual(self._members(segment), self.customers | own)
        other_segment = self.Segment.create(
            {"name": "Druga", "company_id": other_company.id, "extra_domain": repr([("id", "in", partners.ids)])}
        )
        self.assertEqual(other_segment.sudo()._get_partners(), self.customers | foreign)
        self.assertEqual(other_segment.member_count, 4)
        # a user of one company does not see the other company's segments
        with self.assertRaises(AccessError):
            other_segment.with_user(self.segment_admin).read(["name"])

    def test_invalid_domain_refused(self):
        count = self.Segment.search_count([])
        for invalid in ("[('no_such_field', '=', 1)]", "not a domain", "{'a': 1}", "[('name', 'like')]"):
            with self.subTest(invalid=invalid), self.assertRaises(ValidationError):
                self.Segment.with_user(self.segment_admin).create({"name": "Zły", "extra_domain": invalid})
        self.assertEqual(self.Segment.search_count([]), count)
        segment = self._segment_of()
        with self.assertRaises(ValidationError):
            segment.extra_domain = "[('no_such_field', '=', 1)]"
        self.assertEqual(segment.extra_domain, repr([("id", "in", self.customers.ids)]))

    def test_access(self):
        segment = self._segment_of()
        # salesmen read the segments (and their size), never change them
        as_salesman = segment.with_user(self.salesman)
        self.assertEqual(as_salesman.name, "Segment")
        self.assertEqual(as_salesman.member_count, 3)
        with self.assertRaises(AccessError):
            as_salesman.write({"name": "Mój"})
        with self.assertRaises(AccessError):
            self.Segment.with_user(self.salesman).create({"name": "Mój"})
        with self.assertRaises(AccessError):
            as_salesman.unlink()
        # marketing users manage them
        as_marketing = segment.with_user(self.marketing_user)
        as_marketing.name = "Kampania"
        self.assertEqual(as_marketing.member_count, 3)
        # portal and plain employees: nothing
        for user in (self.portal_user, self.internal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                segment.with_user(user).read(["name"])
