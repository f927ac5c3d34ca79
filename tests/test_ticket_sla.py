from datetime import datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import ADDON
from .test_ticket import NOW, TestTicketCommon

# a Friday afternoon: the weekend comes before the deadlines
FRIDAY = datetime(2026, 3, 6, 15, 0)
# the escalation cron's queries for one batch of tickets, however many
QUERIES_PER_ESCALATION = 22
# the nightly refresh's queries for one batch of open tickets, however many
QUERIES_PER_REFRESH = 21


@tagged("post_install", "-at_install")
class TestTicketSlaCommon(TestTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Monday to Friday, 8-12 and 13-17 UTC
        cls.calendar = cls.env["resource.calendar"].create({"name": "Biuro", "tz": "UTC"})
        cls.company.resource_calendar_id = cls.calendar
        # no rule nor policy of the database (demo or configured) takes part
        cls.env["sales_admin.ticket.priority.rule"].search([]).active = False
        cls.env["sales_admin.ticket.sla"].search([]).active = False
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "Kluczowy klient"})
        Rule = cls.env["sales_admin.ticket.priority.rule"].with_user(cls.sales_admin_manager)
        cls.rule_vip = Rule.create(
            {"name": "Kluczowi klienci", "priority": "3", "partner_category_ids": cls.tag_vip.ids}
        )
        cls.rule_order = Rule.create({"name": "Duże zamówienia", "priority": "2", "min_order_amount": 1000.0})
        Sla = cls.env["sales_admin.ticket.sla"].with_user(cls.sales_admin_manager)
        cls.sla_complaint = Sla.create(
            {
                "name": "Reklamacje",
                "sequence": 10,
                "ticket_type_ids": cls.type_complaint.ids,
                "response_hours": 4,
                "resolution_hours": 24,
            }
        )
        cls.sla_other = Sla.create({"name": "Pozostałe", "sequence": 20, "response_hours": 8, "resolution_hours": 40})
        cls.team.user_id = cls.sales_admin_manager
        cls.sales_admin_manager.tz = "UTC"


@tagged("post_install", "-at_install")
class TestTicketPriorityRules(TestTicketSlaCommon):
    def test_customer_tag_and_order_value(self):
        ticket = self._ticket(user=self.salesperson)
        self.assertEqual((ticket.priority, ticket.priority_auto, ticket.priority_manual), ("0", "0", False))
        # the customer's tag is an input: its tickets follow
        self.customer.category_id = self.tag_vip
        self.assertEqual(ticket.priority, "3")
        self.customer.category_id = False
        self.assertEqual(ticket.priority, "0")
        big = self._order(self.customer, order_line=[(0, 0, {"product_id": self.product.id, "price_unit": 1500.0})])
        small = self._order(self.customer)
        self.assertEqual(self._ticket(sale_order_id=big.id).priority, "2")
        self.assertEqual(self._ticket(sale_order_id=small.id).priority, "0")
        # the highest of the matching rules wins; an archived rule no longer counts
        self.customer.category_id = self.tag_vip
        self.assertEqual(self._ticket(sale_order_id=big.id).priority, "3")
        self.rule_vip.active = False
        self.assertEqual(self._ticket(sale_order_id=big.id).priority, "2")
        # a rule for a ticket type
        self.rule_order.ticket_type_ids = self.type_request
        self.assertEqual(self._ticket(sale_order_id=big.id).priority, "0")
        self.assertEqual(self._ticket(sale_order_id=big.id, ticket_type_id=self.type_request.id).priority, "2")

    def test_overdue_invoice(self):
        self.env["sales_admin.ticket.priority.rule"].create(
            {"name": "Zaległe faktury", "priority": "1", "has_overdue_invoice": True}
        )
        with freeze_time(FRIDAY):
            early = self._ticket()
        with freeze_time(NOW):
            invoice = self._invoice(self.customer)  # dated 2 March, due at once
            paid = self._invoice(self.other_customer)
        self.assertLess(invoice.invoice_date_due, FRIDAY.date())
        with freeze_time(FRIDAY):
            self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
                {}
            )._create_payments()
            self.assertEqual(paid.payment_state, "paid")
            late = self._ticket()
            other = self._ticket(partner_id=self.other_customer.id)
        self.assertEqual((early.priority, late.priority), ("0", "1"))
        self.assertEqual(other.priority, "0", "a paid invoice is no debt")
        # the invoice is another document: the nightly refresh brings the open tickets up to date
        with freeze_time(FRIDAY):
            self.Ticket._cron_refresh_sla()
        self.assertEqual(early.priority, "1")

    def test_repeated_complaints(self):
        self.env["sales_admin.ticket.priority.rule"].create(
            {
                "name": "Powtarzające się reklamacje",
                "priority": "2",
                "ticket_type_ids": self.type_complaint.ids,
                "min_complaint_count": 3,
            }
        )
        with freeze_time(FRIDAY - timedelta(days=100)):
            self._ticket(title="Stara reklamacja")
        with freeze_time(FRIDAY - timedelta(days=10)):
            first = self._ticket()
            self._ticket(ticket_type_id=self.type_request.id, title="Prośba")
        with freeze_time(FRIDAY):
            second = self._ticket()
            self.assertEqual((first.priority, second.priority), ("0", "0"))
            third = self._ticket()
            self.assertEqual(third.priority, "2", "the third complaint in 90 days")
            self.assertEqual(self._ticket(partner_id=self.other_customer.id).priority, "0")
            self.Ticket._cron_refresh_sla()
        self.assertEqual((first.priority, second.priority), ("2", "2"))
        with self.assertRaises(ValidationError):
            self.env["sales_admin.ticket.priority.rule"].create({"name": "Zła", "min_complaint_count": -1})


