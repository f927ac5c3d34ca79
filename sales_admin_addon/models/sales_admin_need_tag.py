from odoo import fields, models


class SalesAdminNeedTag(models.Model):
    _name = "sales_admin.need.tag"
    _inherit = ["sales_admin.tag.mixin"]
    _description = "Customer Need Tag"

    description = fields.Text(translate=True, help="What the need means, for whoever reads it on a customer.")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A need tag with this name already exists."),
    ]
