import io
from datetime import timedelta

import xlsxwriter
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

OUTPUTS = [
    ("labels", "Address Labels (PDF)"),
    ("xlsx", "Mail Merge (XLSX)"),
]
EXPORT_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIPPED_LISTED = 50  # names of skipped partners written in the segment's note; the others are counted


class SalesAdminPostalCampaign(models.TransientModel):
    """Address labels (PDF on a label sheet) or a mail-merge workbook for the members of a segment or for partners
    selected in a list. Each recipient is addressed at the correspondence address of the customer when there is
    one, else at the partner's own address; partners with no complete postal address are left out and listed."""

    _name = "sales_admin.postal.campaign"
    _description = "Postal Campaign"
    _check_company_auto = True

    segment_id = fields.Many2one("sales_admin.segment", check_company=True)
    partner_ids = fields.Many2many("res.partner", string="Partners")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="The sender: an address in this company's country is printed without the country.",
    )
    output = fields.Selection(OUTPUTS, default="labels", required=True)
    label_sheet_id = fields.Many2one(
        "sales_admin.label.sheet",
        compute="_compute_label_sheet_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    label_count = fields.Integer(related="label_sheet_id.label_count", string="Labels per Sheet")
    start_position = fields.Integer(
        string="Start at Label",
        default=1,
        help="To use up a sheet already partly used: the number of the first free label, counted row by row from "
        "the top left corner.",
    )
    recipient_count = fields.Integer(string="Recipients", compute="_compute_recipients")
    skipped_count = fields.Integer(string="Skipped", compute="_compute_recipients")
    skipped_partner_ids = fields.Many2many(
        "res.partner", string="Skipped (No Postal Address)", compute="_compute_recipients"
    )
    sheet_count = fields.Integer(string="Sheets", compute="_compute_recipients")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("segment_id")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.segment_id.company_id or wizard.company_id or self.env.company

    @api.depends("company_id")
    def _compute_label_sheet_id(self):
        Sheet = self.env["sales_admin.label.sheet"]
        for wizard in self:
            sheet = wizard.label_sheet_id
            if not sheet or (sheet.company_id and sheet.company_id != wizard.company_id):
                sheet = Sheet.search(wizard._get_label_sheet_domain(), limit=1)
            wizard.label_sheet_id = sheet

    @api.depends("segment_id", "partner_ids", "company_id", "label_sheet_id", "start_position")
    def _compute_recipients(self):
        for wizard in self:
            recipients, skipped = wizard._get_recipients()
            wizard.recipient_count = len(recipients)
            wizard.skipped_count = len(skipped)
            wizard.skipped_partner_ids = skipped
            count = wizard.label_sheet_id.label_count
            used = len(recipients) + max(wizard.start_position - 1, 0) if recipients else 0
            wizard.sheet_count = -(-used // count) if count else 0

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_print(self):
        """The labels PDF or the mail-merge workbook; a note on the segment says how many were printed."""
        self.ensure_one()
        recipients, skipped = self._check_recipients()
        if self.output == "labels":
            self._check_label_sheet()
            action = self.env.ref(self.label_sheet_id._get_report_xmlid()).report_action(self, config=False)
            action["close_on_report_download"] = True
            body = self.env._(
                "Address labels printed for %(count)s recipients on %(sheet)s, %(skipped)s skipped.",
                count=len(recipients),
                sheet=self.label_sheet_id.name,
                skipped=len(skipped),
            )
        else:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self._get_export_filename(),
                    "raw": self._build_mail_merge_workbook(recipients),
                    "mimetype": EXPORT_MIMETYPE,
                    "res_model": self._name,
                    "res_id": False,
                }
            )
            action = {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{attachment.id}?download=true",
                "target": "download",
            }
            body = self.env._(
                "Mail merge exported for %(count)s recipients, %(skipped)s skipped.",
                count=len(recipients),
                skipped=len(skipped),
            )
        self._log_on_segment(body, skipped)
        return action

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _get_label_sheet_domain(self):
        self.ensure_one()
        return [("company_id", "in", [False, self.company_id.id])]

    def _get_members(self):
        """The partners to write to: the segment's members (with or without e-mail) or the selected partners."""
        self.ensure_one()
        if self.segment_id:
            return self.segment_id._get_partners()
        return self.partner_ids

    def _get_postal_address(self, partner):
        """The partner whose address ``partner`` is written to, or None: the correspondence address chosen on the
        customer, else the partner's own address, else the customer's invoice or main address (a contact person
        without an address of his own)."""
        address = partner._get_correspondence_address()
        if address.type == "other" and address._has_postal_address():
            return address
        if partner._has_postal_address():
            return partner
        if address._has_postal_address():
            return address
        return None

    def _get_recipients(self):
        """([(partner, address)...], skipped partners): the members that can be written to, sorted for the post
        (country, then postcode, then name; the company's own country first), and those without a postal
        address."""
        self.ensure_one()
        recipients = []
        skipped = self.env["res.partner"]
        for partner in self._get_members():
            address = self._get_postal_address(partner)
            if address is None:
                skipped |= partner
            else:
                recipients.append((partner, address))
        home = self.company_id.country_id
        recipients.sort(
            key=lambda item: (
                item[1].country_id != home,
                item[1].country_id.name or "",
                item[1].zip or "",
                item[0].display_name or "",
                item[0].id,
            )
        )
        return recipients, skipped

    def _get_recipient_names(self, partner):
        """(company, contact person) of the envelope: a contact person of a company is written under its name."""
        commercial = partner.commercial_partner_id
        title = partner.title.shortcut or partner.title.name
        person = " ".join(part for part in (title, partner.name) if part)
        if commercial != partner and commercial.is_company:
            return commercial.name, person if partner.name else ""
        if partner.is_company:
            return partner.name, ""
        return "", person

    def _is_domestic(self, address):
        return address.country_id == self.company_id.country_id

    def _get_address_lines(self, address):
        """The address lines in the layout of the address's country; the country is left out when it is the
        sender's own (postal services ask for it on mail abroad only)."""
        address_format, args = address._prepare_display_address(without_company=True)
        if self._is_domestic(address):
            args["country_name"] = ""
        lines = (address_format % args).split("\n")
        return [line.strip() for line in lines if line.strip()]

    def _get_label_lines(self, partner, address):
        company, person = self._get_recipient_names(partner)
        return [line for line in (company, person) if line] + self._get_address_lines(address)

    # ------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------

    def _check_recipients(self):
        recipients, skipped = self._get_recipients()
        if not recipients:
            raise UserError(
                self.env._(
                    "None of the %(count)s selected partners has a complete postal address (street, city, country "
                    "and postcode): there is nothing to print.",
                    count=len(skipped),
                )
            )
        return recipients, skipped

    def _check_label_sheet(self):
        sheet = self.label_sheet_id
        if not sheet:
            raise UserError(self.env._("Choose the label sheet to print on."))
        if not 1 <= self.start_position <= sheet.label_count:
            raise UserError(
                self.env._(
                    "Start at label %(position)s: the sheet %(sheet)s has labels 1 to %(count)s.",
                    position=self.start_position,
                    sheet=sheet.name,
                    count=sheet.label_count,
                )
            )

    # ------------------------------------------------------------
    # Labels
    # ------------------------------------------------------------

    def _get_label_pages(self):
        """The labels page by page, for the report: lists of dicts (position on the sheet from 1, row, column, CSS
        style placing the label on the page, lines). The first page starts at the start position."""
        self.ensure_one()
        self._check_label_sheet()
        sheet = self.label_sheet_id
        recipients, _skipped = self._get_recipients()
        pages = []
        for index, (partner, address) in enumerate(recipients, start=self.start_position - 1):
            page, position = divmod(index, sheet.label_count)
            if page == len(pages):
                pages.append([])
            row, column, left, top = sheet._get_label_position(position)
            pages[page].append(
                {
                    "position": position + 1,
                    "row": row,
                    "column": column,
                    "style": sheet._get_label_style(left, top),
                    "lines": self._get_label_lines(partner, address),
                }
            )
        return pages

    # ------------------------------------------------------------
    # Mail merge
    # ------------------------------------------------------------

    def _get_mail_merge_columns(self):
        """(header, function of (partner, address) giving the cell's text) of each column, in order."""
        languages = dict(self.env["res.lang"].get_installed())
        return [
            (self.env._("Title"), lambda partner, address: partner.title.name or ""),
            (self.env._("Name"), lambda partner, address: partner.name or ""),
            (self.env._("Company"), lambda partner, address: self._get_recipient_names(partner)[0]),
            (
                self.env._("Contact Person"),
                lambda partner, address: partner.name if partner.commercial_partner_id != partner else "",
            ),
            (self.env._("Street"), lambda partner, address: address.street or ""),
            (self.env._("Street 2"), lambda partner, address: address.street2 or ""),
            (self.env._("ZIP"), lambda partner, address: address.zip or ""),
            (self.env._("City"), lambda partner, address: address.city or ""),
            (self.env._("State / Province"), lambda partner, address: address.state_id.name or ""),
            (
                self.env._("Country"),
                lambda partner, address: "" if self._is_domestic(address) else address.country_id.name or "",
            ),
            (self.env._("Email"), lambda partner, address: partner.email or ""),
            (self.env._("Phone"), lambda partner, address: partner.phone or partner.mobile or ""),
            (
                self.env._("Salesperson"),
                lambda partner, address: (partner.user_id or partner.commercial_partner_id.user_id).name or "",
            ),
            (self.env._("Language"), lambda partner, address: languages.get(partner.lang, "")),
            (self.env._("Customer Reference"), lambda partner, address: partner.commercial_partner_id.ref or ""),
        ]

    def _build_mail_merge_workbook(self, recipients):
        """The workbook as bytes: one row per recipient, every cell text (postcodes and phone numbers keep their
        leading zeros)."""
        stream = io.BytesIO()
        workbook = xlsxwriter.Workbook(stream, {"constant_memory": True})
        try:
            sheet = workbook.add_worksheet(self.env._("Recipients"))
            header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
            columns = self._get_mail_merge_columns()
            sheet.set_column(0, len(columns) - 1, 20)
            for col, (title, _value) in enumerate(columns):
                sheet.write_string(0, col, title, header)
            sheet.freeze_panes(1, 0)
            for row, (partner, address) in enumerate(recipients, start=1):
                for col, (_title, value) in enumerate(columns):
                    text = value(partner, address)
                    if text:
                        sheet.write_string(row, col, text)
            sheet.autofilter(0, 0, len(recipients), len(columns) - 1)
        finally:
            workbook.close()
        return stream.getvalue()

    def _get_export_filename(self):
        self.ensure_one()
        if self.segment_id:
            return self.env._("Mail Merge - %(segment)s.xlsx", segment=self.segment_id.name)
        return self.env._("Mail Merge %(date)s.xlsx", date=fields.Date.context_today(self))

    @api.autovacuum
    def _gc_exports(self):
        """Exports are downloaded at once: those older than a day are removed."""
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("create_date", "<", fields.Datetime.now() - timedelta(days=1)),
            ]
        ).unlink()

    # ------------------------------------------------------------
    # Log
    # ------------------------------------------------------------

    def _log_on_segment(self, body, skipped):
        """A note on the segment, with the skipped partners by name. Posted as superuser in the user's name: the
        salespeople who print for a segment may read it but not write on it, and the note is the record of what
        was sent."""
        if not self.segment_id:
            return
        if skipped:
            names = skipped[:SKIPPED_LISTED].mapped("display_name")
            if len(skipped) > SKIPPED_LISTED:
                names.append(self.env._("and %(count)s more", count=len(skipped) - SKIPPED_LISTED))
            body = Markup("%s<br/>%s<ul>%s</ul>") % (
                body,
                self.env._("No postal address:"),
                Markup().join(Markup("<li>%s</li>") % name for name in names),
            )
        self.segment_id.sudo().message_post(
            body=body, author_id=self.env.user.partner_id.id, subtype_xmlid="mail.mt_note"
        )
