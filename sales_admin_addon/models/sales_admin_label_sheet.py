from odoo import api, fields, models
from odoo.exceptions import ValidationError

# page sizes in mm, portrait
PAPER_SIZES = {
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
}
PAPER_FORMATS = [
    ("a4", "A4"),
    ("letter", "US Letter"),
]
TOLERANCE = 0.01  # mm: sheet measurements are given to a hundredth of a millimetre
PAGE_SLACK = 1.0  # mm: the printed page is this much shorter than the paper, so a rounding never adds a blank page


class SalesAdminLabelSheet(models.Model):
    """A sheet of self-adhesive address labels: the page, the grid of labels on it and where the grid starts, as
    label makers give them on the packet (label size, top and left margins, and the pitch: the distance from one
    label to the same edge of the next, which is the label size plus the gap between labels)."""

    _name = "sales_admin.label.sheet"
    _description = "Address Label Sheet"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the sheet with all companies.")
    paper_format = fields.Selection(PAPER_FORMATS, default="a4", required=True)
    columns = fields.Integer(default=3, required=True)
    rows = fields.Integer(default=7, required=True)
    label_count = fields.Integer(string="Labels per Sheet", compute="_compute_label_count")
    label_width = fields.Float(string="Label Width (mm)", digits=(16, 2), required=True, default=63.5)
    label_height = fields.Float(string="Label Height (mm)", digits=(16, 2), required=True, default=38.1)
    margin_top = fields.Float(
        string="Top Margin (mm)", digits=(16, 2), default=15.15, help="From the top of the page to the first row."
    )
    margin_left = fields.Float(
        string="Left Margin (mm)", digits=(16, 2), default=7.25, help="From the left of the page to the first column."
    )
    horizontal_pitch = fields.Float(
        string="Horizontal Pitch (mm)",
        digits=(16, 2),
        required=True,
        default=66.04,
        help="From the left edge of a label to the left edge of the next one: the label width plus the gap.",
    )
    vertical_pitch = fields.Float(
        string="Vertical Pitch (mm)",
        digits=(16, 2),
        required=True,
        default=38.1,
        help="From the top edge of a label to the top edge of the one below: the label height plus the gap.",
    )
    padding = fields.Float(
        string="Padding (mm)", digits=(16, 2), default=4.0, help="Blank space kept inside each label's edges."
    )
    font_size = fields.Integer(string="Font Size (pt)", default=10, required=True)
    print_outlines = fields.Boolean(
        help="Draw the outline of each label: print a page on plain paper and hold it against a sheet of labels to "
        "check that the grid matches."
    )

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("columns", "rows")
    def _compute_label_count(self):
        for sheet in self:
            sheet.label_count = max(sheet.columns, 0) * max(sheet.rows, 0)

    @api.constrains(
        "paper_format",
        "columns",
        "rows",
        "label_width",
        "label_height",
        "margin_top",
        "margin_left",
        "horizontal_pitch",
        "vertical_pitch",
        "padding",
        "font_size",
    )
    def _check_layout(self):
        for sheet in self:
            if sheet.columns < 1 or sheet.rows < 1:
                raise ValidationError(
                    self.env._("Label sheet %(sheet)s needs at least one column and one row.", sheet=sheet.name)
                )
            if sheet.label_width <= 0 or sheet.label_height <= 0 or sheet.font_size <= 0:
                raise ValidationError(
                    self.env._(
                        "Label sheet %(sheet)s: the label width and height and the font size must be positive.",
                        sheet=sheet.name,
                    )
                )
            if sheet.margin_top < 0 or sheet.margin_left < 0 or sheet.padding < 0:
                raise ValidationError(
                    self.env._("Label sheet %(sheet)s: margins and padding cannot be negative.", sheet=sheet.name)
                )
            if (sheet.columns > 1 and sheet.horizontal_pitch < sheet.label_width - TOLERANCE) or (
                sheet.rows > 1 and sheet.vertical_pitch < sheet.label_height - TOLERANCE
            ):
                raise ValidationError(
                    self.env._(
                        "Label sheet %(sheet)s: the labels overlap. The horizontal pitch must be at least the label "
                        "width and the vertical pitch at least the label height.",
                        sheet=sheet.name,
                    )
                )
            if 2 * sheet.padding >= min(sheet.label_width, sheet.label_height):
                raise ValidationError(
                    self.env._("Label sheet %(sheet)s: the padding leaves no room on the label.", sheet=sheet.name)
                )
            page_width, page_height = sheet._get_page_size()
            width, height = sheet._get_grid_size()
            if width > page_width + TOLERANCE or height > page_height + TOLERANCE:
                raise ValidationError(
                    self.env._(
                        "Label sheet %(sheet)s does not fit on the page: its labels take %(width).1f × %(height).1f mm "
                        "from the page's top left corner, the page is %(page_width).1f × %(page_height).1f mm.",
                        sheet=sheet.name,
                        width=width,
                        height=height,
                        page_width=page_width,
                        page_height=page_height,
                    )
                )

    # ------------------------------------------------------------
    # Layout
    # ------------------------------------------------------------

    def _get_page_size(self):
        """(width, height) of the page in mm."""
        self.ensure_one()
        return PAPER_SIZES[self.paper_format]

    def _get_grid_size(self):
        """(width, height) in mm from the page's top left corner to the far edges of the last label."""
        self.ensure_one()
        width = self.margin_left + (self.columns - 1) * self.horizontal_pitch + self.label_width
        height = self.margin_top + (self.rows - 1) * self.vertical_pitch + self.label_height
        return width, height

    def _get_label_position(self, index):
        """(row, column, left, top) of the label at ``index`` (0-based, row by row) on its page; left and top in mm."""
        self.ensure_one()
        row, column = divmod(index % self.label_count, self.columns)
        return (
            row,
            column,
            self.margin_left + column * self.horizontal_pitch,
            self.margin_top + row * self.vertical_pitch,
        )

    # The geometry is written in percentages of the page's width and height, not in millimetres: wkhtmltopdf
    # scales the page to the paper (always with an unpatched Qt, which ignores --disable-smart-shrinking), and
    # a grid in percentages lands on the same millimetres whatever the scale. Only the font size is absolute.

    def _get_page_style(self):
        """CSS of a page: as wide as the paper, its height kept to the paper's proportion (a vertical padding in
        percent is a percentage of the width)."""
        self.ensure_one()
        page_width, page_height = self._get_page_size()
        return f"width: 100%; height: 0; padding-top: {(page_height - PAGE_SLACK) / page_width * 100:.4f}%;"

    def _get_label_style(self, left, top):
        """CSS placing a label whose top left corner is at (left, top) mm on the page."""
        self.ensure_one()
        page_width, page_height = self._get_page_size()
        page_height -= PAGE_SLACK
        return (
            f"left: {left / page_width * 100:.4f}%; top: {top / page_height * 100:.4f}%; "
            f"width: {self.label_width / page_width * 100:.4f}%; height: {self.label_height / page_height * 100:.4f}%; "
            f"padding: {self.padding / page_width * 100:.4f}%; font-size: {self.font_size}pt;"
        )

    def _get_report_xmlid(self):
        """The labels report printed on this sheet's paper (each report has its paper format, without margins)."""
        self.ensure_one()
        return f"sales_admin_addon.action_report_sales_admin_postal_labels_{self.paper_format}"
