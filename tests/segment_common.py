"""Fixtures of the customer segment tests: users of each role and helpers to build partners and segments."""

from odoo.tests import new_test_user

from .common import GROUP_USER, SalesAdminCommon


class SegmentCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.segment_admin = new_test_user(
            cls.env, login="sa_seg_admin", name="Segment Admin", groups=f"base.group_user,{GROUP_USER}"
        )
        cls.marketing_user = new_test_user(
            cls.env,
            login="sa_seg_marketing",
            name="Marketing User",
            groups="base.group_user,mass_mailing.group_mass_mailing_user",
        )
        cls.salesman = new_test_user(
            cls.env, login="sa_seg_salesman", name="Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.Segment = cls.env["sales_admin.segment"]
        cls.Partner = cls.env["res.partner"]

    @classmethod
    def _user(cls, login, name, groups="sales_team.group_sale_salesman"):
        return new_test_user(cls.env, login=login, name=name, groups=groups)

    @classmethod
    def _partner(cls, name, email=False, consent=True, **vals):
        return cls.Partner.create(
            {
                "name": name,
                "is_company": "parent_id" not in vals,
                "email": email,
                "sales_admin_marketing_consent": consent,
                **vals,
            }
        )

    @classmethod
    def _segment(cls, partners, user=None, **vals):
        """A segment limited to ``partners`` (the customers; an isolated test base) on top of its own criteria,
        created by ``user`` (a Sales Administration user by default), returned in the test's environment."""
        segment = (
            cls.env["sales_admin.segment"]
            .with_user(user or cls.segment_admin)
            .create({"name": "Segment", "extra_domain": repr([("id", "in", partners.ids)]), **vals})
        )
        return segment.with_env(cls.env)

    def _members(self, segment):
        return segment.with_user(self.segment_admin)._get_partners()

    def _sync(self, segment, **kwargs):
        """Sync as a Sales Administration user (no rights on mailing lists of their own)."""
        return segment.with_user(self.segment_admin)._sync_mailing_list(**kwargs)
