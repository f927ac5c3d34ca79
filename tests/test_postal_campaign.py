"""Postal campaigns: address labels on a configurable sheet and a mail-merge workbook, for the members of a segment
or for partners selected in a list, at the customer's correspondence address when there is one."""

import io
import re
from pathlib import Path

import openpyxl
import polib
from PyPDF2 import PdfReader

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import ADDON, GROUP_MANAGER, SalesAdminCommon

PL_PO = Path(__file__).resolve().parent.parent / ADDON / "i18n" / "pl.po"
A4_REPORT = f"{ADDON}.report_sales_admin_postal_labels_a4"
LABEL_RE = re.compile(
    r'<div class="sales_admin_label(?: sales_admin_label_outlined)?" data-position="(\d+)" data-row="(\d+)" '
    r'data-column="(\d+)" style="left: ([\d.]+)%; top: ([\d.]+)%;[^"]*">(.*?)</div>\s*'
    r'(?=<div class="sales_admin_label[ "]|</div>)',
    re.S,
)
HEADERS = [
    "Title",
    "Name",
    "Company",
    "Contact Person",
    "Street",
    "Street 2",
    "ZIP",
    "City",
    "State / Province",
    "Country",
    "Email",
    "Phone",
    "Salesperson",
    "Language",
    "Customer Reference",
]


