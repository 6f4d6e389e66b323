#!/usr/bin/env bash
# A CI job's performance gate: builds the lab at BASE (a commit, tag or branch) and at the
# checkout's HEAD, measures both on one plan with `lab ab` (alternating them round by round, so
# the machine's drift falls on both), and exits as the gate does: 0 passed, 1 slower (or a cell
# missing), 3 disturbed, 4 cannot tell. On 3 or 4 it runs once more, with twice the rounds,
# and exits with that second answer. Any option after BASE goes to `lab ab` (and through it to
# each build's `lab run`); without --fail-if-slower it gates at 5%.
#
# In a package of your own whose executable calls LabCommandLine.main, copy this script into
# its Scripts/ folder and name the executable with --product (first after BASE).
#
# The base is checked out in a git worktree and built into the checkout's own .build (its
# binary copied aside), so that dependencies already built there are not built again; the
# checkout's own modules are then built again for HEAD.
# Usage: Scripts/ci-gate.sh BASE [--product NAME] [lab ab options]
#   Scripts/ci-gate.sh main --workloads primes,digest --repetitions 10 --fail-if-slower 5
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    echo "ci-gate: name the base revision: Scripts/ci-gate.sh BASE [--product NAME] [lab ab options]" >&2
    exit 2
fi
base=$1
shift
product=lab
if [ "${1-}" = "--product" ]; then
    if [ -z "${2-}" ]; then
        echo "ci-gate: --product needs the name of an executable product of this package" >&2
        exit 2
    fi
    product=$2
    shift 2
fi
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    echo "ci-gate: '$base' is not a revision of this repository; give a commit, tag or branch" >&2
    exit 2
fi
options=("$@")
case " ${options[*]-} " in
    *" --fail-if-slower "*) ;;
    *) options+=(--fail-if-slower 5) ;;
esac
rounds=10
for index in "${!options[@]}"; do
    if [ "${options[$index]}" = "--repetitions" ]; then rounds=${options[$((index + 1))]}; fi
done
root=$PWD
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1; rm -rf "$work"' EXIT
git worktree add --detach --quiet "$work/base" "$base" || exit 1
echo "ci-gate: building $product at $base and at HEAD (release)"
(cd "$work/base" && swift build -c release --product "$product" --scratch-path "$root/.build" >"$work/build.log" 2>&1) || {
    cat "$work/build.log" >&2
    echo "ci-gate: the base does not build" >&2
    exit 1
}
cp "$root/.build/release/$product" "$work/base-$product"
swift build -c release --product "$product" >"$work/build.log" 2>&1 || {
    cat "$work/build.log" >&2
    echo "ci-gate: HEAD does not build" >&2
    exit 1
}
# The run folders stay for the job to keep: Results/ci-gate-TIME/first (and again).
folder=Results/ci-gate-$(date -u +%Y%m%dT%H%M%SZ)
run_gate() {
    local out=$folder/$1
    shift
    ".build/release/$product" ab "$work/base-$product" ".build/release/$product" "$@" --out "$out"
}
mkdir -p "$folder"
run_gate first "${options[@]}"
status=$?
if [ "$status" -eq 3 ] || [ "$status" -eq 4 ]; then
    echo "ci-gate: status $status (3: disturbed, 4: cannot tell); once more with $((rounds * 2)) rounds"
    again=()
    skip=0
    for option in "${options[@]}"; do
        if [ "$skip" -eq 1 ]; then skip=0; continue; fi
        if [ "$option" = "--repetitions" ]; then skip=1; continue; fi
        again+=("$option")
    done
    run_gate again "${again[@]}" --repetitions $((rounds * 2))
    status=$?
fi
echo "ci-gate: exit $status; the runs are in $folder/"
exit "$status"
