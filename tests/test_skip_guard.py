"""The suite's guard: a test that Odoo skips for a missing piece fails the run instead of passing silently."""

from pathlib import Path

SKIPPING_TEST = """
import unittest


class TestBrowser(unittest.TestCase):
    def test_tour(self):
        raise unittest.SkipTest("Chrome executable not found")

    def test_plain(self):
        self.assertTrue(True)
"""


def test_a_skip_fails_the_run(pytester):
    pytester.makeconftest(Path(__file__).with_name("conftest.py").read_text())
    pytester.makepyfile(test_browser=SKIPPING_TEST)
    result = pytester.runpytest_subprocess("-p", "no:odoo", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_tour was skipped (*Chrome executable not found)*"])
    assert result.ret != 0
