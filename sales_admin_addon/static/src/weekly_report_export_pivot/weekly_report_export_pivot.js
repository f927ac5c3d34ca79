import { registry } from "@web/core/registry";
import { PivotController } from "@web/views/pivot/pivot_controller";
import { pivotView } from "@web/views/pivot/pivot_view";
import { useWeeklyReportExport } from "@sales_admin_addon/weekly_report_export/weekly_report_export";

/** "Export XLSX" in the pivot of the weekly sales report (lazy-loaded bundle, as Odoo's pivot view). */
export class WeeklyReportPivotController extends PivotController {
    static template = "sales_admin_addon.WeeklyReportPivotView";

    setup() {
        super.setup();
        this.exportWorkbook = useWeeklyReportExport();
    }

    onClickExportXlsx() {
        return this.exportWorkbook(this.props.domain);
    }
}

registry.category("views").add("sales_admin_weekly_report_pivot", {
    ...pivotView,
    Controller: WeeklyReportPivotController,
});
