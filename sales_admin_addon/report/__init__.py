from . import sales_admin_otif_report
from . import sales_admin_ticket_report
from . import sales_admin_aged_receivable_report
from . import sales_admin_weekly_report
from . import sales_admin_weekly_customer_report
from . import sales_admin_weekly_workbook
from . import sales_admin_survey_result
