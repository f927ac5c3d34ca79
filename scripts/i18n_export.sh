#!/usr/bin/env bash
# make i18n-export: export the addon's terms into i18n/sales_admin_addon.pot (from a scratch database with the
# addon installed) and merge the .pot into pl.po, keeping its translations.
source "$(dirname "$0")/env.sh"
DB=${I18N_DB:-sales_admin_i18n}
bash "$REPO_ROOT/scripts/setup.sh" --test
pg_env dropdb --if-exists "$DB" >/dev/null
odoo_bin -d "$DB" -i "$ADDON" --without-demo=all --stop-after-init --no-http --log-level=warn ||
    die "installing $ADDON into '$DB' failed"
pot="$REPO_ROOT/$ADDON/i18n/$ADDON.pot"
odoo_bin -d "$DB" --i18n-export="$pot" --modules="$ADDON" --language= --stop-after-init --no-http --log-level=warn ||
    die "exporting the terms failed"
"$VENV/bin/python" - "$pot" "$REPO_ROOT/$ADDON/i18n/pl.po" <<'PY'
import sys
from pathlib import Path

import polib

pot_path, po_path = sys.argv[1:]
pot = polib.pofile(pot_path)
po = polib.pofile(po_path) if Path(po_path).exists() else polib.POFile()
po.merge(pot)
po.metadata.update({
    "Project-Id-Version": "Odoo Server 18.0",
    "Language": "pl",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
})
po[:] = [entry for entry in po if not entry.obsolete]
po.save(po_path)
missing = [entry.msgid for entry in po if not entry.msgstr]
print(f"{len(pot)} terms; {len(missing)} without a Polish translation in pl.po")
for msgid in missing:
    print("  missing:", msgid.splitlines()[0][:100])
PY
pg_env dropdb --if-exists "$DB" >/dev/null
rm -rf "$DATA_DIR/filestore/$DB"
