import { Component } from "@odoo/owl";
import { formatDateTime } from "@web/core/l10n/dates";
import { localization } from "@web/core/l10n/localization";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** The time of a datetime without its date, in the user's time format: the round's cards are one day. */
export class VisitTimeField extends Component {
    static template = "sales_admin_addon.VisitTimeField";
    static props = { ...standardFieldProps };

    get formattedValue() {
        const value = this.props.record.data[this.props.name];
        return value ? formatDateTime(value, { format: localization.shortTimeFormat }) : "";
    }
}

registry.category("fields").add("sales_admin_time", {
    component: VisitTimeField,
    displayName: _t("Time"),
    supportedTypes: ["datetime"],
});
