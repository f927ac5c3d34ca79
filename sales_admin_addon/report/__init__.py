from . import sales_admin_otif_report
