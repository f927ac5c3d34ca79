"""The weekly report workbook: read back with openpyxl and checked cell by cell against hand-computed figures."""

import io
import re
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch

import openpyxl
import polib

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import ADDON, GROUP_MANAGER, SalesAdminCommon

PL_PO = Path(__file__).resolve().parent.parent / ADDON / "i18n" / "pl.po"
W1_DAY = date(2026, 11, 4)  # a Wednesday: in the same company week whether weeks start on Sunday or Monday
W2_DAY = date(2026, 11, 11)
PERIOD = (date(2026, 11, 2), date(2026, 11, 15))


class WeeklyWorkbookCommon(SalesAdminCommon):
    """Two salespersons of one team, two customers, one category. Week 1: Anna sells 2 x 100 to Alfa (invoiced
    on week 1, 120 of it paid on week 2), Bartek 300 to Beta, a cancelled order of Anna's (1000) counts for
    nothing; week 2: Anna sells 50 to Alfa. Anna's week-1 target: ordered 400, invoiced 100, collected 200."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.report_manager = new_test_user(
            cls.env, login="sa_wb_manager", name="Zarząd", groups=f"base.group_user,{GROUP_MANAGER}"
        )
        cls.anna = new_test_user(cls.env, login="sa_wb_anna", name="Anna", groups="sales_team.group_sale_salesman")
        cls.bartek = new_test_user(
            cls.env, login="sa_wb_bartek", name="Bartek", groups="sales_team.group_sale_salesman"
        )
        cls.accountant = new_test_user(
            cls.env, login="sa_wb_accountant", name="Księgowa", groups="base.group_user,account.group_account_invoice"
        )
        cls.team = cls.env["crm.team"].create({"name": "Północ"})
        cls.categ = cls.env["product.category"].create({"name": "Napoje"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Woda",
                "type": "service",
                "invoice_policy": "order",
                "categ_id": cls.categ.id,
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.alfa = cls.env["res.partner"].create({"name": "Alfa", "is_company": True})
        cls.beta = cls.env["res.partner"].create({"name": "Beta", "is_company": True})
        cls.week1 = cls.env["sales_admin.weekly.report"]._week_bounds(cls.company, W1_DAY)
        cls.week2 = cls.env["sales_admin.weekly.report"]._week_bounds(cls.company, W2_DAY)

        so1 = cls._order(cls.alfa, cls.anna, W1_DAY, 2, 100.0)
        cls._order(cls.beta, cls.bartek, W1_DAY, 1, 300.0)
        cancelled = cls._order(cls.alfa, cls.anna, W1_DAY, 10, 100.0)
        cancelled._action_cancel()
        cls._order(cls.alfa, cls.anna, W2_DAY, 1, 50.0)

        with freeze_time(date(2026, 11, 5)):
            invoice = so1._create_invoices()
            invoice.invoice_date = date(2026, 11, 5)
            invoice.action_post()
        with freeze_time(date(2026, 11, 12)):
            cls.env["account.payment.register"].with_user(cls.accountant).with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"amount": 120.0, "payment_date": date(2026, 11, 12), "payment_difference_handling": "open"}
            )._create_payments()

        cls.env["sales_admin.target"].create(
            {
                "user_id": cls.anna.id,
                "period_type": "week",
                "date_from": cls.week1[0],
                "phasing": "even",
                "target_ordered": 400.0,
                "target_invoiced": 100.0,
                "target_collected": 200.0,
            }
        )
        cls.env.flush_all()

    @classmethod
    def _order(cls, partner, user, day, quantity, price):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": cls.team.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        with freeze_time(datetime.combine(day, datetime.min.time()).replace(hour=10)):
            order.action_confirm()
        return order

    def _workbook(self, user, domain=None, period=PERIOD):
        content = self.env["sales_admin.weekly.workbook"].with_user(user)._build_workbook(domain or [], *period)
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def _rows(sheet):
        return [[cell.value for cell in row] for row in sheet.iter_rows()]


def week(day):
    return datetime.combine(day, datetime.min.time())


@tagged("post_install", "-at_install")
class TestWeeklyWorkbook(WeeklyWorkbookCommon):
    def test_sheets_headers_and_layout(self):
        book = self._workbook(self.report_manager)
        self.assertEqual(book.sheetnames, ["Summary", "By Salesperson", "By Team", "By Category", "By Customer"])
        summary = book["Summary"]
        self.assertEqual(summary.freeze_panes, "A5")
        self.assertEqual(summary["B2"].value, week(PERIOD[0]))
        self.assertEqual(summary["C2"].value, week(PERIOD[1]))
        self.assertEqual(
            [cell.value for cell in summary[4]],
            ["Company", "Currency", "Measure", "Actual", "Target", "Variance", "Attainment (%)", "Last Year"],
        )
        detail = book["By Salesperson"]
        self.assertEqual(detail.freeze_panes, "C2")
        self.assertEqual(
            [cell.value for cell in detail[1]],
            [
                "Company",
                "Salesperson",
                "Week",
                "Week Start",
                "Ordered",
                "Invoiced",
                "Collected",
                "Target Ordered",
                "Target Invoiced",
                "Target Collected",
                "Variance Ordered",
                "Variance Invoiced",
                "Variance Collected",
                "Attainment Ordered (%)",
                "Attainment Invoiced (%)",
                "Attainment Collected (%)",
                "Ordered Last Year",
                "Invoiced Last Year",
                "Collected Last Year",
            ],
        )
        self.assertEqual(book["By Customer"]["B1"].value, "Customer")
        self.assertGreater(detail.column_dimensions["B"].width, 30)
        # numbers are numbers, in the currency's format; attainment a fraction shown in percent
        self.assertEqual(detail["E2"].data_type, "n")
        self.assertIn(self.currency.symbol, detail["E2"].number_format)
        self.assertEqual(detail["N2"].number_format, "0.0%")

    def test_summary_totals(self):
        rows = self._rows(self._workbook(self.report_manager)["Summary"])[4:]
        name, currency = self.company.name, self.currency.name
        # ordered 200 + 300 + 50 (the cancelled order counts for nothing), invoiced 200, collected 120;
        # targets 400 / 100 / 200: variance 150 / 100 / -80, attainment 550/400, 200/100, 120/200
        self.assertEqual(
            rows,
            [
                [name, currency, "Ordered", 550.0, 400.0, 150.0, 1.375, 0.0],
                [name, currency, "Invoiced", 200.0, 100.0, 100.0, 2.0, 0.0],
                [name, currency, "Collected", 120.0, 200.0, -80.0, 0.6, 0.0],
            ],
        )

    def test_by_salesperson_cell_by_cell(self):
        rows = self._rows(self._workbook(self.report_manager)["By Salesperson"])[1:]
        name = self.company.name
        for row in rows:
            self.assertRegex(row[2], re.compile(r"^\d{4}-W\d{2}$"))
        self.assertEqual(
            [row[:2] + row[3:] for row in rows],
            [
                # Anna, week 1: ordered 200, invoiced 200, nothing collected; her targets
                [name, "Anna", week(self.week1[0]), 200.0, 200.0, 0.0, 400.0, 100.0, 200.0, -200.0, 100.0, -200.0]
                + [0.5, 2.0, 0.0, 0.0, 0.0, 0.0],
                # Anna, week 2: ordered 50, 120 collected, no target (no attainment)
                [name, "Anna", week(self.week2[0]), 50.0, 0.0, 120.0, 0.0, 0.0, 0.0, 50.0, 0.0, 120.0]
                + [None, None, None, 0.0, 0.0, 0.0],
                [name, "Bartek", week(self.week1[0]), 300.0, 0.0, 0.0, 0.0, 0.0, 0.0, 300.0, 0.0, 0.0]
                + [None, None, None, 0.0, 0.0, 0.0],
            ],
        )

    def test_by_customer_team_category(self):
        book = self._workbook(self.report_manager)
        customers = {(row[1], row[3]): row[4:7] for row in self._rows(book["By Customer"])[1:]}
        self.assertEqual(customers[("Alfa", week(self.week1[0]))], [200.0, 200.0, 0.0])
        self.assertEqual(customers[("Alfa", week(self.week2[0]))], [50.0, 0.0, 120.0])
        self.assertEqual(customers[("Beta", week(self.week1[0]))], [300.0, 0.0, 0.0])
        teams = {(row[1], row[3]): row[4:10] for row in self._rows(book["By Team"])[1:]}
        self.assertEqual(teams[("Północ", week(self.week1[0]))][:3], [500.0, 200.0, 0.0])
        self.assertEqual(teams[("Północ", week(self.week2[0]))][:3], [50.0, 0.0, 120.0])
        categories = {(row[1], row[3]): row[4:7] for row in self._rows(book["By Category"])[1:]}
        self.assertEqual(categories[("Napoje", week(self.week1[0]))], [500.0, 200.0, 0.0])
        # the totals of each sheet are those of the summary
        for title in ("By Salesperson", "By Team", "By Category", "By Customer"):
            rows = self._rows(book[title])[1:]
            self.assertAlmostEqual(sum(row[4] for row in rows), 550.0, msg=title)
            self.assertAlmostEqual(sum(row[5] for row in rows), 200.0, msg=title)
            self.assertAlmostEqual(sum(row[6] for row in rows), 120.0, msg=title)
            if title != "By Customer":
                self.assertAlmostEqual(sum(row[7] for row in rows), 400.0, msg=title)
        # targets are not set per customer: the customer sheet has the actual figures only
        self.assertEqual([cell.value for cell in book["By Customer"][1]][4:], ["Ordered", "Invoiced", "Collected"])

    def test_polish_headers(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        workbook = self.env["sales_admin.weekly.workbook"].with_user(self.report_manager).with_context(lang="pl_PL")
        book = openpyxl.load_workbook(io.BytesIO(workbook._build_workbook([], *PERIOD)))
        self.assertEqual(book.sheetnames, ["Podsumowanie", "Wg handlowca", "Wg zespołu", "Wg kategorii", "Wg klienta"])
        ordered = polib.pofile(str(PL_PO)).find("Ordered").msgstr
        self.assertTrue(ordered)
        self.assertEqual(book["Wg handlowca"]["E1"].value, ordered)
        self.assertEqual(book["Wg handlowca"]["H1"].value, f"Cel: {ordered}")
        self.assertEqual(book["Podsumowanie"]["C5"].value, ordered)

    def test_period_and_domain(self):
        book = self._workbook(self.report_manager, [("user_id", "=", self.bartek.id)])
        self.assertEqual([row[1] for row in self._rows(book["By Customer"])[1:]], ["Beta"])
        self.assertEqual([row[1] for row in self._rows(book["By Salesperson"])[1:]], ["Bartek"])
        self.assertEqual(self._rows(book["Summary"])[4][3], 300.0)
        # week 2 only
        book = self._workbook(self.report_manager, period=(self.week2[0], self.week2[1]))
        self.assertEqual(self._rows(book["Summary"])[4][3], 50.0)
        self.assertEqual({row[3] for row in self._rows(book["By Salesperson"])[1:]}, {week(self.week2[0])})

    def test_salesperson_reads_own_figures_only(self):
        book = self._workbook(self.anna)
        self.assertEqual({row[1] for row in self._rows(book["By Salesperson"])[1:]}, {"Anna"})
        self.assertNotIn("Beta", {row[1] for row in self._rows(book["By Customer"])[1:]})
        self.assertEqual(self._rows(book["Summary"])[4][3], 250.0)

    def test_export_button_action(self):
        action = (
            self.env["sales_admin.weekly.workbook"]
            .with_user(self.anna)
            .action_export_xlsx([("week_start", "=", self.week1[0])])
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(re.search(r"/web/content/(\d+)", action["url"]).group(1))
        attachment = self.env["ir.attachment"].with_user(self.anna).browse(attachment_id)
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        # the period is the weeks of the search, the figures Anna's own
        self.assertEqual(book["Summary"]["B2"].value, week(self.week1[0]))
        self.assertEqual(book["Summary"]["C2"].value, week(self.week1[1]))
        self.assertEqual(self._rows(book["Summary"])[4][3], 200.0)
        # nobody else reads it
        with self.assertRaises(AccessError):
            attachment.with_user(self.bartek).read(["raw"])

    def test_old_exports_vacuumed(self):
        Workbook = self.env["sales_admin.weekly.workbook"].with_user(self.anna)
        old, new = (int(Workbook.action_export_xlsx()["url"].split("/")[3].split("?")[0]) for _i in range(2))
        self.env.cr.execute("UPDATE ir_attachment SET create_date = now() - interval '2 days' WHERE id = %s", [old])
        self.env["ir.attachment"].invalidate_model()
        Workbook._gc_exports()
        self.assertEqual(self.env["ir.attachment"].browse([old, new]).exists().ids, [new])

    def test_query_count_does_not_grow_with_rows(self):
        workbook = self.env["sales_admin.weekly.workbook"].with_user(self.report_manager)

        def count_queries():
            # both runs cold: no record in the cache, no rule or group in the registry's caches
            self.env.invalidate_all()
            self.env.registry.clear_cache()
            before = self.env.cr.sql_log_count
            workbook._build_workbook([], *PERIOD)
            return self.env.cr.sql_log_count - before

        count_queries()  # what one process loads once (whatever ran before this test) is loaded now
        few = count_queries()
        for index in range(20):
            customer = self.env["res.partner"].create({"name": f"Klient {index}", "is_company": True})
            self._order(customer, self.bartek, W2_DAY, 1, 10.0 + index)
        self.env.flush_all()
        many = count_queries()
        # 20 more customers (and rows): a query per customer or row would add 20 or more; the record rules of a
        # model read for the first time in a run may add a couple (seen on a fresh database), never more
        self.assertLessEqual(many, few + 3)
        self.assertLessEqual(few, 40)


@tagged("post_install", "-at_install")
class TestWeeklyWorkbookExportTour(HttpCase):
    def test_export_button_tour(self):
        user = new_test_user(self.env, login="sa_wb_tour", name="Eksport", groups=f"base.group_user,{GROUP_MANAGER}")
        Workbook = type(self.env["sales_admin.weekly.workbook"])
        build_workbook = Workbook._build_workbook
        built = []

        def spy(workbook, *args, **kwargs):
            content = build_workbook(workbook, *args, **kwargs)
            built.append((workbook.env.uid, content))
            return content

        with patch.object(Workbook, "_build_workbook", spy):
            self.start_tour(
                "/odoo/action-sales_admin_addon.sales_admin_weekly_report_action",
                "sales_admin_weekly_report_export_tour",
                login=user.login,
            )
        # one workbook from the pivot, one from the list, each a real XLSX built for the user, nothing stored
        self.assertEqual([uid for uid, _content in built], [user.id, user.id])
        for _uid, content in built:
            self.assertEqual(openpyxl.load_workbook(io.BytesIO(content)).sheetnames[0], "Summary")
        exports = [("res_model", "=", "sales_admin.weekly.workbook"), ("create_uid", "=", user.id)]
        self.assertFalse(self.env["ir.attachment"].sudo().search(exports))
