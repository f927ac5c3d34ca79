from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

NOW = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestVisitCommon(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesperson = new_test_user(
            cls.env, login="sa_salesman", name="Jan Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesperson = new_test_user(
            cls.env, login="sa_salesman2", name="Ewa Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(
            cls.env, login="sa_leader", name="Team Leader", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Północ", "user_id": cls.leader.id, "member_ids": [(4, cls.salesperson.id)]}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Hurtownia Kowalski",
                "is_company": True,
                "customer_rank": 1,
                "street": "ul. Długa 1",
                "zip": "00-001",
                "city": "Warszawa",
            }
        )
        cls.contact = cls.env["res.partner"].create({"name": "Piotr Kowalski", "parent_id": cls.customer.id})
        cls.visit_type = cls.env.ref("sales_admin_addon.visit_type_presentation")

    def _visit(self, user=None, **vals):
        return (
            self.env["sales_admin.visit"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "visit_type_id": self.visit_type.id,
                    "planned_start": NOW,
                    **vals,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestVisit(TestVisitCommon):
    def test_defaults_and_sequence(self):
        visit = self._visit()
        other = self._visit()
        self.assertTrue(visit.name.startswith("VIS/"))
        self.assertEqual(visit.display_name, visit.name)
        self.assertNotEqual(visit.name, other.name)
        self.assertEqual(visit.user_id, self.salesperson)
        self.assertEqual(visit.team_id, self.team)
        self.assertEqual(visit.planned_end, NOW + timedelta(hours=1.5))
        self.assertEqual(visit.planned_duration, 1.5)
        self.assertEqual(visit.state, "planned")
        self.assertIn("ul.+D%C5%82uga+1", visit.map_url)

    def test_state_machine(self):
        visit = self._visit()
        with freeze_time(NOW):
            visit.action_check_in(latitude=52.2297, longitude=21.0122)
        self.assertEqual(visit.state, "in_progress")
        self.assertEqual(visit.checkin_date, NOW)
        self.assertAlmostEqual(visit.checkin_latitude, 52.2297)
        with self.assertRaises(UserError):
            visit.action_check_in()
        with self.assertRaises(UserError):
            visit.action_no_show()
        with freeze_time(NOW + timedelta(minutes=45)):
            visit.action_check_out()
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.actual_duration, 0.75)
        for action in (visit.action_check_out, visit.action_cancel, visit.action_reset_to_planned):
            with self.assertRaises(UserError):
                action()
        with self.assertRaises(UserError):
            visit.unlink()

    def test_cancel_no_show_and_plan_again(self):
        visit = self._visit()
        event = visit.calendar_event_id
        visit.action_cancel()
        self.assertEqual(visit.state, "cancel")
        self.assertFalse(event.active)
        visit.action_reset_to_planned()
        self.assertEqual(visit.state, "planned")
        self.assertTrue(event.active)
        visit.action_no_show()
        self.assertEqual(visit.state, "no_show")
        with self.assertRaises(UserError):
            visit.action_check_in()

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self._visit(planned_end=NOW - timedelta(hours=1))
        visit = self._visit()
        with self.assertRaises(ValidationError):
            visit.write({"checkin_date": NOW, "checkout_date": NOW - timedelta(minutes=5)})
        with self.assertRaises(ValidationError):
            visit.write({"checkin_latitude": 91.0})
        archived = self.customer.copy({"name": "Archiwum"})
        archived.action_archive()
        with self.assertRaises(ValidationError):
            self._visit(partner_id=archived.id, contact_id=False)
        supplier = self.env["res.partner"].create({"name": "Dostawca", "is_company": True, "supplier_rank": 1})
        with self.assertRaises(ValidationError):
            self._visit(partner_id=supplier.id, contact_id=False)
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        with self.assertRaises(ValidationError):
            self._visit(user=self.env.user, company_id=other_company.id, user_id=self.salesperson.id, contact_id=False)
        count = self.env["sales_admin.visit"].search_count([])
        self.assertEqual(count, 1, "no failed visit was written")


@tagged("post_install", "-at_install")
class TestVisitCalendar(TestVisitCommon):
    def test_event_created_with_attendees(self):
        visit = self._visit()
        event = visit.calendar_event_id
        self.assertTrue(event)
        self.assertEqual((event.start, event.stop), (visit.planned_start, visit.planned_end))
        self.assertEqual(event.user_id, self.salesperson)
        self.assertEqual(event.partner_ids, self.salesperson.partner_id | self.contact)
        self.assertEqual((event.res_model, event.res_id), ("sales_admin.visit", visit.id))
        self.assertFalse(visit.activity_ids, "the visit is its own meeting: no extra activity")

    def test_moving_the_visit_moves_the_event(self):
        visit = self._visit()
        visit.write({"planned_start": NOW + timedelta(days=1)})
        self.assertEqual(visit.calendar_event_id.start, NOW + timedelta(days=1))
        self.assertEqual(visit.calendar_event_id.stop, NOW + timedelta(days=1, hours=1.5))
        visit.user_id = self.other_salesperson  # handed over: the salesperson no longer sees it
        event = visit.sudo().calendar_event_id
        self.assertEqual(event.user_id, self.other_salesperson)
        self.assertIn(self.other_salesperson.partner_id, event.partner_ids)
        self.assertNotIn(self.salesperson.partner_id, event.partner_ids)

    def test_moving_the_event_moves_the_visit(self):
        visit = self._visit()
        event = visit.calendar_event_id.with_user(self.salesperson)
        event.write({"start": NOW + timedelta(days=2), "stop": NOW + timedelta(days=2, hours=3)})
        self.assertEqual(visit.planned_start, NOW + timedelta(days=2))
        self.assertEqual(visit.planned_end, NOW + timedelta(days=2, hours=3))
        self.assertEqual(visit.planned_duration, 3.0)

    def test_user_without_visit_access_moves_own_meeting(self):
        # Odoo's calendar test_email_alarm: an internal user with no access to visits moves a meeting of theirs
        employee = new_test_user(self.env, login="sa_employee_only", groups="base.group_user")
        self.assertFalse(self.env["sales_admin.visit"].with_user(employee).has_access("read"))
        event = self.env["calendar.event"].create(
            {"name": "Dentist", "start": NOW, "stop": NOW + timedelta(hours=1), "user_id": employee.id}
        )
        self.env.invalidate_all()
        event.with_user(employee).write({"start": NOW + timedelta(days=1), "stop": NOW + timedelta(days=1, hours=1)})
        self.assertEqual(event.start, NOW + timedelta(days=1))
        # the meeting of a visit still moves its visit, with the rights of the one who moves it
        visit = self._visit()
        with self.assertRaises(AccessError):
            visit.sudo().calendar_event_id.with_user(employee).write({"start": NOW + timedelta(days=3)})
        self.assertEqual(visit.planned_start, NOW)

    def test_event_of_a_closed_visit_does_not_move(self):
        visit = self._visit()
        visit.action_check_in()
        with self.assertRaises(UserError):
            visit.calendar_event_id.write({"start": NOW + timedelta(days=2), "stop": NOW + timedelta(days=2, hours=1)})

    def test_event_to_another_company_calendar_refused(self):
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        stranger = new_test_user(
            self.env, login="sa_stranger", groups="sales_team.group_sale_salesman", company_id=other_company.id
        )
        visit = self._visit()
        with self.assertRaises(ValidationError):
            visit.calendar_event_id.write({"user_id": stranger.id})
        self.assertEqual(visit.user_id, self.salesperson)

    def test_deleting_an_activity_keeps_the_visit_event(self):
        visit = self._visit()
        event = visit.calendar_event_id
        activity = visit.activity_schedule("mail.mail_activity_data_meeting", user_id=self.salesperson.id)
        activity.calendar_event_id = event
        activity.unlink_w_meeting()
        self.assertTrue(event.exists())
        self.assertEqual(visit.calendar_event_id, event)

    def test_book_meeting(self):
        visit = self._visit()
        action = visit.action_book_meeting()
        self.assertEqual(action["res_model"], "calendar.event")
        self.assertEqual(action["context"]["default_partner_ids"], (self.salesperson.partner_id | self.contact).ids)

    def test_unlink_planned_visit_removes_event(self):
        visit = self._visit()
        event = visit.calendar_event_id
        visit.unlink()
        self.assertFalse(event.exists())


@tagged("post_install", "-at_install")
class TestVisitAccess(TestVisitCommon):
    def test_salesperson_sees_own_leader_sees_team(self):
        own = self._visit()
        others = self._visit(user=self.other_salesperson)
        Visit = self.env["sales_admin.visit"]
        self.assertEqual(Visit.with_user(self.salesperson).search([]), own)
        with self.assertRaises(AccessError):
            others.with_user(self.salesperson).read(["name"])
        self.assertEqual(Visit.with_user(self.leader).search([]), own)
        self.assertEqual(Visit.with_user(self.sales_admin_user).search([]), own | others)

    def test_portal_and_internal_see_nothing(self):
        visit = self._visit()
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                visit.with_user(user).read(["name"])

    def test_company_rule(self):
        visit = self._visit()
        other_company = self.env["res.company"].create({"name": "Spółka Córka"})
        self.sales_admin_user.write({"company_ids": [(4, other_company.id)], "company_id": other_company.id})
        visits = (
            self.env["sales_admin.visit"]
            .with_user(self.sales_admin_user)
            .with_context(allowed_company_ids=other_company.ids)
        )
        self.assertFalse(visits.search([]))
        self.assertEqual(visits.with_context(allowed_company_ids=self.company.ids).search([]), visit)

    def test_configuration_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.env["sales_admin.visit.type"].with_user(self.sales_admin_user).create({"name": "Nowy"})
        self.env["sales_admin.visit.type"].with_user(self.sales_admin_manager).create({"name": "Nowy"})


@tagged("post_install", "-at_install")
class TestVisitPaperwork(TestVisitCommon):
    def _done_visit(self):
        visit = self._visit()
        with freeze_time(NOW):
            visit.action_check_in()
        with freeze_time(NOW + timedelta(hours=1)):
            visit.action_check_out()
        return visit

    def test_check_out_several_visits_at_once(self):
        self.company.write({"sales_admin_paperwork_user_id": False, "sales_admin_paperwork_days": 2})
        visits = (self._visit() | self._visit(user=self.other_salesperson) | self._visit()).with_user(
            self.sales_admin_user
        )
        with freeze_time(NOW):
            visits.action_check_in()
        with freeze_time(NOW + timedelta(hours=2)):
            visits.action_check_out()
        self.assertEqual(set(visits.mapped("state")), {"done"})
        self.assertEqual(set(visits.mapped("checkout_date")), {NOW + timedelta(hours=2)})
        self.assertEqual(set(visits.mapped("paperwork_deadline")), {(NOW + timedelta(days=2)).date()})
        for visit in visits:
            self.assertEqual(visit.paperwork_user_id, visit.create_uid, "no owner set: whoever planned the visit")

    def test_done_visit_waits_for_paperwork(self):
        self.company.write({"sales_admin_paperwork_user_id": self.sales_admin_user.id, "sales_admin_paperwork_days": 3})
        visit = self._done_visit()
        self.assertEqual(visit.paperwork_state, "to_process")
        self.assertEqual(visit.paperwork_user_id, self.sales_admin_user)
        self.assertEqual(visit.paperwork_deadline, (NOW + timedelta(days=3)).date())
        queue = (
            self.env["sales_admin.visit"]
            .with_user(self.sales_admin_user)
            .search([("paperwork_state", "=", "to_process")])
        )
        self.assertEqual(queue, visit)

    def test_processing_is_one_logged_action(self):
        self.company.sales_admin_paperwork_user_id = False
        visit = self._done_visit()
        self.assertEqual(visit.paperwork_user_id, self.salesperson, "without an owner, the planner processes it")
        admin_visit = visit.with_user(self.sales_admin_user)
        admin_visit.action_process_paperwork()
        self.assertEqual(visit.paperwork_state, "processed")
        self.assertEqual(visit.paperwork_processed_uid, self.sales_admin_user)
        self.assertIn("Paperwork processed", visit.message_ids[0].body)
        with self.assertRaises(UserError):
            admin_visit.action_process_paperwork()
        with self.assertRaises(UserError):
            self._visit().action_process_paperwork()

    def test_negative_paperwork_deadline_refused(self):
        with self.assertRaises(ValidationError):
            self.company.write({"sales_admin_paperwork_days": -1})

    def test_settings_set_the_company_paperwork_rules(self):
        settings = Form(self.env["res.config.settings"])
        settings.sales_admin_paperwork_user_id = self.sales_admin_user
        settings.sales_admin_paperwork_days = 5
        settings.save().execute()
        self.assertEqual(self.company.sales_admin_paperwork_user_id, self.sales_admin_user)
        self.assertEqual(self.company.sales_admin_paperwork_days, 5)


@tagged("post_install", "-at_install")
class TestVisitNextSteps(TestVisitCommon):
    def test_amount_due_without_accounting_rights(self):
        product = self.env["product.product"].create({"name": "Cement", "list_price": 100.0})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.contact.id,
                "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 2, "price_unit": 100.0})],
            }
        )
        invoice.action_post()
        visits = self._visit() | self._visit()
        visits.invalidate_recordset(["partner_amount_due"])
        self.assertEqual(visits.mapped("partner_amount_due"), [invoice.amount_total] * 2)

    def test_schedule_activity_after_the_visit(self):
        visit = self._visit()
        action = visit.action_schedule_activity()
        wizard = (
            self.env["mail.activity.schedule"]
            .with_context(action["context"])
            .create(
                {"activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "summary": "Send the catalogue"}
            )
        )
        wizard.action_schedule_activities()
        self.assertEqual(visit.activity_ids.summary, "Send the catalogue")


@tagged("post_install", "-at_install")
class TestVisitProposal(TestVisitCommon):
    def test_proposal_is_booked_into_the_calendar(self):
        visit = self._visit(state="proposed")
        self.assertEqual(visit.name, "/")
        self.assertEqual(visit.display_name, f"{visit.partner_id.name} (to book)", "named after its customer")
        self.assertFalse(visit.calendar_event_id, "a proposal is not in the calendar yet")
        with self.assertRaises(UserError):
            visit.action_check_in()
        visit.action_book()
        self.assertEqual(visit.state, "planned")
        self.assertTrue(visit.name.startswith("VIS/"))
        self.assertEqual(visit.display_name, visit.name)
        self.assertEqual(visit.calendar_event_id.start, visit.planned_start)
        with self.assertRaises(UserError):
            visit.action_book()

    def test_contact_person_becomes_contact_met(self):
        visit = self._visit(partner_id=self.contact.id, contact_id=False)
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(visit.contact_id, self.contact)
        with self.assertRaises(ValidationError):
            visit.partner_id = self.contact

    def test_person_customer_without_company(self):
        person = self.env["res.partner"].create({"name": "Anna Nowak", "customer_rank": 1})
        visit = self._visit(partner_id=person.id, contact_id=False)
        self.assertEqual(visit.partner_id, person)

    def test_propose_next_visit_by_cadence(self):
        visit = self._visit()
        with self.assertRaises(UserError):
            visit.action_propose_next_visit()
        with freeze_time(NOW):
            visit.action_check_in()
            visit.action_check_out()
        with self.assertRaises(UserError):
            visit.action_propose_next_visit()  # no frequency yet
        self.customer.visit_frequency = 14
        action = visit.action_propose_next_visit()
        proposal = self.env["sales_admin.visit"].browse(action["res_id"])
        self.assertEqual(proposal.state, "proposed")
        self.assertEqual(proposal.planned_start.date(), (NOW + timedelta(days=14)).date())
        self.assertEqual(
            (proposal.partner_id, proposal.contact_id, proposal.user_id),
            (self.customer, self.contact, self.salesperson),
        )
        with self.assertRaises(UserError):
            visit.action_propose_next_visit()  # the proposal is open

    def test_log_request_opens_a_prefilled_ticket(self):
        visit = self._visit()
        action = visit.action_log_request()
        self.assertEqual((action["res_model"], action["view_mode"]), ("sales_admin.ticket", "form"))
        self.assertEqual(action["context"]["default_visit_id"], visit.id)
        self.assertEqual(action["context"]["default_channel"], "visit")
        self.assertEqual(visit.ticket_count, 0)

    def test_quotation_from_the_visit(self):
        cement = self.env["product.product"].create({"name": "Cement", "list_price": 25.0})
        glue = self.env["product.product"].create({"name": "Klej", "list_price": 54.0})
        visit = self._visit(product_ids=[(6, 0, (cement | glue).ids)])
        with self.assertRaises(UserError):
            visit.action_create_quotation()
        visit.action_check_in()
        action = visit.action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual((order.partner_id, order.user_id, order.team_id), (self.customer, self.salesperson, self.team))
        self.assertEqual(order.order_line.product_id, cement | glue)
        self.assertEqual((order.origin, order.sales_admin_visit_id), (visit.name, visit))
        self.assertEqual(visit.sale_order_count, 1)
        self.assertEqual(visit.action_view_quotations()["domain"], [("sales_admin_visit_id", "=", visit.id)])
        self.assertEqual(order.action_open_sales_admin_visit()["res_id"], visit.id)
