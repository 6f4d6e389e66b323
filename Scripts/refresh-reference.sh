#!/usr/bin/env bash
# Remakes the reference run that the docs embed: the default plan, release build, into
# Results/reference (replacing it only when the new run succeeded), then refreshes the
# README's chart and overview table from it. Commit Results/reference and README.md after.
# Usage: Scripts/refresh-reference.sh [extra lab run options]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product lab >/dev/null
rm -rf Results/reference.new
.build/release/lab run --out Results/reference.new "$@"
rm -rf Results/reference
mv Results/reference.new Results/reference
# The folder moved, so rebuild its derived files (they do not name the folder) and the README.
.build/release/lab report Results/reference --embed README.md >/dev/null
echo "refresh-reference: Results/reference and README.md updated; review and commit them"
