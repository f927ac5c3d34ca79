import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Builds a customer segment on a tag, then creates a newsletter for it: Create Mailing syncs the segment's list and
// opens the new mailing.
registry.category("web_tour.tours").add("sales_admin_segment_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sales_admin_addon.sales_admin_addon_menu_root", "Open the Sales Admin app"),
        {
            content: "Open the Marketing menu",
            trigger: '.o-dropdown[data-menu-xmlid="sales_admin_addon.sales_admin_addon_menu_marketing"]',
            run: "click",
        },
        {
            content: "Open the customer segments",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_admin_addon.sales_admin_segment_menu"]',
            run: "click",
        },
        {
            // the app opens on another list with its own New button: wait for the segments before clicking it
            content: "The segments are listed",
            trigger: ".o_breadcrumb .active:contains(Customer Segments)",
        },
        {
            content: "Define a segment",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Name the segment",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Tile Buyers",
        },
        {
            content: "Choose the tag",
            trigger: ".o_field_widget[name=category_ids] input",
            run: "edit Tour Tiles Tag",
        },
        {
            content: "Pick it from the list",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Tiles Tag)",
            run: "click",
        },
        {
            content: "The tag is chosen",
            trigger: ".o_field_widget[name=category_ids] .o_tag:contains(Tour Tiles Tag)",
        },
        {
            content: "Save the segment",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The segment is saved",
            trigger: ".o_breadcrumb .active:contains(Tour Tile Buyers)",
        },
        {
            content: "Create a mailing for it",
            trigger: ".o_statusbar_buttons button:contains(Create Mailing)",
            run: "click",
        },
        {
            content: "Write the subject",
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit Tiles for spring",
        },
        {
            content: "Create the mailing",
            trigger: ".modal-footer button[name=action_create_mailing]",
            run: "click",
        },
        {
            content: "The new mailing opens",
            trigger: ".o_breadcrumb .active:contains(Tiles for spring)",
        },
    ],
});