@tagged("post_install", "-at_install")
class TestTicketPriorityOverride(TestTicketSlaCommon):
    def test_manual_override_kept_logged_and_undone(self):
        self.customer.category_id = self.tag_vip
        ticket = self._ticket(user=self.salesperson)
        self.assertEqual(ticket.priority, "3")
        ticket.with_user(self.salesperson).write({"priority": "1"})
        self.assertEqual((ticket.priority, ticket.priority_auto, ticket.priority_manual), ("1", "3", True))
        log = ticket.message_ids.filtered(lambda message: "Priority set by hand" in (message.body or ""))
        self.assertEqual(len(log), 1)
        self.assertIn("Medium", log.body)
        self.assertIn("Urgent", log.body)
        self.assertEqual(log.author_id, self.salesperson.partner_id)
        # the rules' inputs change: the hand-set priority stays
        self.customer.category_id = False
        self.Ticket._cron_refresh_sla()
        self.assertEqual((ticket.priority, ticket.priority_auto), ("1", "0"))
        # back to the rules
        ticket.with_user(self.salesperson).action_priority_automatic()
        self.assertEqual((ticket.priority, ticket.priority_manual), ("0", False))
        self.assertTrue(ticket.message_ids.filtered(lambda message: "back to the rules" in (message.body or "")))
        self.customer.category_id = self.tag_vip
        self.assertEqual(ticket.priority, "3")

    def test_form_keeps_rules_unless_changed(self):
        self.customer.category_id = self.tag_vip
        form = Form(self.Ticket.with_user(self.salesperson))
        form.title = "Brak dostawy"
        form.partner_id = self.customer
        self.assertEqual(form.priority, "3")
        ticket = form.save()
        self.assertEqual((ticket.priority, ticket.priority_manual), ("3", False))
        form = Form(self.Ticket.with_user(self.salesperson))
        form.title = "Pilne"
        form.partner_id = self.customer
        form.priority = "1"
        ticket = form.save()
        self.assertEqual((ticket.priority, ticket.priority_manual), ("1", True))
        self.assertTrue(ticket.message_ids.filtered(lambda message: "Priority set by hand" in (message.body or "")))
        # the form of an existing ticket: another customer moves the rules' priority, no override
        form = Form(self._ticket(user=self.salesperson, partner_id=self.other_customer.id))
        form.partner_id = self.customer
        ticket = form.save()
        self.assertEqual((ticket.priority, ticket.priority_manual), ("3", False))

    def test_phone_call_leaves_normal_to_the_rules(self):
        self.customer.category_id = self.tag_vip
        Wizard = self.env["sales_admin.ticket.log.call"].with_user(self.salesperson)
        tickets = self.Ticket.browse(
            Wizard.create({"title": "Telefon", "partner_id": self.customer.id, "priority": priority}).action_log_call()[
                "res_id"
            ]
            for priority in ("0", "2")
        )
        self.assertEqual(tickets.mapped("priority"), ["3", "2"])
        self.assertEqual(tickets.mapped("priority_manual"), [False, True])


