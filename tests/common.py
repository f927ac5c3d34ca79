"""Shared fixtures of the sales_admin_addon test suite."""

import importlib.util

from odoo.service import server
from odoo.tests import new_test_user
from odoo.tests.common import _find_executable

from odoo.addons.base.tests.common import BaseCommon

ADDON = "sales_admin_addon"
GROUP_USER = f"{ADDON}.sales_admin_addon_group_user"
GROUP_MANAGER = f"{ADDON}.sales_admin_addon_group_manager"


class SalesAdminCommon(BaseCommon):
    """Base class: mail tracking off (``BaseCommon``), one user per role of the app."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin_user = new_test_user(
            cls.env, login="sa_user", name="Sales Admin User", groups=f"base.group_user,{GROUP_USER}"
        )
        cls.sales_admin_manager = new_test_user(
            cls.env, login="sa_manager", name="Sales Admin Manager", groups=f"base.group_user,{GROUP_MANAGER}"
        )
        cls.internal_user = new_test_user(cls.env, login="sa_internal", name="Plain Employee", groups="base.group_user")
        cls.portal_user = new_test_user(cls.env, login="sa_portal", name="Portal Customer", groups="base.group_portal")


class BrowserPiecesMixin:
    """For the browser tests (``HttpCase`` running tours): Odoo skips them silently when a piece is missing; this
    names it and fails."""

    def test_browser_pieces_present(self):
        self.assertTrue(importlib.util.find_spec("websocket"), "pip install websocket-client")
        self.assertTrue(_find_executable(), "no Chromium on the PATH (Debian: apt-get install chromium)")
        self.assertTrue(server.server, "no Odoo HTTP server: run pytest with --odoo-http")
