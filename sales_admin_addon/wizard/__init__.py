from . import sales_admin_ticket_log_call
