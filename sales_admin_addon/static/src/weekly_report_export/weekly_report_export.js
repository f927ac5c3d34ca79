import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ListController } from "@web/views/list/list_controller";
import { listView } from "@web/views/list/list_view";

/**
 * "Export XLSX" in the control panel of the weekly sales report: the server builds the management workbook of
 * the current search (its domain, with the user's rights) and streams it to the browser. The route only reads,
 * so Odoo serves it from the database replica when one is set. The pivot's part is in
 * ../weekly_report_export_pivot (the pivot view is in the lazy-loaded bundle).
 */
export function useWeeklyReportExport() {
    const ui = useService("ui");
    return async (domain) => {
        ui.block();
        try {
            // a download (no pop-up window, which a browser may block after a long build)
            await download({
                url: "/sales_admin/weekly_report/export.xlsx",
                data: { domain: JSON.stringify(domain) },
            });
        } finally {
            ui.unblock();
        }
    };
}

export class WeeklyReportListController extends ListController {
    static template = "sales_admin_addon.WeeklyReportListView";

    setup() {
        super.setup();
        this.exportWorkbook = useWeeklyReportExport();
    }

    onClickExportXlsx() {
        return this.exportWorkbook(this.props.domain);
    }
}

registry.category("views").add("sales_admin_weekly_report_list", {
    ...listView,
    Controller: WeeklyReportListController,
});
