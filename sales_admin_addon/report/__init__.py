from . import sales_admin_ticket_report
