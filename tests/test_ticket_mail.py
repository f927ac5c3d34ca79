import base64

from odoo.tests import tagged

from .common import SalesAdminCommon

MAIL = """From: {sender}
To: requests@example.com
Subject: {subject}
Message-ID: <{message_id}>
{extra}Date: Fri, 27 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: {content_type}

{body}
"""


@tagged("post_install", "-at_install")
class TestTicketMailGateway(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        alias_domain = cls.env["mail.alias.domain"].create({"name": "example.com"})
        cls.alias = cls.env.ref("sales_admin_addon.mail_alias_sales_admin_ticket")
        cls.alias.alias_domain_id = alias_domain
        cls.customer = cls.env["res.partner"].create({"name": "Hurtownia Zając", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jan Zając", "email": "jan@zajac.example.com", "parent_id": cls.customer.id}
        )
        cls.Ticket = cls.env["sales_admin.ticket"]

    def _receive(
        self,
        sender="Jan Zając <jan@zajac.example.com>",
        subject="Broken pallet",
        message_id="m1@zajac",
        body="The pallet of bricks arrived broken.",
        extra="",
        content_type="text/plain; charset=utf-8",
    ):
        raw = MAIL.format(
            sender=sender, subject=subject, message_id=message_id, body=body, extra=extra, content_type=content_type
        )
        if not sender:
            raw = raw.replace("From: \n", "")
        return self.env["mail.thread"].message_process(None, raw.encode())

    def test_known_contact_opens_a_ticket_for_the_customer(self):
        ticket = self.Ticket.browse(self._receive())
        self.assertEqual(ticket.title, "Broken pallet")
        self.assertEqual((ticket.partner_id, ticket.contact_id, ticket.channel), (self.customer, self.contact, "email"))
        self.assertIn(self.contact, ticket.message_partner_ids, "the contact follows the ticket: replies reach them")
        self.assertIn("arrived broken", ticket.message_ids[-1].body)
        self.assertTrue(ticket.name.startswith("REQ/"))

    def test_unknown_sender_keeps_name_and_address(self):
        ticket = self.Ticket.browse(self._receive(sender="Obcy Klient <obcy@nowhere.example.com>", message_id="m2@x"))
        self.assertFalse(ticket.partner_id)
        self.assertFalse(ticket.contact_id)
        self.assertEqual((ticket.contact_name, ticket.contact_email), ("Obcy Klient", "obcy@nowhere.example.com"))

    def test_replies_thread_and_reopen(self):
        ticket = self.Ticket.browse(self._receive())
        solved = self.env.ref("sales_admin_addon.ticket_stage_solved")
        ticket.stage_id = solved
        self.assertTrue(ticket.is_closed)
        count = self.Ticket.search_count([])
        replied = self._receive(
            subject="Re: Broken pallet",
            message_id="m1-reply@zajac",
            extra="In-Reply-To: <m1@zajac>\n",
            body="It happened again today.",
        )
        self.assertEqual(replied, ticket.id, "the reply lands on the same ticket")
        self.assertEqual(self.Ticket.search_count([]), count, "no new ticket")
        self.assertIn("happened again", ticket.message_ids[0].body)
        self.assertFalse(ticket.is_closed, "a customer's answer opens a solved ticket again")
        self.assertFalse(ticket.date_closed)

    def test_reply_to_a_deleted_ticket_opens_a_new_one(self):
        first = self.Ticket.browse(self._receive())
        first.unlink()
        again = self.Ticket.browse(
            self._receive(subject="Re: Broken pallet", message_id="m3@zajac", extra="In-Reply-To: <m1@zajac>\n")
        )
        self.assertTrue(again.exists())
        self.assertEqual(again.contact_id, self.contact)

    def test_script_in_html_is_removed(self):
        ticket = self.Ticket.browse(
            self._receive(
                message_id="m4@zajac",
                content_type="text/html; charset=utf-8",
                body='<p>Hello</p><script>alert("x")</script><img src="x" onerror="alert(1)"/>',
            )
        )
        for html in (ticket.description, ticket.message_ids[-1].body):
            self.assertIn("Hello", html)
            self.assertNotIn("<script", html)
            self.assertNotIn("onerror", html)

    def test_no_subject_and_no_sender(self):
        ticket = self.Ticket.browse(self._receive(subject="", message_id="m5@zajac"))
        self.assertEqual(ticket.title, "(no subject)")
        nobody = self.Ticket.browse(self._receive(sender="", message_id="m6@nowhere"))
        self.assertTrue(nobody.exists(), "a mail without sender still becomes a ticket, with nobody to answer")
        self.assertFalse(nobody.contact_id or nobody.contact_email)

    def test_big_and_odd_attachments(self):
        payload = base64.encodebytes(b"\x00\xff" * (1024 * 1024)).decode()  # 2 MB of binary
        body = (
            "--XYZ\nContent-Type: text/plain; charset=utf-8\n\nSee the files.\n"
            "--XYZ\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
            f'Content-Disposition: attachment; filename="../../etc/passwd"\n\n{payload}\n'
            "--XYZ\nContent-Type: application/x-msdownload\nContent-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment\n\nTVqQAAMAAAAEAAAA\n--XYZ--"
        )
        ticket = self.Ticket.browse(
            self._receive(message_id="m7@zajac", content_type='multipart/mixed; boundary="XYZ"', body=body)
        )
        attachments = self.env["ir.attachment"].search([("res_model", "=", ticket._name), ("res_id", "=", ticket.id)])
        self.assertEqual(len(attachments), 2)
        self.assertEqual(max(attachments.mapped("file_size")), 2 * 1024 * 1024)
        for attachment in attachments:
            self.assertNotIn("/", attachment.store_fname.split("/", 1)[1], "stored by checksum, never by its name")
