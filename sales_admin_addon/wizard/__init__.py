from . import sales_admin_ticket_log_call
from . import sales_admin_reception_link
