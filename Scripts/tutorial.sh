#!/usr/bin/env bash
# The tutorial's first example, measured: three tasks sleeping 3, 2 and 1 s, one after another,
# on 3 threads, on 3 worker processes and as 3 async tasks. Expect about 6 s, 3 s, 3 s and 3 s
# (15 s in all).
# Usage: Scripts/tutorial.sh [extra lab run options, such as --out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product lab >/dev/null
exec .build/release/lab run --workloads sleep --set sleep.seconds=3,2,1 --workers 3 \
    --repetitions 1 --warmup 0 "$@"
