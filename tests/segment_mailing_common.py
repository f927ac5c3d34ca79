"""Fixtures of the newsletter tests: customers of two salespeople, a marketing user, and sending through Odoo's mail
queue with its gateway mocked (as mass_mailing's own tests do)."""

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.mass_mailing.tests.common import MassMailCase

from .common import SalesAdminCommon

MARKETING = "mass_mailing.group_mass_mailing_user"
SALESMAN = "sales_team.group_sale_salesman"


class SegmentMailingCommon(SalesAdminCommon, MassMailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._init_mail_gateway()
        cls._init_mail_servers()
        cls.env["ir.config_parameter"].set_param("mail.restrict.template.rendering", False)
        # mailings go through the queue (no sending at once from the composer): the cron and the mail queue send them
        cls.env["ir.config_parameter"].set_param("mail.mail.force.send.limit", 0)
        cls.marketing_user = new_test_user(
            cls.env,
            login="sa_marketing",
            name="Marketing User",
            email="marketing@example.com",
            groups=f"base.group_user,{MARKETING}",
        )
        cls.salesman = new_test_user(
            cls.env, login="sa_salesman_anna", name="Anna Salesman", email="anna@example.com", groups=SALESMAN
        )
        cls.other_salesman = new_test_user(
            cls.env, login="sa_salesman_bob", name="Bob Salesman", email="bob@example.com", groups=SALESMAN
        )
        Partner = cls.env["res.partner"]
        cls.tag = cls.env["res.partner.category"].create({"name": "Newsletter Tiles"})
        cls.customer_a = Partner.create(
            {
                "name": "Alpha Tiles",
                "is_company": True,
                "email": "office@alpha.example.com",
                "user_id": cls.salesman.id,
                "category_id": [Command.link(cls.tag.id)],
                "sales_admin_marketing_consent": True,
            }
        )
        cls.contact_a1 = Partner.create(
            {
                "name": "Adam Alpha",
                "parent_id": cls.customer_a.id,
                "email": "adam@alpha.example.com",
                "sales_admin_marketing_consent": True,
            }
        )
        cls.customer_b = Partner.create(
            {
                "name": "Beta Bricks",
                "is_company": True,
                "email": "office@beta.example.com",
                "user_id": cls.other_salesman.id,
                "category_id": [Command.link(cls.tag.id)],
                "sales_admin_marketing_consent": True,
            }
        )
        cls.campaign = cls.env["utm.campaign"].create({"title": "Spring Tiles"})

    @classmethod
    def _make_list(cls, name, partners):
        """A mailing list whose contacts stand for the partners (as a segment's sync makes them)."""
        mailing_list = cls.env["mailing.list"].create({"name": name})
        cls.env["mailing.contact"].create(
            [
                {
                    "name": partner.name,
                    "email": partner.email,
                    "partner_id": partner.id,
                    "list_ids": [Command.link(mailing_list.id)],
                }
                for partner in partners
            ]
        )
        return mailing_list

    def _make_mailing(self, subject, mailing_list=None, partners=None, **values):
        """A mailing to a list, or to partners directly, with a tracked link, made by the marketing user."""
        vals = {
            "subject": subject,
            "body_html": '<p>New tiles: <a href="https://www.example.com/tiles">See the tiles</a></p>',
            "mailing_type": "mail",
            **values,
        }
        if mailing_list:
            vals.update(
                {
                    "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                    "contact_list_ids": [Command.set(mailing_list.ids)],
                }
            )
        else:
            vals.update(
                {
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr([("id", "in", partners.ids)]),
                }
            )
        return self.env["mailing.mailing"].with_user(self.marketing_user).create(vals)

    def _send(self, mailing):
        """Launch the mailing and let Odoo send it: the mass mailing cron renders the e-mails into the mail queue,
        the mail queue sends them (to the mocked SMTP server)."""
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.with_user(self.marketing_user).action_launch()
            self.env["mailing.mailing"]._process_mass_mailing_queue()
            self.assertTrue(self._new_mails, "the mailing queued its e-mails")
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(mailing.state, "done")
        self.assertNotIn("outgoing", mailing.mailing_trace_ids.mapped("trace_status"), "the mail queue sent them")
        return mailing

    def _contact(self, mailing_list, partner):
        return mailing_list.contact_ids.filtered(lambda contact: contact.partner_id == partner)
