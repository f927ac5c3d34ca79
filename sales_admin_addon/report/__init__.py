from . import sales_admin_otif_report
from . import sales_admin_ticket_report