@tagged("post_install", "-at_install")
class TestTicketSla(TestTicketSlaCommon):
    def test_policy_matching(self):
        with freeze_time(FRIDAY):
            complaint = self._ticket()
            request = self._ticket(ticket_type_id=self.type_request.id)
        self.assertEqual((complaint.sla_id, request.sla_id), (self.sla_complaint, self.sla_other))
        self.assertEqual(complaint.sla_state, "on_time")
        urgent = self.env["sales_admin.ticket.sla"].create(
            {"name": "Pilne", "sequence": 1, "priority": "3", "response_hours": 1, "resolution_hours": 8}
        )
        with freeze_time(FRIDAY):
            self.assertEqual(self._ticket().sla_id, self.sla_complaint, "below the policy's priority")
            self.customer.category_id = self.tag_vip
            self.assertEqual(complaint.sla_id, urgent, "the ticket follows its priority")
            self.assertEqual(complaint.sla_response_deadline, datetime(2026, 3, 6, 16, 0))
        urgent.partner_category_ids = self.env["res.partner.category"].create({"name": "Inny"})
        with freeze_time(FRIDAY):
            self.assertEqual(self._ticket().sla_id, self.sla_complaint, "not the policy's customer tag")
        (self.sla_complaint | self.sla_other | urgent).active = False
        with freeze_time(FRIDAY):
            ticket = self._ticket()
        self.assertFalse(ticket.sla_id or ticket.sla_response_deadline or ticket.sla_state)

    def test_deadlines_skip_weekend_and_public_holiday(self):
        with freeze_time(FRIDAY):
            ticket = self._ticket()
        # Friday 15-17, then Monday
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 9, 10, 0))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 11, 15, 0))
        # Monday is a public holiday
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Święto",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59, 59),
            }
        )
        with freeze_time(FRIDAY):
            ticket = self._ticket()
            request = self._ticket(ticket_type_id=self.type_request.id)
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 10, 10, 0))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 12, 15, 0))
        # 40 working hours: Friday 2, Tuesday to Friday 32, Monday 6
        self.assertEqual(request.sla_resolution_deadline, datetime(2026, 3, 16, 15, 0))
        # the nightly refresh follows a policy's new hours
        self.sla_complaint.response_hours = 2
        with freeze_time(FRIDAY):
            self.Ticket._cron_refresh_sla()
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 6, 17, 0))
        with self.assertRaises(ValidationError):
            self.sla_complaint.response_hours = 30

    def test_first_response_stops_the_clock(self):
        with freeze_time(FRIDAY):
            ticket = self._ticket(user=self.salesperson)
        with freeze_time(FRIDAY + timedelta(hours=1)):
            ticket.with_user(self.salesperson).message_post(body="Notatka", subtype_xmlid="mail.mt_note")
            self.assertFalse(ticket.date_first_response, "an internal note is no answer")
            ticket.with_user(self.salesperson).message_post(
                body="Dzień dobry, sprawdzamy.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.date_first_response, FRIDAY + timedelta(hours=1))
        with freeze_time(datetime(2026, 3, 20, 9, 0)):
            self.Ticket._cron_sla_escalate()
            self.assertFalse(ticket.sla_response_breached)
            self.assertTrue(ticket.sla_resolution_breached)
        # the customer's own message is no answer; a move out of the first stage is one
        with freeze_time(FRIDAY):
            other = self._ticket()
            other.message_post(
                body="Ponaglam", author_id=self.contact.id, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            self.assertFalse(other.date_first_response)
        with freeze_time(datetime(2026, 3, 9, 11, 0)):
            other.stage_id = self.stage_in_progress
        self.assertEqual(other.date_first_response, datetime(2026, 3, 9, 11, 0))
        self.assertTrue(other.sla_response_breached, "answered after Monday 10:00")
        self.assertEqual(other.sla_state, "breached")

    def test_closing_meets_or_breaches_the_resolution(self):
        with freeze_time(FRIDAY):
            on_time, late = self._ticket(), self._ticket()
        with freeze_time(datetime(2026, 3, 9, 9, 0)):
            on_time.stage_id = self.stage_solved
        with freeze_time(datetime(2026, 3, 12, 9, 0)):
            late.stage_id = self.stage_solved
        self.assertEqual((on_time.sla_state, on_time.sla_resolution_breached), ("met", False))
        self.assertEqual((late.sla_state, late.sla_resolution_breached), ("breached", True))
        # closing is the first answer too: on Thursday, after Monday's response deadline
        self.assertTrue(late.sla_response_breached)
        self.assertFalse(on_time.sla_response_breached)


@tagged("post_install", "-at_install")
class TestTicketSlaEscalation(TestTicketSlaCommon):
    def _activities(self, tickets):
        return self.env["mail.activity"].search([("res_model", "=", self.Ticket._name), ("res_id", "in", tickets.ids)])

    def test_one_activity_per_breach_never_twice(self):
        with freeze_time(FRIDAY):
            unanswered = self._ticket(team_id=self.team.id)
            answered = self._ticket(team_id=self.team.id)
            fine = self._ticket(team_id=self.team.id)
            no_team = self._ticket(user_id=self.other_salesperson.id, partner_id=self.other_customer.id)
        no_team.team_id = False
        with freeze_time(datetime(2026, 3, 9, 9, 0)):
            answered.message_post(body="Odpowiedź", message_type="comment", subtype_xmlid="mail.mt_comment")
        # Monday 11:00: the response deadlines (10:00) have passed
        with freeze_time(datetime(2026, 3, 9, 11, 0)):
            fine.stage_id = self.stage_solved
            self.assertFalse(unanswered.sla_response_breached, "the date crossed, nothing recomputed yet")
            self.Ticket._cron_sla_escalate()
        self.assertTrue(unanswered.sla_response_breached and unanswered.sla_response_escalated)
        self.assertFalse(unanswered.sla_resolution_breached)
        self.assertFalse(answered.sla_response_breached or answered.sla_response_escalated)
        activity = self._activities(unanswered)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.sales_admin_manager, "the team's manager")
        self.assertIn("no answer", activity.summary)
        self.assertIn("10:00", activity.note, "the deadline, in the manager's time zone")
        self.assertFalse(self._activities(answered | fine))
        # no team manager: the assignee, or the company's escalation manager
        self.assertEqual(self._activities(no_team).user_id, self.other_salesperson)
        # a second run gives nothing new
        with freeze_time(datetime(2026, 3, 9, 11, 30)):
            self.Ticket._cron_sla_escalate()
        self.assertEqual(len(self._activities(unanswered | no_team)), 2)
        # the resolution breach is another one
        escalation_manager = new_test_user(self.env, login="sa_tk_escalation", groups="sales_team.group_sale_manager")
        self.company.sales_admin_ticket_escalation_user_id = escalation_manager
        with freeze_time(datetime(2026, 3, 12, 9, 0)):
            self.Ticket._cron_sla_escalate()
            self.Ticket._cron_sla_escalate()
        activities = self._activities(unanswered)
        self.assertEqual(len(activities), 2)
        self.assertEqual(len(self._activities(answered)), 1, "the answered ticket missed its resolution")
        self.assertEqual(self._activities(no_team).mapped("user_id"), escalation_manager | self.other_salesperson)
        self.assertTrue(answered.sla_resolution_escalated and not answered.sla_response_escalated)

    def test_cron_queries_do_not_grow_with_the_tickets(self):
        def run(count, limit=QUERIES_PER_ESCALATION):
            with freeze_time(FRIDAY):
                tickets = self.Ticket.create(
                    [
                        {"title": f"Reklamacja {i}", "partner_id": self.customer.id, "team_id": self.team.id}
                        for i in range(count)
                    ]
                )
            self.env.flush_all()
            self.cr.flush()
            self.env.invalidate_all()
            with freeze_time(datetime(2026, 3, 12, 9, 0)):
                start = self.cr.sql_log_count
                # the candidates' search; per batch: the tickets, the breaches' recompute and flags, the managers,
                # the activities, their followers and the managers' notification
                with self.assertQueryCount(limit):
                    self.Ticket._cron_sla_escalate()
                queries = self.cr.sql_log_count - start
            self.assertEqual(len(self._activities(tickets)), 2 * count, "a response and a resolution breach each")
            self.assertTrue(all(tickets.mapped("sla_resolution_escalated")))
            return queries

        run(1, limit=100)  # fills the caches (activity type, model, access rules)
        small, large = run(5), run(50)
        self.assertEqual(small, large, f"{small} queries for 5 tickets, {large} for 50")

    def test_nightly_refresh_queries_do_not_grow_with_the_tickets(self):
        self.env["sales_admin.ticket.priority.rule"].create(
            {"name": "Zaległe faktury", "priority": "2", "has_overdue_invoice": True}
        )
        urgent = self.env["sales_admin.ticket.sla"].create(
            {"name": "Pilne", "sequence": 1, "priority": "2", "response_hours": 1, "resolution_hours": 8}
        )

        def run(count, limit):
            customer = self.env["res.partner"].create({"name": f"Dłużnik {count}", "is_company": True})
            with freeze_time(FRIDAY):
                tickets = self.Ticket.create(
                    [
                        {"title": f"Prośba {i}", "partner_id": customer.id, "ticket_type_id": self.type_request.id}
                        for i in range(count)
                    ]
                )
            self.assertEqual((set(tickets.mapped("priority")), tickets.sla_id), ({"0"}, self.sla_other))
            with freeze_time(NOW):
                self._invoice(customer)  # overdue by Friday
            self.env.flush_all()
            self.cr.flush()
            self.env.invalidate_all()
            with freeze_time(FRIDAY):
                start = self.cr.sql_log_count
                # per batch: the open tickets, the rules, the overdue invoices, the policies, the calendar's work
                # intervals and one UPDATE per field and value
                with self.assertQueryCount(limit):
                    self.Ticket._cron_refresh_sla()
                queries = self.cr.sql_log_count - start
            # the overdue invoice raised the priority, and with it the policy and the deadlines
            self.assertEqual((set(tickets.mapped("priority")), tickets.sla_id), ({"2"}, urgent))
            self.assertEqual(set(tickets.mapped("sla_response_deadline")), {datetime(2026, 3, 6, 16, 0)})
            return queries

        run(2, limit=200)  # fills the caches
        self.Ticket.search([]).active = False  # only the next runs' tickets are open
        small = run(5, limit=QUERIES_PER_REFRESH)
        self.Ticket.search([]).active = False
        large = run(50, limit=QUERIES_PER_REFRESH)
        self.assertEqual(small, large, f"{small} queries for 5 tickets, {large} for 50")


@tagged("post_install", "-at_install")
class TestTicketSlaAccess(TestTicketSlaCommon):
    def test_configuration_is_for_managers(self):
        for model, vals in (
            ("sales_admin.ticket.sla", {"name": "Nowa", "response_hours": 1}),
            ("sales_admin.ticket.priority.rule", {"name": "Nowa"}),
        ):
            with self.subTest(model=model):
                records = self.env[model].with_user(self.salesperson)
                self.assertTrue(records.search([]))
                for user in (self.salesperson, self.sales_admin_user):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).create(vals)
                with self.assertRaises(AccessError):
                    records.search([], limit=1).write({"name": "Zmiana"})
                self.env[model].with_user(self.sales_admin_manager).create(vals)

    def test_other_company_policies_hidden(self):
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        self.env["sales_admin.ticket.sla"].create({"name": "Obca", "company_id": other_company.id, "response_hours": 1})
        names = self.env["sales_admin.ticket.sla"].with_user(self.sales_admin_user).search([]).mapped("name")
        self.assertNotIn("Obca", names)
        with freeze_time(FRIDAY):
            ticket = self._ticket(user=self.env.user, company_id=other_company.id, partner_id=False)
        self.assertEqual(ticket.sla_id.name, "Obca")

    def test_views_load(self):
        for user in (self.salesperson, self.sales_admin_user):
            with self.subTest(user=user.login):
                views = self.Ticket.with_user(user).get_views([(False, "form"), (False, "list"), (False, "search")])
                self.assertIn("sla_resolution_deadline", views["views"]["list"]["arch"])
                self.assertIn("action_priority_automatic", views["views"]["form"]["arch"])
        for model in ("sales_admin.ticket.sla", "sales_admin.ticket.priority.rule"):
            self.env[model].with_user(self.sales_admin_manager).get_views([(False, "list"), (False, "form")])
        menu = self.env.ref(f"{ADDON}.sales_admin_ticket_sla_menu")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.sales_admin_manager)._visible_menu_ids())
