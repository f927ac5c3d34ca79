import { registry } from "@web/core/registry";

// The weekly sales report: "Export XLSX" in the pivot view, then in the list view.
registry.category("web_tour.tours").add("sales_admin_weekly_report_export_tour", {
    steps: () => [
        {
            content: "Export the pivot's search",
            trigger: ".o_pivot_view .o_control_panel .o_sales_admin_export_xlsx",
            run: "click",
        },
        {
            content: "The workbook is built",
            trigger: "body:not(:has(.o_blockUI)) .o_pivot_view",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Export the list's search",
            trigger: ".o_list_view .o_control_panel .o_sales_admin_export_xlsx",
            run: "click",
        },
        {
            content: "The workbook is built",
            trigger: "body:not(:has(.o_blockUI)) .o_list_view",
        },
    ],
});
