import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ListController } from "@web/views/list/list_controller";
import { listView } from "@web/views/list/list_view";

/**
 * "Export XLSX" in the control panel of the weekly sales report: the server builds the management workbook of
 * the current search (its domain, with the user's rights) and the browser downloads it. The pivot's part is in
 * ../weekly_report_export_pivot (the pivot view is in the lazy-loaded bundle).
 */
export function useWeeklyReportExport() {
    const orm = useService("orm");
    const ui = useService("ui");
    return async (domain) => {
        ui.block();
        try {
            const action = await orm.call("sales_admin.weekly.workbook", "action_export_xlsx", [domain]);
            // a download of the built file (no pop-up window, which a browser may block after a long build)
            await download({ url: action.url, data: {} });
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
