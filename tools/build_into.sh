#!/bin/sh
# Build every report, the data summaries and every chart export, English and Spanish, into
# OUT (default: a temp folder), for comparing a change's outputs byte for byte with the
# committed reports/:
#   tools/build_into.sh /tmp/after && diff -r -x _executed -x _failed -x _screens -x .build-state.json reports /tmp/after
set -eu
OUT=${1:-$(mktemp -d)}
BIN=${BIN:-.venv/bin}
INCIDENT=${INCIDENT:-data/irs-dhs}
mkdir -p "$OUT"
"$BIN/taxfirewall" build --force --out "$OUT" >/dev/null
"$BIN/taxfirewall" summary --data "$INCIDENT" --out "$OUT/data-summary.md" >/dev/null
"$BIN/taxfirewall" summary --data "$INCIDENT" --lang es --out "$OUT/data-summary.es.md" >/dev/null
"$BIN/taxfirewall" export --data "$INCIDENT" --out "$OUT/charts" >/dev/null
"$BIN/taxfirewall" export --data "$INCIDENT" --lang es --out "$OUT/charts" >/dev/null
echo "$OUT"
