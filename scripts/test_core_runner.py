"""Run Odoo's own test suites of some modules in the COMPLETE registry of a database (make test-core).

Called by scripts/test_core.sh as ``python test_core_runner.py <odoo server options>``; the options are odoo-bin's
(``-d``, ``--test-tags``, ``--stop-after-init``, ...). ODOO_SRC is Odoo's source, CORE_MODULES the modules whose
tests run (comma separated, in that order), CORE_POSITIONS the phases (default ``at_install,post_install``).

Why not plain ``odoo-bin --test-tags``: Odoo runs a module's at_install tests inside ``load_module_graph`` right
after loading that module, with a registry that holds only the modules loaded so far. On a database where
sales_admin_addon is installed, the at_install tests of ``sale`` would then run without our models, fields and
overrides in the registry, and would prove nothing about our addon. This runner is odoo-bin's own server (same
options, same HTTP server for the tours, same test loader and result object) with one change to
``preload_registries``: the registry is loaded with a tag filter that selects no test, then, with the whole
registry (our addon included), each module's at_install suite and then each module's post_install suite is built
by ``odoo.tests.loader.make_suite`` (honouring ``--test-tags``) and run by ``odoo.tests.loader.run_suite``, as
Odoo's loader does. Each test class opens its own cursor and enters the registry's test mode itself
(TransactionCase/HttpCase ``setUpClass``), as under odoo-bin.

Output: Odoo's usual log, plus one parseable line per module and phase::

    core-tests: module=sale position=at_install tests=12 failures=0 errors=0 skipped=0 seconds=3.2

and Odoo's final ``X failed, Y error(s) of Z tests when loading database 'db'`` line. Exit status 0 only when
every test passed (the shell script then compares the failures with the known-failures list).
"""

import logging
import os
import sys
import time

sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))

import odoo  # noqa: E402
from odoo.cli import server as cli_server  # noqa: E402
from odoo.service import server  # noqa: E402
from odoo.tools import config  # noqa: E402

_logger = logging.getLogger("odoo.tests.core_runner")

NO_TEST_TAG = "sales_admin_core_runner_selects_no_test"
DEFAULT_MODULES = "sale,sale_stock,sale_management,account,stock,mass_mailing,survey,calendar,portal"


def preload_registries(dbnames):
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tests import loader  # noqa: PLC0415

    modules = [m for m in os.environ.get("CORE_MODULES", DEFAULT_MODULES).split(",") if m]
    positions = [p for p in os.environ.get("CORE_POSITIONS", "at_install,post_install").split(",") if p]
    rc = 0
    for dbname in dbnames:
        tags = config["test_tags"]
        # test_enable stays on (Odoo derives it from --test-tags at parsing: test cursors, readonly pool), but no
        # test matches while the modules load, so none runs in a partial registry
        config["test_tags"] = NO_TEST_TAG
        try:
            registry = Registry.new(dbname)
        finally:
            config["test_tags"] = tags
        report = registry._assertion_report
        missing = []
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            installed = set(env["ir.module.module"].search([("state", "=", "installed")]).mapped("name"))
            missing = [m for m in modules if m not in installed]
            if missing:
                _logger.error("core-tests: modules not installed in %s: %s", dbname, ",".join(missing))
                rc += 1
                continue
            _logger.info(
                "core-tests: database %s, sales_admin_addon installed: %s", dbname, "sales_admin_addon" in installed
            )
        assets_ready = False
        t_all = time.time()
        for position in positions:
            for module in modules:
                suite = loader.make_suite([module], position)
                if not assets_ready and suite.has_http_case():
                    with registry.cursor() as cr:
                        odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["ir.qweb"]._pregenerate_assets_bundles()
                    assets_ready = True
                t0 = time.time()
                _logger.info("core-tests: starting module=%s position=%s", module, position)
                result = loader.run_suite(suite, global_report=report)
                report.update(result)
                _logger.info(
                    "core-tests: module=%s position=%s tests=%d failures=%d errors=%d skipped=%d seconds=%.1f",
                    module,
                    position,
                    result.testsRun,
                    result.failures_count,
                    result.errors_count,
                    result.skipped,
                    time.time() - t0,
                )
        _logger.info("core-tests: %d tests in %.0fs", report.testsRun, time.time() - t_all)
        report.log_stats()
        if not report.wasSuccessful():
            rc += 1
    return rc


server.preload_registries = preload_registries

if __name__ == "__main__":
    cli_server.main(sys.argv[1:])
