import json
import re

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestTicketPortal(HttpCase):
    """Portal customers see, open, answer and raise only their own company's requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a = cls.env["res.partner"].create({"name": "Firma Alfa", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create({"name": "Firma Beta", "is_company": True})
        cls.portal_a = new_test_user(cls.env, login="sa_portal_a", groups="base.group_portal", name="Anna Alfa")
        cls.portal_a.partner_id.parent_id = cls.customer_a
        cls.portal_b = new_test_user(cls.env, login="sa_portal_b", groups="base.group_portal", name="Bartek Beta")
        cls.portal_b.partner_id.parent_id = cls.customer_b
        Ticket = cls.env["sales_admin.ticket"]
        cls.ticket_a = Ticket.create({"title": "Alfa: wrong invoice address", "partner_id": cls.customer_a.id})
        cls.ticket_b = Ticket.create({"title": "Beta: secret complaint", "partner_id": cls.customer_b.id})
        product = cls.env["product.product"].create({"name": "Cement"})
        cls.order_b = cls.env["sale.order"].create(
            {"partner_id": cls.customer_b.id, "order_line": [Command.create({"product_id": product.id})]}
        )
        cls.order_b.sudo().action_confirm()

    def _rpc(self, model, method, args, kwargs=None):
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_list_and_page_show_own_company_only(self):
        self.authenticate("sa_portal_a", "sa_portal_a")
        page = self.url_open("/my/requests?filterby=all")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.ticket_a.name, page.text)
        self.assertNotIn(self.ticket_b.name, page.text)
        self.assertNotIn("secret complaint", page.text)
        own = self.url_open(f"/my/requests/{self.ticket_a.id}")
        self.assertIn("wrong invoice address", own.text)
        other = self.url_open(f"/my/requests/{self.ticket_b.id}")
        self.assertTrue(other.url.endswith("/my"), "another company's request sends back to the portal home")
        self.assertNotIn("secret complaint", other.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/requests", home.text)

    def test_rpc_refuses_other_companies(self):
        Ticket = self.env["sales_admin.ticket"].with_user(self.portal_a)
        self.assertEqual(Ticket.search([]), self.ticket_a)
        with self.assertRaises(AccessError):
            Ticket.browse(self.ticket_b.id).read(["title"])
        with self.assertRaises(AccessError):
            Ticket.browse(self.ticket_a.id).write({"title": "changed"})
        self.authenticate("sa_portal_a", "sa_portal_a")
        leaked = self._rpc("sales_admin.ticket", "read", [[self.ticket_b.id], ["title"]])
        self.assertIn("error", leaked)
        self.assertNotIn("secret complaint", json.dumps(leaked))
        listed = self._rpc("sales_admin.ticket", "search_read", [[]], {"fields": ["title"]})
        self.assertEqual([row["id"] for row in listed["result"]], [self.ticket_a.id])
        created = self._rpc("sales_admin.ticket", "create", [{"title": "x", "partner_id": self.customer_b.id}])
        self.assertIn("error", created)

    def test_answer_own_request_not_others(self):
        self.authenticate("sa_portal_a", "sa_portal_a")

        def post(ticket, text):
            return self.make_jsonrpc_request(
                "/mail/message/post",
                {"thread_model": "sales_admin.ticket", "thread_id": ticket.id, "post_data": {"body": text}},
            )

        post(self.ticket_a, "Here is the right address")
        self.assertIn("right address", self.ticket_a.message_ids[0].body)
        self.assertEqual(self.ticket_a.message_ids[0].author_id, self.portal_a.partner_id)
        with self.assertRaises(JsonRpcException):
            post(self.ticket_b, "Let me in")
        self.assertFalse(self.ticket_b.message_ids.filtered(lambda message: "Let me in" in (message.body or "")))

    def test_new_request_from_the_portal(self):
        self.authenticate("sa_portal_a", "sa_portal_a")
        form = self.url_open("/my/requests/new")
        self.assertEqual(form.status_code, 200)
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        complaint = self.env.ref("sales_admin_addon.ticket_type_complaint")
        count = self.env["sales_admin.ticket"].search_count([])
        data = {"csrf_token": csrf_token, "title": "", "ticket_type_id": complaint.id, "description": "x"}
        refused = self.url_open("/my/requests/new", data=data)
        self.assertIn("Give your request a subject", refused.text)
        data.update(title="Damaged bags", sale_order_id=self.order_b.id)
        refused = self.url_open("/my/requests/new", data=data)
        self.assertIn("Choose one of your orders", refused.text, "another company's order is refused")
        data.update(ticket_type_id="abc", sale_order_id="")
        refused = self.url_open("/my/requests/new", data=data)
        self.assertIn("Choose what kind of request", refused.text)
        self.assertEqual(self.env["sales_admin.ticket"].search_count([]), count, "nothing created on bad input")
        data.update(ticket_type_id=complaint.id, description="Three bags <script>alert(1)</script> torn")
        created = self.url_open("/my/requests/new", data=data)
        ticket = self.env["sales_admin.ticket"].search([("title", "=", "Damaged bags")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(
            (ticket.partner_id, ticket.contact_id, ticket.channel, ticket.ticket_type_id),
            (self.customer_a, self.portal_a.partner_id, "portal", complaint),
        )
        self.assertNotIn("<script", ticket.description)
        self.assertIn(f"/my/requests/{ticket.id}", created.url)
