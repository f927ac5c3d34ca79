import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// How long to wait for the device's position before checking in without it.
const POSITION_TIMEOUT_MS = 5000;

/**
 * The visit's "Check In" button: asks the browser for the GPS position (the user may refuse, the device may
 * have none) and checks the visit in with it, or without it.
 */
export class VisitCheckIn extends Component {
    static template = "sales_admin_addon.VisitCheckIn";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
    }

    getPosition() {
        if (!navigator.geolocation) {
            return Promise.resolve({});
        }
        return new Promise((resolve) => {
            navigator.geolocation.getCurrentPosition(
                ({ coords }) => resolve({ latitude: coords.latitude, longitude: coords.longitude }),
                () => resolve({}),
                { enableHighAccuracy: true, timeout: POSITION_TIMEOUT_MS, maximumAge: 60000 }
            );
        });
    }

    async onClick() {
        const record = this.props.record;
        if (!(await record.save())) {
            return;
        }
        const position = await this.getPosition();
        await this.orm.call(record.resModel, "action_check_in", [[record.resId]], position);
        await record.load();
    }
}

registry.category("view_widgets").add("sales_admin_visit_checkin", { component: VisitCheckIn });
