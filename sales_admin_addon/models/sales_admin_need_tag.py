from random import randint

from odoo import fields, models


class SalesAdminNeedTag(models.Model):
    _name = "sales_admin.need.tag"
    _description = "Customer Need Tag"
    _order = "name"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: self._default_color())
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True, help="What the need means, for whoever reads it on a customer.")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A need tag with this name already exists."),
    ]