class PostalCampaignCommon(SalesAdminCommon):
    """A Polish company writes to four customers of a segment (tag "Katalog", consent given): Alfa (Warsaw, with a
    correspondence address: a P.O. box in Kraków), Beta (Berlin, no e-mail: still a member), Delta (a private
    customer in Gdańsk with a title) and Gamma (no street: skipped). Alfa has a contact person, Jan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.poland = cls.env.ref("base.pl")
        cls.germany = cls.env.ref("base.de")
        cls.company.country_id = cls.poland
        cls.salesman = new_test_user(
            cls.env, login="sa_postal_salesman", name="Handlowiec", groups="sales_team.group_sale_salesman"
        )
        cls.marketing_user = new_test_user(
            cls.env,
            login="sa_postal_marketing",
            name="Marketing",
            groups="base.group_user,mass_mailing.group_mass_mailing_user",
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Katalog"})
        Partner = cls.env["res.partner"]
        common = {"category_id": [Command.link(cls.tag.id)], "sales_admin_marketing_consent": True}
        cls.alfa = Partner.create(
            {
                **common,
                "name": "Alfa Sp. z o.o.",
                "is_company": True,
                "street": "ul. Główna 1",
                "zip": "00-001",
                "city": "Warszawa",
                "country_id": cls.poland.id,
                "email": "biuro@alfa.example.com",
                "phone": "+48 22 100 00 00",
                "ref": "K-001",
                "user_id": cls.salesman.id,
                "lang": "en_US",
            }
        )
        cls.alfa_box = Partner.create(
            {
                "name": "Skrytka",
                "type": "other",
                "parent_id": cls.alfa.id,
                "street": "Skrytka pocztowa 12",
                "zip": "30-960",
                "city": "Kraków",
                "country_id": cls.poland.id,
            }
        )
        cls.alfa.correspondence_partner_id = cls.alfa_box
        cls.jan = Partner.create(
            {
                "name": "Jan Kowalski",
                "parent_id": cls.alfa.id,
                "title": cls.env.ref("base.res_partner_title_mister").id,
                "email": "jan@alfa.example.com",
            }
        )
        cls.beta = Partner.create(
            {
                **common,
                "name": "Beta GmbH",
                "is_company": True,
                "street": "Hauptstraße 5",
                "street2": "Hinterhaus",
                "zip": "10115",
                "city": "Berlin",
                "country_id": cls.germany.id,
            }
        )
        cls.delta = Partner.create(
            {
                **common,
                "name": "Anna Nowak",
                "title": cls.env.ref("base.res_partner_title_madam").id,
                "street": "ul. Morska 7",
                "zip": "80-001",
                "city": "Gdańsk",
                "country_id": cls.poland.id,
                "mobile": "+48 600 000 000",
            }
        )
        cls.gamma = Partner.create(
            {**common, "name": "Gamma S.A.", "is_company": True, "city": "Poznań", "country_id": cls.poland.id}
        )
        cls.segment = cls.env["sales_admin.segment"].create(
            {"name": "Katalog 2027", "category_ids": [Command.link(cls.tag.id)]}
        )
        cls.sheet_3x7 = cls.env.ref(f"{ADDON}.sales_admin_label_sheet_a4_3x7")

    def _wizard(self, user=None, **vals):
        context = {} if "partner_ids" in vals else {"default_segment_id": self.segment.id}
        Wizard = self.env["sales_admin.postal.campaign"].with_user(user or self.salesman).with_context(**context)
        vals.setdefault("label_sheet_id", self.sheet_3x7.id)
        return Wizard.create(vals)

    def _labels(self, wizard):
        """[(position, row, column, left, top, text)] of the label cells in the report's HTML (left and top in mm
        from the page's corner, from the percentages of the page's width and height that place them), and the
        number of pages."""
        html = self.env["ir.actions.report"].with_user(wizard.env.user)._render_qweb_html(A4_REPORT, wizard.ids)[0]
        html = html.decode()
        page_width, page_height = 210.0, 297.0 - 1.0  # A4, the page 1 mm short of the paper
        labels = [
            (
                int(pos),
                int(row),
                int(col),
                round(float(left) * page_width / 100, 2),
                round(float(top) * page_height / 100, 2),
                re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", body)),
            )
            for pos, row, col, left, top, body in LABEL_RE.findall(html)
        ]
        self.assertEqual(len(labels), len(re.findall(r'class="sales_admin_label[ "]', html)), "every label is parsed")
        return labels, html.count('class="sales_admin_label_page"')


@tagged("post_install", "-at_install")
class TestPostalCampaign(PostalCampaignCommon):
    def test_recipients_and_skipped(self):
        wizard = self._wizard()
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(wizard.recipient_count, 3, "Alfa, Beta (no e-mail) and Delta")
        self.assertEqual(wizard.skipped_count, 1)
        self.assertEqual(wizard.skipped_partner_ids, self.gamma)
        self.assertEqual(wizard.sheet_count, 1)

    def test_form_from_the_segment(self):
        """The segment's "Postal Campaign" button opens the wizard on the segment; the counts show before printing."""
        action = self.env.ref(f"{ADDON}.sales_admin_postal_campaign_action")
        arch = self.env["sales_admin.segment"].with_user(self.salesman).get_views([(False, "form")])
        self.assertIn(f'name="{action.id}"', arch["views"]["form"]["arch"])
        Wizard = self.env["sales_admin.postal.campaign"].with_user(self.salesman)
        form = Form(Wizard.with_context(default_segment_id=self.segment.id))
        self.assertEqual(form.recipient_count, 3)
        self.assertEqual(form.skipped_count, 1)
        self.assertEqual(form.label_sheet_id, self.sheet_3x7, "the first sheet")
        self.assertEqual(form.sheet_count, 1)
        form.start_position = 20
        self.assertEqual(form.sheet_count, 2)
        form.output = "xlsx"
        wizard = form.save()
        self.assertEqual(wizard.segment_id, self.segment)
        self.assertEqual(wizard.output, "xlsx")

    def test_partner_list_binding(self):
        """ "Postal Campaign" in the action menu of a partner list, for salespeople and marketing users."""
        action = self.env.ref(f"{ADDON}.sales_admin_postal_campaign_action_partner")
        Actions = self.env["ir.actions.actions"]
        for user, shown in ((self.salesman, True), (self.marketing_user, True), (self.internal_user, False)):
            bindings = Actions.with_user(user).get_bindings("res.partner").get("action", [])
            self.assertEqual(action.id in [binding["id"] for binding in bindings], shown, user.name)
        context = safe_eval(action.context, {"active_ids": (self.delta | self.gamma).ids})
        wizard = self.env[action.res_model].with_user(self.salesman).with_context(**context).create({})
        self.assertEqual(wizard.partner_ids, self.delta | self.gamma)
        self.assertEqual((wizard.recipient_count, wizard.skipped_partner_ids), (1, self.gamma))
        report = self.env["ir.actions.report"]._get_report(A4_REPORT)
        self.assertEqual(
            safe_eval(report.print_report_name, {"object": wizard}), f"Address Labels - {wizard.create_date.date()}"
        )

    def test_labels_use_the_correspondence_address(self):
        labels, pages = self._labels(self._wizard())
        self.assertEqual(pages, 1)
        self.assertEqual(len(labels), 3)
        alfa = next(text for *_grid, text in labels if "Alfa" in text)
        beta = next(text for *_grid, text in labels if "Beta" in text)
        delta = next(text for *_grid, text in labels if "Nowak" in text)
        # Alfa: the P.O. box chosen as correspondence address, not the main address; no country at home
        self.assertIn("Skrytka pocztowa 12", alfa)
        self.assertIn("30-960 Kraków", alfa)
        self.assertNotIn("Główna", alfa)
        self.assertNotIn("Poland", alfa)
        # Beta: its own address, abroad: with the country, in the German layout
        self.assertIn("Hauptstraße 5", beta)
        self.assertIn("Hinterhaus", beta)
        self.assertIn("10115 Berlin", beta)
        self.assertIn("Germany", beta)
        # a private customer with her title
        self.assertIn("Mrs. Anna Nowak", delta)
        self.assertIn("80-001 Gdańsk", delta)
        self.assertFalse(any("Gamma" in text for *_grid, text in labels), "skipped: no street")
        # sorted for the post: at home by postcode, then abroad
        self.assertEqual([text.split()[0] for *_grid, text in labels], ["Alfa", "Mrs.", "Beta"])

    def test_contact_person_from_a_partner_list(self):
        """Partners selected in a list: a contact person is written to at the company's correspondence address,
        under its name; no segment, no note."""
        wizard = self._wizard(partner_ids=[Command.set((self.jan | self.gamma).ids)])
        self.assertFalse(wizard.segment_id)
        self.assertEqual(wizard.recipient_count, 1)
        self.assertEqual(wizard.skipped_partner_ids, self.gamma)
        labels, _pages = self._labels(wizard)
        [(*_grid, text)] = labels
        self.assertRegex(text, r"Alfa Sp\. z o\.o\. +Mr\. Jan Kowalski +Skrytka pocztowa 12 +30-960 Kraków")
        messages = self.env["mail.message"].search_count([])
        self.assertEqual(wizard.action_print()["type"], "ir.actions.report")
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        # without a correspondence address, the contact gets the address he shares with his company
        self.alfa.correspondence_partner_id = False
        labels, _pages = self._labels(self._wizard(partner_ids=[Command.set(self.jan.ids)]))
        self.assertIn("ul. Główna 1", labels[0][-1])
        self.assertNotIn("Skrytka", labels[0][-1])

    def test_grid_and_start_position(self):
        sheet = self.sheet_3x7
        # start at label 5 of a partly used sheet: 2nd row, 2nd column, then on along the row
        labels, pages = self._labels(self._wizard(start_position=5))
        self.assertEqual(pages, 1)
        self.assertEqual([label[:3] for label in labels], [(5, 1, 1), (6, 1, 2), (7, 2, 0)])
        _pos, _row, _col, left, top, _text = labels[0]
        self.assertAlmostEqual(left, sheet.margin_left + sheet.horizontal_pitch, places=2)
        self.assertAlmostEqual(top, sheet.margin_top + sheet.vertical_pitch, places=2)
        self.assertAlmostEqual(labels[2][3], sheet.margin_left, places=2)
        # the last two labels of a sheet: the third recipient starts the next sheet at its top left corner
        wizard = self._wizard(start_position=20)
        self.assertEqual(wizard.sheet_count, 2)
        labels, pages = self._labels(wizard)
        self.assertEqual(pages, 2)
        self.assertEqual([label[:3] for label in labels], [(20, 6, 1), (21, 6, 2), (1, 0, 0)])
        self.assertAlmostEqual(labels[2][3], sheet.margin_left, places=2)
        self.assertAlmostEqual(labels[2][4], sheet.margin_top, places=2)
        # another sheet: two columns of wider labels
        labels, _pages = self._labels(
            self._wizard(label_sheet_id=self.env.ref(f"{ADDON}.sales_admin_label_sheet_a4_2x7").id)
        )
        self.assertEqual([label[:3] for label in labels], [(1, 0, 0), (2, 0, 1), (3, 1, 0)])
        self.assertAlmostEqual(labels[1][3], 4.65 + 101.6, places=2)

    def test_start_position_beyond_the_sheet(self):
        for position in (0, 22):
            wizard = self._wizard(start_position=position)
            with self.assertRaisesRegex(UserError, "has labels 1 to 21"):
                wizard.action_print()
        self.assertFalse(self.segment.message_ids.filtered(lambda m: "labels" in (m.body or "")))

    def test_print_posts_a_note_on_the_segment(self):
        """A salesman reads segments without writing them: he prints, and the note is written in his name."""
        self.segment.message_ids.unlink()
        wizard = self._wizard()
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], A4_REPORT)
        self.assertEqual(action["context"]["active_ids"], wizard.ids)
        report = self.env["ir.actions.report"]._get_report(A4_REPORT)
        self.assertEqual(safe_eval(report.print_report_name, {"object": wizard}), "Address Labels - Katalog 2027")
        [message] = self.segment.message_ids
        self.assertEqual(message.author_id, self.salesman.partner_id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("Address labels printed for 3 recipients", message.body)
        self.assertIn("1 skipped", message.body)
        self.assertIn("Gamma S.A.", message.body)
        self.assertNotIn("Beta GmbH", message.body)
        with self.assertRaises(AccessError):
            self.segment.with_user(self.salesman).write({"name": "Renamed"})

    def test_no_recipient_with_an_address(self):
        self.alfa_box.street = False
        (self.alfa | self.beta | self.delta).write({"street": False})
        wizard = self._wizard()
        self.assertEqual(wizard.recipient_count, 0)
        for output in ("labels", "xlsx"):
            wizard.output = output
            with self.assertRaisesRegex(UserError, "None of the 4 selected partners has a complete postal address"):
                wizard.action_print()
        self.assertFalse(self.segment.message_ids.filtered(lambda m: "skipped" in (m.body or "")))
        self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", "sales_admin.postal.campaign")]))

    def test_real_pdf(self):
        """wkhtmltopdf draws each label where the sheet has it: with outlines on, the left and right edges of every
        frame are found in the PDF at their places in millimetres (within half a millimetre), and the third
        recipient starts the second page at the sheet's first label."""
        sheet = self.sheet_3x7
        sheet.print_outlines = True
        wizard = self._wizard(start_position=20)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(A4_REPORT, wizard.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 2)
        self.assertEqual([round(float(value)) for value in reader.pages[0].mediabox[2:]], [595, 842], "A4")
        last_row_top = sheet.margin_top + 6 * sheet.vertical_pitch
        expected = [
            [  # labels 20 and 21: the last row's second and third columns
                (sheet.margin_left + sheet.horizontal_pitch, last_row_top),
                (sheet.margin_left + sheet.horizontal_pitch + sheet.label_width, last_row_top),
                (sheet.margin_left + 2 * sheet.horizontal_pitch, last_row_top),
                (sheet.margin_left + 2 * sheet.horizontal_pitch + sheet.label_width, last_row_top),
            ],
            [(sheet.margin_left, sheet.margin_top), (sheet.margin_left + sheet.label_width, sheet.margin_top)],
        ]
        for page_number, edges in enumerate(expected):
            found = self._vertical_edges(reader.pages[page_number])
            self.assertEqual(len(found), len(edges), found)
            for (x, y, height), (left, top) in zip(found, edges, strict=True):
                self.assertAlmostEqual(x, left, delta=0.5, msg=found)
                self.assertAlmostEqual(y, top, delta=0.5, msg=found)
                self.assertAlmostEqual(height, sheet.label_height, delta=0.5, msg=found)

    @staticmethod
    def _vertical_edges(page):
        """(x, y, height) in mm from the page's top left corner of the vertical lines drawn on a page, sorted:
        wkhtmltopdf draws a border as filled rectangles ("x y w h re f") after a scaling ("a 0 0 a 0 ty cm"),
        inside its own scaling of 0.75 (CSS px to pt) from the top of the page."""
        content = page.get_contents().get_data().decode("latin-1")
        edges = []
        for scale, shift, x, y, width, height in re.findall(
            r"([\d.]+) 0 0 [\d.]+ 0 (-?[\d.]+) cm\s+(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re\s+f", content
        ):
            to_mm = 0.75 * 25.4 / 72
            scale = float(scale)
            x, y, width, height = (float(value) * scale * to_mm for value in (x, y, width, height))
            if width < 1 < height:
                edges.append((round(x, 2), round(y + float(shift) * to_mm, 2), round(height, 2)))
        return sorted(edges)

    def test_letter_sheet(self):
        sheet = self.env.ref(f"{ADDON}.sales_admin_label_sheet_letter_3x10")
        action = self._wizard(label_sheet_id=sheet.id).action_print()
        self.assertEqual(action["report_name"], f"{ADDON}.report_sales_admin_postal_labels_letter")
        report = self.env["ir.actions.report"]._get_report(action["report_name"])
        self.assertEqual(report.paperformat_id.format, "Letter")
        self.assertEqual(report.paperformat_id.margin_top, 0)
        # on US Letter paper, the grid lands on its millimetres too: the third label is the first row's third
        sheet.print_outlines = True
        wizard = self._wizard(label_sheet_id=sheet.id, start_position=3, partner_ids=[Command.set(self.delta.ids)])
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, wizard.ids)
        )
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual([round(float(value)) for value in reader.pages[0].mediabox[2:]], [612, 792], "US Letter")
        left = sheet.margin_left + 2 * sheet.horizontal_pitch
        found = self._vertical_edges(reader.pages[0])
        self.assertEqual(len(found), 2, found)
        for (x, y, height), edge in zip(found, (left, left + sheet.label_width), strict=True):
            self.assertAlmostEqual(x, edge, delta=0.5, msg=found)
            self.assertAlmostEqual(y, sheet.margin_top, delta=0.5, msg=found)
            self.assertAlmostEqual(height, sheet.label_height, delta=0.5, msg=found)


