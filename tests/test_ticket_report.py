from datetime import datetime

from odoo.tests import freeze_time, new_test_user, tagged

from .common import SalesAdminCommon

MONDAY = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestTicketReport(SalesAdminCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.resource_calendar_id = cls.env["resource.calendar"].create({"name": "Biuro", "tz": "UTC"})
        cls.env["sales_admin.ticket.sla"].search([]).active = False
        cls.env["sales_admin.ticket.sla"].create(
            {"name": "Wszystkie", "sequence": 1, "response_hours": 2, "resolution_hours": 8}
        )
        cls.salesperson = new_test_user(cls.env, login="sa_rep_sales", groups="sales_team.group_sale_salesman")
        cls.own = cls.env["res.partner"].create(
            {"name": "Klient Własny", "is_company": True, "user_id": cls.salesperson.id}
        )
        cls.other = cls.env["res.partner"].create({"name": "Klient Obcy", "is_company": True})
        cls.complaint = cls.env.ref("sales_admin_addon.ticket_type_complaint")
        cls.in_progress = cls.env.ref("sales_admin_addon.ticket_stage_in_progress")
        cls.solved = cls.env.ref("sales_admin_addon.ticket_stage_solved")
        cls.damaged = cls.env.ref("sales_admin_addon.ticket_root_cause_delivery_damaged")
        cls.defect = cls.env.ref("sales_admin_addon.ticket_root_cause_product_defect")

    def _ticket(self, partner, respond_at, close_at, root_cause):
        with freeze_time(MONDAY):
            ticket = self.env["sales_admin.ticket"].create(
                {
                    "title": "Reklamacja",
                    "partner_id": partner.id,
                    "ticket_type_id": self.complaint.id,
                    "root_cause_id": root_cause.id,
                }
            )
        with freeze_time(respond_at):
            ticket.stage_id = self.in_progress
        with freeze_time(close_at):
            ticket.stage_id = self.solved
        return ticket

    def test_sla_compliance_times_and_pareto(self):
        on_time = self._ticket(self.own, datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 15), self.damaged)
        late = self._ticket(self.other, datetime(2026, 3, 3, 12), datetime(2026, 3, 4, 12), self.damaged)
        self._ticket(self.other, datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), self.defect)
        self.assertFalse(on_time.sla_response_breached or on_time.sla_resolution_breached)
        self.assertTrue(late.sla_response_breached and late.sla_resolution_breached)
        self.env.flush_all()
        Report = self.env["sales_admin.ticket.report"]
        domain = [("partner_id", "in", (self.own | self.other).ids)]
        [(count, response_rate, resolution_rate, response_hours)] = Report._read_group(
            domain, [], ["ticket_count:sum", "sla_response_rate:avg", "sla_resolution_rate:avg", "response_hours:avg"]
        )
        self.assertEqual(count, 3)
        self.assertAlmostEqual(response_rate, 200 / 3)
        self.assertAlmostEqual(resolution_rate, 200 / 3)
        self.assertAlmostEqual(response_hours, (1 + 27 + 1) / 3)
        # Pareto: complaints by root cause, the largest first
        pareto = Report._read_group(domain, ["root_cause_id"], ["ticket_count:sum"], order="ticket_count:sum desc")
        self.assertEqual(pareto, [(self.damaged, 2), (self.defect, 1)])
        by_customer = dict(Report._read_group(domain, ["partner_id"], ["resolution_hours:avg"]))
        self.assertAlmostEqual(by_customer[self.own], 6)
        # a salesperson reads the rows of their own customers only
        mine = Report.with_user(self.salesperson).search(domain)
        self.assertEqual(mine.ticket_id, on_time)
