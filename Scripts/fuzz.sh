#!/usr/bin/env bash
# Fuzzes the lab's run-folder readers for a bounded time: every input is a run folder
# (results.csv, run.json, tasks.csv, lanes.csv; see Sources/LabReport/RunFolder/FolderFuzzing.swift), read
# and turned into everything `lab report`, `lab explain` and `lab compare` make of a folder.
#
#   Scripts/fuzz.sh [SECONDS]     fuzz for SECONDS (default 300), from the seeds in Tests/FolderCorpus
#
# It builds the fuzzer once (release, -sanitize=fuzzer, in .build-fuzz/), keeps what it learns in
# .build-fuzz/corpus/ for the next time, and stops at the first crash, hang (5 s an input) or
# runaway memory (2 GiB): libFuzzer then writes the input as Tests/FolderCorpus/crash-<sha1>
# (or timeout-, oom-), which `swift test` replays from then on. Mend the lab, keep the file.
# Exit status: 0 when the time ran out with no find, 1 on a find, 2 for a bad argument.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-300}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: '$seconds' is not a number of seconds; usage: Scripts/fuzz.sh [SECONDS]" >&2
    exit 2
fi

swift build -c release --product lab-fuzz --build-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING 2>&1 | grep -E "error|Compiling|complete" || true
fuzzer=.build-fuzz/release/lab-fuzz
[ -x "$fuzzer" ] || { echo "fuzz.sh: the fuzzer did not build" >&2; exit 1; }
mkdir -p .build-fuzz/corpus

set +e
"$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix=Tests/FolderCorpus/ .build-fuzz/corpus Tests/FolderCorpus 2>&1 | grep -E "^Done|^stat::|INFO: seed|Test unit written|ERROR|SUMMARY|==[0-9]+=="
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: a find (status $status); the input is in Tests/FolderCorpus (crash-, timeout- or oom-); swift test replays it"
    exit 1
fi
echo "fuzz.sh: no crash, hang or runaway memory in ${seconds} s"
