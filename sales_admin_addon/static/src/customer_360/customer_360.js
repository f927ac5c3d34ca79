import { Component, useState } from "@odoo/owl";
import { RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

const SEVERITY_CLASSES = {
    danger: "text-danger",
    warning: "text-warning",
    success: "text-success",
    info: "text-info",
    muted: "text-muted",
};

/**
 * The customer 360: a strip of the figures that matter about a customer (its commercial entity), each opening the
 * list behind it, and quick actions opening prefilled forms. The server (res.partner.get_sales_admin_360) reads
 * every figure with the user's rights and leaves out what the user may not see.
 *
 * On the partner form the customer is the record; elsewhere (reception) the option ``partner_field`` names the
 * many2one field holding it.
 */
export class SalesAdminCustomer360 extends Component {
    static template = "sales_admin_addon.Customer360";
    static props = {
        ...standardWidgetProps,
        partnerField: { type: String, optional: true },
    };
    static defaultProps = { partnerField: "id" };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null });
        this.partnerId = false;
        this.wasDirty = false;
        // load for the customer shown, again when it changes, and after the record is saved (or its changes
        // discarded): an edited customer's figures (billing data, payment method...) follow
        useRecordObserver(async (record, props) => {
            const partnerId = this.getPartnerId(record, props.partnerField);
            const saved = this.wasDirty && !record.dirty;
            this.wasDirty = record.dirty;
            if (partnerId !== this.partnerId || saved) {
                this.partnerId = partnerId;
                await this.load();
            }
        });
    }

    getPartnerId(record, partnerField) {
        if (partnerField === "id") {
            return record.resId || false;
        }
        const value = record.data[partnerField];
        return (value && value[0]) || false;
    }

    async load() {
        if (!this.partnerId) {
            this.state.data = null;
            return;
        }
        try {
            this.state.data = await this.orm.call("res.partner", "get_sales_admin_360", [[this.partnerId]]);
        } catch (error) {
            // another team's customer (or one of a company not switched on): no strip, the rest of the form works
            if (error instanceof RPCError && error.exceptionName === "odoo.exceptions.AccessError") {
                this.state.data = null;
                return;
            }
            throw error;
        }
    }

    severityClass(figure) {
        return SEVERITY_CLASSES[figure.severity] || "";
    }

    openFigure(figure) {
        if (figure.action) {
            this.actionService.doAction(figure.action);
        }
    }

    async runQuickAction(quickAction) {
        const action = await this.orm.call("res.partner", quickAction.method, [[this.state.data.partner_id]]);
        if (action) {
            await this.actionService.doAction(action, { onClose: () => this.load() });
        }
    }
}

export const salesAdminCustomer360 = {
    component: SalesAdminCustomer360,
    extractProps: ({ options }) => ({ partnerField: options.partner_field || "id" }),
};

registry.category("view_widgets").add("sales_admin_customer_360", salesAdminCustomer360);
