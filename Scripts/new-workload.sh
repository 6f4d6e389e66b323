#!/usr/bin/env bash
# Scaffolds a workload: writes Workloads/<Type>.swift from a commented template, adds the type
# to the one registry list (Workloads/BuiltinWorkloads.swift), builds, and says what to do next.
#
# Usage: Scripts/new-workload.sh NAME KIND
#   NAME  the name users type: lowercase letters and digits, words joined by '-' (my-work)
#   KIND  cpu, io, memory or mixed
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: Scripts/new-workload.sh NAME KIND (KIND: cpu, io, memory, mixed)"
if [ $# -ne 2 ]; then
    echo "new-workload: expected a NAME and a KIND; $usage" >&2
    exit 2
fi
name=$1
kind=$2

if ! [[ $name =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]]; then
    echo "new-workload: '$name' is not a valid workload name; use lowercase letters and digits, words joined by '-' (my-work)" >&2
    exit 2
fi
case $kind in
    cpu|io|memory|mixed) ;;
    *) echo "new-workload: unknown kind '$kind'; kinds: cpu, io, memory, mixed" >&2; exit 2 ;;
esac

# my-work -> MyWork
type=""
IFS='-' read -ra words <<< "$name"
for word in "${words[@]}"; do type+="${word^}"; done

registry=Workloads/BuiltinWorkloads.swift
file=Workloads/$type.swift
if grep -rqs --include='*.swift' "static let name = \"$name\"" Workloads; then
    echo "new-workload: a workload named '$name' exists already; known: $(grep -rhos --include='*.swift' 'static let name = "[^"]*"' Workloads | sed 's/.*= "\(.*\)"/\1/' | sort | tr '\n' ' ')" >&2
    exit 2
fi
if [ -e "$file" ] || grep -rqsE --include='*.swift' "(struct|class|enum|protocol|typealias) $type\b" Sources Workloads; then
    echo "new-workload: the type name '$type' (from '$name') is taken already; choose another name" >&2
    exit 2
fi
if ! grep -q "// New workloads go above this line." "$registry"; then
    echo "new-workload: cannot find the marker line in $registry; add '    $type.self,' to its list by hand" >&2
    exit 1
fi

cat > "$file" <<SWIFT
import LabCore

/// TODO: one or two sentences: what $name does and what it shows about threads and processes.
///
/// The rules for a body (see the \`Workload\` protocol's documentation):
/// - deterministic: the same parameters and task index give the same checksum and result bytes
///   in every mode, which is how the lab proves every mode did the same work;
/// - no global mutable state: tasks run at once on threads, and in separate processes;
/// - fold everything you compute into the checksum, or a release build may skip the work;
/// - no printing to standard output (it is the worker's frame channel; it goes to stderr).
struct $type: Workload {
    static let name = "$name"
    static let kind = WorkloadKind.$kind
    static let summary = "TODO: one line shown by 'lab list'"
    static let parameters = [
        ParameterSpec(
            name: "steps", type: .integer(1...1_000_000_000), defaultValue: "5000000", quickValue: "100000", unit: "count",
            summary: "TODO: what this parameter means"),
    ]

    /// How many tasks a run has unless the user passes --tasks.
    static func defaultTaskCount(for parameters: Parameters) -> Int { 8 }

    let steps: Int

    init(parameters: Parameters, taskCount: Int) {
        steps = parameters.integer("steps")
    }

    /// Optional: bytes the coordinator makes for each task (they cross the pipe in process
    /// mode). Delete this to give tasks no input.
    func input(forTask index: Int) -> [UInt8] {
        []
    }

    func run(task index: Int, input: [UInt8]) throws -> TaskOutput {
        // TODO: the real work. This placeholder runs a dependent arithmetic chain.
        var state = UInt64(index) &+ 1
        for _ in 0..<steps {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        }
        // Result bytes to send back go in \`payload\`; the coordinator digests them too.
        return TaskOutput(checksum: state, units: UInt64(steps), payload: [])
    }

    // Optional: a body for the async mode that suspends instead of blocking while it waits.
    // func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput { ... }
}
SWIFT

sed -i "s|^\(\s*\)// New workloads go above this line.|\1$type.self,\n\1// New workloads go above this line.|" "$registry"

echo "new-workload: wrote $file and registered $type in $registry; building..."
if ! swift build --product lab 2>&1 | tail -n 20; then
    echo "new-workload: the build failed; fix $file and run 'swift build'" >&2
    exit 1
fi
cat <<NEXT

Next:
  1. Fill in the TODOs in $file: the work, its parameters, its summary.
  2. Look at it:   swift run lab list $name
  3. Try it:       swift run -c release lab run --workloads $name --quick
  4. Test it:      swift test   (every registered workload is checked in every mode)
NEXT
