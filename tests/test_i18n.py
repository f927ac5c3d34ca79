from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

from .common import ADDON

I18N = Path(__file__).resolve().parent.parent / ADDON / "i18n"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reader = TranslationModuleReader(cls.env.cr, modules=[ADDON])
        cls.terms = {source for module, _type, _name, _res_id, source, _value, _comments in reader if module == ADDON}

    def test_terms_exist(self):
        self.assertIn("Sales Admin", self.terms)

    def test_pot_is_current(self):
        pot = {entry.msgid for entry in polib.pofile(str(I18N / f"{ADDON}.pot")) if not entry.obsolete}
        self.assertEqual(
            sorted(self.terms - pot), [], "terms missing from the .pot: export it again (make i18n-export)"
        )
        self.assertEqual(sorted(pot - self.terms), [], "stale terms in the .pot: export it again (make i18n-export)")

    def test_polish_complete(self):
        po = polib.pofile(str(I18N / "pl.po"))
        translated = {
            entry.msgid for entry in po if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
        }
        self.assertEqual(sorted(self.terms - translated), [], "source strings without a Polish translation in pl.po")
