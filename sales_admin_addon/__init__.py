from odoo.tools import SQL

from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """The reminders point at the reminder levels (a used level is kept: its reminders are the record of what was
    sent), so they go first, before the uninstall deletes the levels the module installed and drops the tables."""
    env.cr.execute(SQL("DELETE FROM sales_admin_reminder"))
    # an index of ours on a table of mass_mailing, which stays
    env.cr.execute(SQL("DROP INDEX IF EXISTS mailing_trace_sales_admin_res_index"))
