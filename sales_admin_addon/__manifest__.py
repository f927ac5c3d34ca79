{
    "name": "Sales Administration",
    "summary": "The daily work of a sales administrator: visits, orders, complaints, "
    "collections, targets and campaigns in one app",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-admin-addon/sales_admin_addon",
    "author": "Sales Admin Addon Team",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "account",
        "calendar",
        "contacts",
        "mail",
        "mass_mailing",
        "portal",
        "sale_management",
        "sale_stock",
        "survey",
    ],
    "data": [
        "security/sales_admin_addon_groups.xml",
        "security/ir.model.access.csv",
        "security/sales_admin_visit_security.xml",
        "data/ir_sequence_data.xml",
        "data/sales_admin_visit_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/res_partner_views.xml",
        "views/sales_admin_visit_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/sales_admin_addon_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/sales_admin_visit_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_admin_addon/static/src/**/*",
        ],
        "web.assets_tests": [
            "sales_admin_addon/static/tests/tours/**/*",
        ],
    },
}
