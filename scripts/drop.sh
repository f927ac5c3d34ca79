#!/usr/bin/env bash
# make drop DB=name: drop a database and its filestore.
source "$(dirname "$0")/env.sh"
DB=${1:-${DB:-}}
[ -n "$DB" ] || die "name the database: make drop DB=name"
check_db_name "$DB"
pg_env dropdb --if-exists "$DB" || die "could not drop '$DB' (in use?)"
rm -rf "$DATA_DIR/filestore/$DB" "$STATE_DIR/$DB.addon-hash"
say "dropped '$DB'"
