import { registry } from "@web/core/registry";

// From an overdue customer's profile: prepare the payment reminder, preview it and send it now.
registry.category("web_tour.tours").add("sales_admin_reminder_tour", {
    steps: () => [
        {
            content: "Open the customer's profile",
            trigger: ".o_notebook .nav-link:contains(Profile)",
            run: "click",
        },
        {
            content: "Prepare the payment reminder",
            trigger: "button[name=action_sales_admin_prepare_reminder]",
            run: "click",
        },
        {
            content: "The reminder waits to be sent, at the first level",
            trigger: ".o_field_widget[name=level_id]:contains(Tour First Reminder)",
        },
        {
            content: "It lists the overdue invoice",
            trigger: ".o_field_widget[name=invoice_ids] .o_data_row:contains(INV/)",
        },
        {
            content: "Preview the e-mail",
            trigger: ".o_notebook .nav-link:contains(Preview)",
            run: "click",
        },
        {
            content: "The preview names the invoice",
            trigger: ".o_field_widget[name=preview_body]:contains(INV/)",
        },
        {
            content: "Send it now",
            trigger: "button[name=action_send_now]",
            run: "click",
        },
        {
            content: "The reminder is sent",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Sent)",
        },
    ],
});
