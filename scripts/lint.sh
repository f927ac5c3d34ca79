#!/usr/bin/env bash
# Lint the tree: pre-commit's local hooks (ruff, pylint-odoo) over the files git tracks, or over the
# whole tree outside a git checkout.
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
export PATH="$VENV/bin:$PATH"
if git rev-parse --git-dir >/dev/null 2>&1; then
    PRE_COMMIT_HOME="$STATE_DIR/pre-commit" pre-commit run --all-files --show-diff-on-failure
else
    ruff check . && ruff format --check . && pylint --rcfile=.pylintrc "$ADDON"
fi
