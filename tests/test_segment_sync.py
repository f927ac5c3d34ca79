import logging

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .segment_common import SegmentCommon

LOGGER = "odoo.addons.sales_admin_addon.models.sales_admin_segment"


@tagged("post_install", "-at_install")
class TestSegmentSync(SegmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["res.partner.category"].create({"name": "Newsletter"})
        cls.alpha = cls._partner("Alpha", "alpha@example.com", category_id=[Command.set(cls.tag.ids)])
        cls.beta = cls._partner("Beta", "Beta <BETA@example.com>", category_id=[Command.set(cls.tag.ids)])
        cls.gamma = cls._partner("Gamma", "gamma@example.com", category_id=[Command.set(cls.tag.ids)])
        cls.customers = cls.alpha | cls.beta | cls.gamma
        cls.Contact = cls.env["mailing.contact"]
        cls.Subscription = cls.env["mailing.subscription"]

    def _segment_of(self, partners=None, **vals):
        return self._segment(partners or self.customers, category_ids=[Command.set(self.tag.ids)], **vals)

    def _subscribed(self, segment):
        """{partner: normalised e-mail} of the list's subscribed contacts."""
        subscriptions = segment.mailing_list_id.subscription_ids.filtered(lambda sub: not sub.opt_out)
        return {sub.contact_id.partner_id: sub.contact_id.email_normalized for sub in subscriptions}

    def _counts(self, **counts):
        return {
            "added": 0,
            "removed": 0,
            "kept": 0,
            "unchanged": 0,
            "skipped_invalid": 0,
            "skipped_no_email": 0,
            "skipped_blacklisted": 0,
            "skipped_opted_out": 0,
            "duplicates": 0,
            **counts,
        }

    def test_first_sync_then_idempotent(self):
        segment = self._segment_of()
        segment.name = "Newsletter Klienci"
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(added=3))
        mailing_list = segment.mailing_list_id
        self.assertEqual(mailing_list.name, "Newsletter Klienci")
        self.assertFalse(mailing_list.is_public)
        # each list contact is linked to its partner, with the normalised e-mail
        self.assertEqual(
            self._subscribed(segment),
            {self.alpha: "alpha@example.com", self.beta: "beta@example.com", self.gamma: "gamma@example.com"},
        )
        contact = mailing_list.contact_ids.filtered(lambda contact: contact.partner_id == self.beta)
        self.assertEqual((contact.name, contact.email), ("Beta", "beta@example.com"))
        self.assertTrue(segment.last_sync_date)
        self.assertIn("Mailing list Newsletter Klienci synced.", segment.message_ids[0].body)

        # a second sync changes nothing
        contacts_before = self.Contact.search_count([])
        subscriptions = mailing_list.subscription_ids
        write_dates = subscriptions.mapped("write_date")
        self.env.invalidate_all()
        self.assertEqual(self._sync(segment), self._counts(unchanged=3))
        self.assertEqual(self.Contact.search_count([]), contacts_before)
        self.assertEqual(mailing_list.subscription_ids, subscriptions)
        self.assertEqual(subscriptions.mapped("write_date"), write_dates)
        self.assertEqual(segment.mailing_list_id, mailing_list)

    def test_sync_now_button(self):
        segment = self._segment_of().with_user(self.segment_admin)
        action = segment.action_sync_mailing_list()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("3 contacts added", action["params"]["message"])
        self.assertEqual(len(segment.sudo().mailing_list_id.contact_ids), 3)
        # a manual sync always leaves a note, even when nothing changed
        notes = len(segment.message_ids)
        segment.action_sync_mailing_list()
        self.assertEqual(len(segment.message_ids), notes + 1)
        self.assertIn("Already on the list: 3", segment.message_ids[0].body)
        # the form loads for a user without mass-mailing rights; the list's contacts open for a marketing user
        with Form(segment) as form:
            self.assertEqual(form.mailing_list_id, segment.sudo().mailing_list_id)
        action = segment.with_user(self.marketing_user).action_view_mailing_contacts()
        contacts = self.env["mailing.contact"].with_user(self.marketing_user).search(action["domain"])
        self.assertEqual(contacts.partner_id, self.customers)

    def test_dedupe_by_normalised_email(self):
        other_company = self._partner("Delta", "other@example.com")
        person = self._partner("Daria Delta", " a@X.com ", parent_id=other_company.id)
        shop = self._partner("Sklep A", "A@x.com", category_id=[Command.set(self.tag.ids)])
        person.category_id = self.tag  # not a criterion on contact persons: they come with their customer
        segment = self._segment_of(self.customers | other_company | shop, audience="contacts")
        segment.category_ids = False
        self.assertEqual(segment.member_count, 6)
        counts = self._sync(segment)
        # the person came first (lower id), the customer (the commercial entity) is preferred
        self.assertLess(person.id, shop.id)
        self.assertEqual(counts, self._counts(added=5, duplicates=1))
        subscribed = self._subscribed(segment)
        self.assertEqual(subscribed[shop], "a@x.com")
        self.assertNotIn(person, subscribed)
        # between two customers with one address, the lowest id
        twin = self._partner("Sklep A bis", "a@x.COM")
        segment.extra_domain = repr([("id", "in", (self.customers | other_company | shop | twin).ids)])
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(unchanged=5, duplicates=2))

    def test_invalid_and_missing_email_skipped(self):
        broken = self._partner("Zły Adres", "nie-ma-maila", category_id=[Command.set(self.tag.ids)])
        silent = self._partner("Bez Maila", False, category_id=[Command.set(self.tag.ids)])
        segment = self._segment_of(self.customers | broken | silent)
        with self.assertLogs(LOGGER, level=logging.INFO) as logs:
            counts = self._sync(segment)

        self.assertEqual(counts, self._counts(added=3, skipped_invalid=1, skipped_no_email=1))
        self.assertIn(f"e-mail cannot be normalised (partners {broken.id})", logs.output[0])
        self.assertNotIn(broken, self._subscribed(segment))
        self.assertIn("Skipped: e-mail cannot be normalised: 1", segment.message_ids[0].body)

    def test_blacklisted_skipped(self):
        segment = self._segment_of(require_consent=False)
        self.env["mail.blacklist"]._add("GAMMA@example.com")
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(added=2, skipped_blacklisted=1))
        self.assertNotIn(self.gamma, self._subscribed(segment))
        # a blacklisting after the sync: the contact leaves the list at the next one
        self.env["mail.blacklist"]._add("alpha@example.com")
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(removed=1, unchanged=1, skipped_blacklisted=2))
        self.assertEqual(list(self._subscribed(segment)), [self.beta])

    def test_opted_out_never_resubscribed(self):
        segment = self._segment_of(require_consent=False)
        self._sync(segment)
        mailing_list = segment.mailing_list_id
        subscription = mailing_list.subscription_ids.filtered(lambda sub: sub.contact_id.partner_id == self.alpha)
        subscription.opt_out = True
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(unchanged=2, skipped_opted_out=1))
        self.assertTrue(subscription.exists().opt_out)
        # nor through a new address or another contact with the same address
        self.alpha.email = "alpha.new@example.com"
        self.assertEqual(self._sync(segment), self._counts(unchanged=2, skipped_opted_out=1))
        stranger = self.Contact.create({"name": "Obcy", "email": "beta@example.com"})
        self.Subscription.create({"contact_id": stranger.id, "list_id": mailing_list.id, "opt_out": True})
        self.beta.email = "beta.other@example.com"
        self.beta.email = "BETA@example.com"
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(unchanged=2, skipped_opted_out=1))
        # the opted-out subscription is never removed, even when the partner leaves the segment
        self.alpha.category_id = False
        counts = self._sync(segment)
        self.assertEqual(counts, self._counts(unchanged=2))
        self.assertTrue(subscription.exists())
        self.assertTrue(subscription.opt_out)

    def test_leavers_removed_or_kept(self):
        segment = self._segment_of()
        self._sync(segment)
        contact = segment.mailing_list_id.contact_ids.filtered(lambda contact: contact.partner_id == self.gamma)
        self.gamma.category_id = False
        self.assertEqual(self._sync(segment), self._counts(removed=1, unchanged=2))
        self.assertNotIn(self.gamma, self._subscribed(segment))
        self.assertTrue(contact.exists(), "the contact (and its mailing history) stays")
        # policy "keep"
        segment.leaver_policy = "keep"
        self.beta.sales_admin_marketing_consent = False
        self.assertEqual(self._sync(segment), self._counts(kept=1, unchanged=1))
        self.assertIn(self.beta, self._subscribed(segment))
        # the partner comes back: its contact is reused
        self.gamma.category_id = self.tag
        self.assertEqual(self._sync(segment), self._counts(added=1, kept=1, unchanged=1))
        self.assertIn(contact, segment.mailing_list_id.contact_ids)
        # a contact added by hand (no partner) is not the sync's to remove
        manual = self.Contact.create({"name": "Ręczny", "email": "reczny@example.com"})
        self.Subscription.create({"contact_id": manual.id, "list_id": segment.mailing_list_id.id})
        segment.leaver_policy = "remove"
        self.assertEqual(self._sync(segment), self._counts(removed=1, unchanged=2))
        self.assertIn(manual, segment.mailing_list_id.contact_ids)

    def test_contact_reused_across_segments(self):
        first = self._segment_of()
        second = self._segment_of(self.alpha | self.beta, name="Drugi")
        self._sync(first)
        self.assertEqual(self._sync(second), self._counts(added=2))
        self.assertNotEqual(first.mailing_list_id, second.mailing_list_id)
        contacts = self.Contact.search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(contacts), 3)
        self.assertEqual(second.mailing_list_id.contact_ids, contacts.filtered(lambda c: c.partner_id != self.gamma))

    def test_list_recreated_and_renamed(self):
        segment = self._segment_of()
        self._sync(segment)
        segment.mailing_list_id.unlink()
        self.assertFalse(segment.mailing_list_id)
        segment.name = "Nowa nazwa"
        self.assertEqual(self._sync(segment), self._counts(added=3))
        self.assertEqual(segment.mailing_list_id.name, "Nowa nazwa")
        segment.name = "Inna nazwa"
        self._sync(segment)
        self.assertEqual(segment.mailing_list_id.name, "Inna nazwa")

    def test_bad_input_writes_nothing(self):
        segment = self._segment_of()
        lists = self.env["mailing.list"].search_count([])
        # a domain broken since it was saved (a field removed by an uninstall, say)
        self.env.cr.execute(
            "UPDATE sales_admin_segment SET extra_domain = %s WHERE id = %s", ["[('gone', '=', 1)]", segment.id]
        )
        segment.invalidate_recordset()
        with self.assertRaises(ValidationError):
            self._sync(segment)
        self.assertFalse(segment.mailing_list_id)
        self.assertEqual(self.env["mailing.list"].search_count([]), lists)
        self.assertFalse(segment.last_sync_date)
        segment = self._segment_of()
        segment.active = False
        with self.assertRaises(UserError):
            self._sync(segment)
        self.assertFalse(segment.mailing_list_id)

    def test_batches_bounded_queries(self):
        """The queries of a sync do not grow with the members, only with the batches."""
        Partner = self.env["res.partner"]

        def sync_queries(size, batch_size):
            partners = Partner.create(
                [
                    {
                        "name": f"Klient {size}-{i}",
                        "is_company": True,
                        "email": f"klient{size}.{i}@example.com",
                        "sales_admin_marketing_consent": True,
                    }
                    for i in range(size)
                ]
            )
            segment = self._segment(partners)
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            counts = self._sync(segment, batch_size=batch_size)
            self.assertEqual(counts["added"], size)
            self.assertEqual(len(segment.mailing_list_id.contact_ids), size)
            return self.env.cr.sql_log_count - start

        sync_queries(5, 100)  # warm-up: the first sync of the test fills the caches of the ACLs and rules
        # one batch: the same queries for N and 3N members
        self.assertEqual(sync_queries(10, 100), sync_queries(30, 100))
        # N members in batches of N/3: a fixed number of queries per batch
        one_batch, three_batches, six_batches = sync_queries(6, 6), sync_queries(18, 6), sync_queries(36, 6)
        per_batch = (three_batches - one_batch) / 2
        self.assertEqual(six_batches - three_batches, 3 * per_batch)
        self.assertLessEqual(per_batch, 12)

    def test_query_count(self):
        partners = self.Partner.create(
            [
                {
                    "name": f"K{i}",
                    "is_company": True,
                    "email": f"k{i}@example.com",
                    "sales_admin_marketing_consent": True,
                }
                for i in range(40)
            ]
        )
        segment = self._segment(partners)
        self._sync(segment)
        self.env.invalidate_all()
        # a second sync: the segment and its criteria read with the user's rights, the lock, the plan (the two
        # temporary tables, then 3 queries), the company check of the segment's responsible (check_company) and
        # nothing written; the same for 40 members as for 40,000
        with self.assertQueryCount(__system__=39):
            self.assertEqual(self._sync(segment)["unchanged"], 40)

    def test_access(self):
        segment = self._segment_of()
        with self.assertRaises(AccessError):
            segment.with_user(self.salesman).action_sync_mailing_list()
        with self.assertRaises(AccessError):
            segment.with_user(self.portal_user)._sync_mailing_list()
        self.assertFalse(segment.mailing_list_id)
        # a Sales Administration user syncs without rights on mailing lists (the segment's own list only)
        with self.assertRaises(AccessError):
            self.env["mailing.list"].with_user(self.segment_admin).create({"name": "Własna"})
        segment.with_user(self.segment_admin)._sync_mailing_list()
        self.assertEqual(len(segment.mailing_list_id.contact_ids), 3)
        # a marketing user too
        self.gamma.category_id = False
        self.assertEqual(segment.with_user(self.marketing_user)._sync_mailing_list()["removed"], 1)

    def test_cron(self):
        first = self._segment_of()
        second = self._segment_of(self.alpha, name="Drugi")
        manual = self._segment_of(self.beta, name="Ręczny", auto_sync=False)
        archived = self._segment_of(self.beta, name="Archiwum")
        archived.active = False
        broken = self._segment_of(self.gamma, name="Zepsuty")
        self.env.cr.execute(
            "UPDATE sales_admin_segment SET extra_domain = %s WHERE id = %s", ["[('gone', '=', 1)]", broken.id]
        )
        broken.invalidate_recordset()
        with self.assertLogs(LOGGER, level="ERROR"):
            done = self.Segment._cron_sync_mailing_lists()
        self.assertEqual(done, 3)
        self.assertEqual(len(first.mailing_list_id.contact_ids), 3)
        self.assertEqual(second.mailing_list_id.contact_ids.partner_id, self.alpha)
        self.assertTrue(first.last_sync_date and second.last_sync_date)
        # the failed segment is rolled back alone; the others are not touched
        self.assertFalse(broken.mailing_list_id or broken.last_sync_date)
        self.assertFalse(manual.mailing_list_id or archived.mailing_list_id)
        # a run does not sync twice the segments it synced; the failed one is tried again
        with self.assertLogs(LOGGER, level="ERROR"):
            self.assertEqual(self.Segment._cron_sync_mailing_lists(), 1)
        self.assertTrue(self.env.ref("sales_admin_addon.ir_cron_sales_admin_segment_sync").active)
