"""The addon's migration scripts, run on this database as Odoo's upgrade would run them."""

import importlib.util
from pathlib import Path

from odoo.tests import new_test_user, tagged

from .common import SalesAdminCommon

MIGRATIONS = Path(__file__).parent.parent / "sales_admin_addon" / "migrations"


def load_migration(version, stage="post"):
    path = MIGRATIONS / version / f"{stage}-migration.py"
    spec = importlib.util.spec_from_file_location(f"sales_admin_migration_{version.replace('.', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration_18_0_1_1_0(SalesAdminCommon):
    def test_ticket_rule_rewritten_when_untouched(self):
        migration = load_migration("18.0.1.1.0")
        rule = self.env.ref("sales_admin_addon.sales_admin_ticket_rule_salesman")
        self.assertEqual(rule.domain_force, migration.NEW_DOMAIN, "a fresh install has the new domain")
        rule.domain_force = migration.OLD_DOMAIN
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(rule.domain_force, migration.NEW_DOMAIN)
        # an administrator's own domain is kept
        custom = "[('user_id', '=', user.id)]"
        rule.domain_force = custom
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(rule.domain_force, custom)

    def test_rule_follows_the_customer_salesperson(self):
        """The stored customer's salesperson moves with the customer: the new salesperson sees the ticket, the
        former one no longer does."""
        former = new_test_user(self.env, login="sa_mig_former", groups="sales_team.group_sale_salesman")
        new = new_test_user(self.env, login="sa_mig_new", groups="sales_team.group_sale_salesman")
        customer = self.env["res.partner"].create({"name": "Klient Migracji", "is_company": True, "user_id": former.id})
        ticket = self.env["sales_admin.ticket"].create({"title": "Pytanie", "partner_id": customer.id})
        self.assertEqual(ticket.partner_user_id, former)
        Ticket = self.env["sales_admin.ticket"]
        self.assertEqual(Ticket.with_user(former).search([("id", "=", ticket.id)]), ticket)
        customer.user_id = new
        self.assertEqual(ticket.partner_user_id, new)
        self.env.flush_all()
        self.assertFalse(Ticket.with_user(former).search([("id", "=", ticket.id)]))
        self.assertEqual(Ticket.with_user(new).search([("id", "=", ticket.id)]), ticket)


@tagged("post_install", "-at_install")
class TestMigration_18_0_1_2_0(SalesAdminCommon):
    def test_segment_conditions_get_their_last_writer(self):
        """Segments saved before 18.0.1.2.0 have no author of their free conditions: the migration gives them the
        user who last wrote them, except the superuser's (data files) and those without conditions."""
        migration = load_migration("18.0.1.2.0")
        writer = new_test_user(
            self.env, login="sa_mig_segment", groups="sales_admin_addon.sales_admin_addon_group_user"
        )
        Segment = self.env["sales_admin.segment"]
        with_conditions = Segment.create({"name": "Warunki", "extra_domain": "[('city', '=', 'Kraków')]"})
        without_conditions = Segment.create({"name": "Bez warunków", "extra_domain": "[]"})
        by_superuser = Segment.create({"name": "Dane", "extra_domain": "[('city', '=', 'Gdańsk')]"})
        already = Segment.create({"name": "Już", "extra_domain": "[('city', '=', 'Łódź')]"})
        self.env.flush_all()
        # as the previous version left them: no author; the last writer as recorded by the ORM
        self.env.cr.execute(
            "UPDATE sales_admin_segment SET extra_domain_uid = NULL, write_uid = %s WHERE id IN %s",
            [writer.id, (with_conditions.id, without_conditions.id)],
        )
        self.env.cr.execute(
            "UPDATE sales_admin_segment SET extra_domain_uid = NULL, write_uid = 1 WHERE id = %s", [by_superuser.id]
        )
        self.env.cr.execute("UPDATE sales_admin_segment SET extra_domain_uid = 2 WHERE id = %s", [already.id])
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(with_conditions.extra_domain_uid, writer)
        self.assertFalse(without_conditions.extra_domain_uid, "no conditions: nothing to evaluate as anybody")
        self.assertFalse(by_superuser.extra_domain_uid, "data files keep the superuser's evaluation")
        self.assertEqual(already.extra_domain_uid.id, 2, "an author set by the new version is kept")
