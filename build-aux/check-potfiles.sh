#!/usr/bin/env bash
# Fails when a TypeScript source that imports the gettext functions is not
# listed in po/POTFILES.typescript (its strings would never reach translators),
# or when a listed file no longer exists.
set -uo pipefail
cd "$(dirname "$0")/.."
listed=$(grep -v -e '^#' -e '^$' po/POTFILES.typescript | sort -u)
using=$(grep -rlE "import \{[^}]*\b(_|ngettext|pgettext)\b[^}]*\} from '[^']*i18n\.js'" src nautilus-extension --include=*.ts | sort -u)
status=0
for f in $(comm -13 <(echo "$listed") <(echo "$using")); do
    echo "not in po/POTFILES.typescript: $f"
    status=1
done
for f in $listed; do
    [ -e "$f" ] || { echo "listed in po/POTFILES.typescript but missing: $f"; status=1; }
done
[ $status -eq 0 ] && echo "po/POTFILES.typescript lists all $(echo "$using" | wc -l) translatable sources"
exit $status