@tagged("post_install", "-at_install")
class TestPostalMailMerge(PostalCampaignCommon):
    def _export(self, wizard):
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(re.match(r"/web/content/(\d+)\?download=true", action["url"]).group(1))
        attachment = self.env["ir.attachment"].with_user(wizard.env.user).browse(attachment_id)
        return attachment, openpyxl.load_workbook(io.BytesIO(attachment.raw))

    def test_workbook_cell_by_cell(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.beta.write({"lang": "de_DE", "ref": "K-002", "user_id": self.salesman.id})
        wizard = self._wizard(output="xlsx")
        attachment, book = self._export(wizard)
        self.assertEqual(attachment.name, "Mail Merge - Katalog 2027.xlsx")
        self.assertFalse(attachment.res_id)
        sheet = book.active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[0], HEADERS)
        self.assertEqual(len(rows), 4, "a header and the three recipients; Gamma has no address")
        alfa, delta, beta = rows[1:]
        self.assertEqual(
            alfa,
            [
                None,
                "Alfa Sp. z o.o.",
                "Alfa Sp. z o.o.",
                None,
                "Skrytka pocztowa 12",
                None,
                "30-960",
                "Kraków",
                None,
                None,
                "biuro@alfa.example.com",
                "+48 22 100 00 00",
                "Handlowiec",
                "English (US)",
                "K-001",
            ],
        )
        self.assertEqual(
            delta,
            [
                "Madam",
                "Anna Nowak",
                None,
                None,
                "ul. Morska 7",
                None,
                "80-001",
                "Gdańsk",
                None,
                None,
                None,
                "+48 600 000 000",
                None,
                "English (US)",
                None,
            ],
        )
        self.assertEqual(
            beta,
            [
                None,
                "Beta GmbH",
                "Beta GmbH",
                None,
                "Hauptstraße 5",
                "Hinterhaus",
                "10115",
                "Berlin",
                None,
                "Germany",
                None,
                None,
                "Handlowiec",
                "German / Deutsch",
                "K-002",
            ],
        )
        # postcodes are text: leading zeros kept
        self.assertEqual(sheet["G2"].data_type, "s")
        note = self.segment.message_ids[0]
        self.assertIn("Mail merge exported for 3 recipients, 1 skipped", note.body)

    def test_contact_person_row(self):
        attachment, book = self._export(self._wizard(output="xlsx", partner_ids=[Command.set(self.jan.ids)]))
        row = [cell.value for cell in book.active[2]]
        self.assertEqual(
            row[:8],
            [
                "Mister",
                "Jan Kowalski",
                "Alfa Sp. z o.o.",
                "Jan Kowalski",
                "Skrytka pocztowa 12",
                None,
                "30-960",
                "Kraków",
            ],
        )
        self.assertEqual(row[10], "jan@alfa.example.com")
        self.assertEqual(row[12], "Handlowiec", "the company's salesperson")
        self.assertEqual(attachment.name[:10], "Mail Merge")

    def test_export_is_private(self):
        attachment, _book = self._export(self._wizard(output="xlsx"))
        self.assertTrue(attachment.with_user(self.salesman).raw)
        with self.assertRaises(AccessError):
            attachment.with_user(self.marketing_user).read(["raw"])

    def test_polish_headers(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        po = polib.pofile(str(PL_PO))
        wizard = self._wizard(output="xlsx").with_context(lang="pl_PL")
        _attachment, book = self._export(wizard)
        expected = [po.find(header).msgstr for header in HEADERS]
        self.assertTrue(all(expected), "every header is translated")
        self.assertEqual([cell.value for cell in book.active[1]], expected)
        self.assertEqual(book.sheetnames, [po.find("Recipients").msgstr])


@tagged("post_install", "-at_install")
class TestLabelSheet(PostalCampaignCommon):
    def test_data_sheets_fit(self):
        sheets = self.env["sales_admin.label.sheet"].search([])
        self.assertGreaterEqual(len(sheets), 4)
        self.assertEqual(self.sheet_3x7.label_count, 21)
        for sheet in sheets:
            width, height = sheet._get_grid_size()
            page_width, page_height = sheet._get_page_size()
            self.assertLessEqual(width, page_width, sheet.name)
            self.assertLessEqual(height, page_height, sheet.name)

    def test_constraints(self):
        Sheet = self.env["sales_admin.label.sheet"].with_user(self.marketing_user)
        good = {
            "name": "Moja",
            "paper_format": "a4",
            "columns": 2,
            "rows": 5,
            "label_width": 100,
            "label_height": 50,
            "margin_top": 10,
            "margin_left": 5,
            "horizontal_pitch": 100,
            "vertical_pitch": 55,
            "padding": 3,
            "font_size": 9,
        }
        sheet = Sheet.create(good)
        self.assertEqual(sheet.label_count, 10)
        for bad, message in (
            ({"columns": 3}, "does not fit on the page"),  # 5 + 2 × 100 + 100 = 305 mm on A4
            ({"rows": 6, "margin_top": 30}, "does not fit on the page"),  # 30 + 5 × 55 + 50 = 355 mm
            ({"paper_format": "letter", "rows": 5, "vertical_pitch": 57, "margin_top": 0}, None),  # 278 mm: fits
            ({"margin_left": 11}, "does not fit on the page"),  # 211 mm on 210
            ({"horizontal_pitch": 90}, "labels overlap"),
            ({"vertical_pitch": 49}, "labels overlap"),
            ({"rows": 0}, "at least one column and one row"),
            ({"label_width": 0}, "must be positive"),
            ({"font_size": -1}, "must be positive"),
            ({"margin_top": -1}, "cannot be negative"),
            ({"padding": 25}, "padding leaves no room"),
        ):
            if message is None:
                Sheet.create({**good, **bad})
                continue
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                Sheet.create({**good, **bad})
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                sheet.write(bad)
        sheet.invalidate_recordset()
        self.assertEqual(
            [sheet.columns, sheet.rows, sheet.margin_left, sheet.horizontal_pitch], [2, 5, 5, 100], "nothing written"
        )

    def test_access(self):
        manager = new_test_user(
            self.env, login="sa_postal_manager", name="Kierownik", groups=f"base.group_user,{GROUP_MANAGER}"
        )
        self.sheet_3x7.with_user(manager).font_size = 11
        self.sheet_3x7.with_user(self.marketing_user).font_size = 12
        # salespeople and sales administration users read the sheets and print on them
        self.assertEqual(self.sheet_3x7.with_user(self.salesman).font_size, 12)
        for user in (self.salesman, self.sales_admin_user):
            with self.assertRaises(AccessError):
                self.sheet_3x7.with_user(user).write({"font_size": 8})
        # a marketing user prints too
        self.assertEqual(self._wizard(user=self.marketing_user).recipient_count, 3)
        # portal and plain employees: nothing
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                self.sheet_3x7.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self._wizard(user=user)

    def test_other_company_sheet(self):
        other_company = self.env["res.company"].create({"name": "Inna Firma", "country_id": self.germany.id})
        other_sheet = self.sheet_3x7.copy({"name": "Arkusz innej firmy", "company_id": other_company.id})
        Sheet = self.env["sales_admin.label.sheet"].with_user(self.salesman)
        self.assertNotIn(other_sheet, Sheet.search([]))
        self.assertIn(self.sheet_3x7, Sheet.search([]), "the shared sheets")
        wizard = self._wizard()
        self.assertNotEqual(wizard.label_sheet_id, other_sheet)
        self.assertNotIn(other_sheet, Sheet.search(wizard._get_label_sheet_domain()))
        # even with access to both companies, a sheet of another company than the segment's is refused
        self.salesman.write({"company_ids": [Command.link(other_company.id)]})
        with self.assertRaises(UserError):
            self._wizard(label_sheet_id=other_sheet.id)
        # the other company's own segment prints on it
        segment = self.env["sales_admin.segment"].create(
            {"name": "Inna", "company_id": other_company.id, "category_ids": [Command.link(self.tag.id)]}
        )
        wizard = (
            self.env["sales_admin.postal.campaign"]
            .with_user(self.salesman)
            .with_context(allowed_company_ids=[other_company.id, self.company.id], default_segment_id=segment.id)
            .create({"label_sheet_id": other_sheet.id})
        )
        self.assertEqual(wizard.company_id, other_company)

    def test_recipients_read_in_bounded_queries(self):
        """Resolving the addresses of a segment reads in batches: 30 more members cost no more queries."""
        Partner = self.env["res.partner"]

        def add_members(count, prefix):
            companies = Partner.create(
                [
                    {
                        "name": f"{prefix} {index}",
                        "is_company": True,
                        "street": f"ul. Długa {index}",
                        "zip": f"00-{index:03d}",
                        "city": "Warszawa",
                        "country_id": self.poland.id,
                        "category_id": [Command.link(self.tag.id)],
                        "sales_admin_marketing_consent": True,
                    }
                    for index in range(count)
                ]
            )
            boxes = Partner.create(
                [
                    {
                        "name": "Skrytka",
                        "type": "other",
                        "parent_id": company.id,
                        "street": "Skrytka 1",
                        "zip": "00-950",
                        "city": "Warszawa",
                        "country_id": self.poland.id,
                    }
                    for company in companies
                ]
            )
            for company, box in zip(companies, boxes, strict=True):
                company.correspondence_partner_id = box

        def count_queries():
            self.env.invalidate_all()
            wizard = self._wizard()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            pages = wizard._get_label_pages()
            return self.env.cr.sql_log_count - before, sum(len(page) for page in pages)

        add_members(5, "Mały")
        small, small_labels = count_queries()
        add_members(35, "Duży")
        large, large_labels = count_queries()
        self.assertEqual(large_labels, small_labels + 35)
        self.assertLessEqual(large, small, f"{small} queries for {small_labels} labels, {large} for {large_labels}")
