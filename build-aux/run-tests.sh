#!/usr/bin/env bash
# Runs every Meson test and closes with one line: "N passed, N failed, N skipped",
# counting each TAP result of the Jasmine suites and each plain test once.
set -uo pipefail
builddir=${1:-build}
shift || true
mkdir -p "$builddir/artifacts"
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
status=$?
python3 - "$builddir/meson-logs/testlog.json" "$status" <<'PY'
import json, re, sys
passed = failed = skipped = 0
try:
    entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except OSError:
    entries = []
for e in entries:
    if (e.get('stdout') or '').lstrip().startswith('TAP version'):
        seen = False
        for line in (e.get('stdout') or '').splitlines():
            if re.match(r'^not ok\b', line):
                failed += 1; seen = True
            elif re.match(r'^ok\b', line):
                seen = True
                if re.search(r'#\s*SKIP', line, re.I): skipped += 1
                else: passed += 1
        if not seen or e.get('result') not in ('OK', 'SKIP', 'EXPECTEDFAIL'):
            # A suite that crashed before reporting, or bailed out.
            if e.get('result') not in ('OK', 'SKIP'): failed += 1
    else:
        r = e.get('result')
        if r in ('OK', 'EXPECTEDFAIL'): passed += 1
        elif r == 'SKIP': skipped += 1
        else: failed += 1
if int(sys.argv[2]) != 0 and failed == 0:
    failed = 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
