#!/usr/bin/env bash
# Remakes what the pages show of the lab's output, so that no page shows what this version
# would not print: every sample (between <!-- lab:sample COMMAND --> markers: the command is
# run again with a release build, in a fresh folder beside Results/reference), every options
# table (<!-- lab:options COMMAND -->, from the specs that make --help), and the front page's
# chart and overview table from the reference run. With --reference it first remakes the
# reference run itself (Scripts/refresh-reference.sh, about a minute). Samples of the long
# commands take their time: about 8 minutes in all on 2 cores. Review the diff and commit.
# With --tables it remakes the options tables alone (after a change of help text), the samples
# as they are; with --only COMMAND only that command's samples (and the tables), so that a
# change to one command's output leaves the other samples, and the figures the prose cites
# from them, as they are.
# Usage: Scripts/refresh-docs.sh [--reference | --tables | --only COMMAND] [PAGE...]   (default: every page in git)
set -euo pipefail
cd "$(dirname "$0")/.."
only=()
if [ "${1:-}" = "--reference" ]; then
    shift
    Scripts/refresh-reference.sh
elif [ "${1:-}" = "--tables" ]; then
    shift
    only=(--tables)
elif [ "${1:-}" = "--only" ]; then
    if [ -z "${2:-}" ]; then
        echo "refresh-docs: --only needs a command name, such as calibrate" >&2
        exit 2
    fi
    only=(--only "$2")
    shift 2
fi
if ! built=$(swift build -c release --product lab 2>&1); then
    echo "$built" >&2
    echo "refresh-docs: the release build failed; nothing was refreshed" >&2
    exit 1
fi
if [ "$#" -gt 0 ]; then
    pages=("$@")
else
    mapfile -t pages < <(git ls-files '*.md' | grep -v '^Results/reference/')
fi
.build/release/lab refresh-docs "${only[@]}" "${pages[@]}"
.build/release/lab report Results/reference --embed README.md >/dev/null
echo "refresh-docs: ${#pages[@]} pages refreshed; review the diff and commit"
