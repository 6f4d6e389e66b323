#!/usr/bin/env bash
# Remakes the reference run that the docs embed: this machine's calibration (and the same
# held to one core), then the default plan with its unit costs, release build, into
# Results/reference (replacing it only when the new run succeeded), then refreshes the
# README's chart and overview table from it. Commit Results/reference and README.md after.
# Usage: Scripts/refresh-reference.sh [extra lab run options]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product lab >/dev/null
rm -rf Results/reference.new Results/calibration.new Results/calibration-one-core.new
# The machine's unit costs first, which the run's speedup stacks and predictions use (the run
# keeps a copy, calibration.csv); and
# the same machine held to one core (taskset), the "other machine" that lab predict's
# example predicts for.
.build/release/lab calibrate --out Results/calibration.new --quiet >/dev/null
taskset -c 0 .build/release/lab calibrate --out Results/calibration-one-core.new --quiet >/dev/null
.build/release/lab run --out Results/reference.new --calibration Results/calibration.new/calibration.csv "$@"
cp Results/calibration-one-core.new/calibration.csv Results/reference.new/calibration-one-core.csv
rm -rf Results/calibration.new Results/calibration-one-core.new
rm -rf Results/reference
mv Results/reference.new Results/reference
# The folder moved, so rebuild its derived files (they do not name the folder) and the README.
.build/release/lab report Results/reference --embed README.md >/dev/null
echo "refresh-reference: Results/reference and README.md updated; review and commit them"
