from random import randint

from odoo import fields, models


class SalesAdminTagMixin(models.AbstractModel):
    """A coloured, translatable tag that can be archived (ticket tags, customer needs)."""

    _name = "sales_admin.tag.mixin"
    _description = "Sales Admin Tag"
    _order = "name"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: self._default_color())
    active = fields.Boolean(default=True)
