from . import calendar_event
from . import mail_activity
from . import res_company
from . import res_config_settings
from . import sales_admin_visit
from . import sales_admin_visit_outcome
from . import sales_admin_visit_type
