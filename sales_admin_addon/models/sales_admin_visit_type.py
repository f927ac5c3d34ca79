from odoo import fields, models


class SalesAdminVisitType(models.Model):
    _name = "sales_admin.visit.type"
    _description = "Visit Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    default_duration = fields.Float(default=1.0, help="Planned duration of a new visit of this type, in hours.")
    color = fields.Integer()

    _sql_constraints = [
        ("default_duration_positive", "CHECK(default_duration > 0)", "A visit type's duration must be positive."),
    ]
