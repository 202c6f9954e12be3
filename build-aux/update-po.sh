#!/usr/bin/env bash
# Regenerates po/sigmavault.pot from po/POTFILES (data files, by their own
# xgettext parsers) and po/POTFILES.typescript (TypeScript, parsed as JavaScript,
# which xgettext 0.23 reads fine for _() calls), then merges every LINGUAS
# catalogue. Run inside the root: build-aux/in-root.sh build-aux/update-po.sh
set -euo pipefail
cd "$(dirname "$0")/../po"
files() { grep -v -e '^#' -e '^$' "$1" | sed 's|^|../|'; }
xgettext --from-code=UTF-8 --package-name=sigmavault --add-comments=Translators \
    --keyword=_ --keyword=N_ -o sigmavault.pot $(files POTFILES)
xgettext --from-code=UTF-8 --package-name=sigmavault --add-comments=Translators \
    --language=JavaScript --keyword=_ --keyword=ngettext:1,2 --keyword=pgettext:1c,2 \
    --join-existing -o sigmavault.pot $(files POTFILES.typescript)
while read -r lang; do
    [ -z "$lang" ] && continue
    msgmerge --quiet --update --backup=none "$lang.po" sigmavault.pot
done < LINGUAS
