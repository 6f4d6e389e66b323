// swift-tools-version: 6.2
// The workload lab: measures when threads win and when processes win.
// Toolchain only: no package dependencies.
import PackageDescription

/// Release builds link the Swift runtime and Foundation into the `lab` binary, and `lab`
/// itself is a static executable: no dynamic loader runs when it starts. A worker process is
/// this binary, so a spawned pool's start-up is mostly the loader's work: measured on the
/// 2-core VM, spawn to ready 19-23 ms with the runtime in shared libraries, 4.7 ms with it
/// linked in; `lab --version` 3.2 ms as a position-independent executable that still loads
/// libc and libstdc++, 1.4 ms static; 256 spawned workers ready in 468 ms, then 233-252 ms.
/// It is linked by lld: GNU ld prints glibc's link-time notes for a static binary (`Using
/// 'dlopen' in statically linked applications requires at runtime the shared libraries from
/// the glibc version used for linking`, 18 of them, and Foundation's `mktemp`), lld does not.
/// The lab calls none of the name-service functions those notes are about (user, group and
/// host lookups), and it is built on the machine that runs it. Every module that imports
/// Foundation must be compiled with `-static-stdlib` too. Debug builds (and so `swift test`)
/// stay dynamic, as the test libraries need.
/// Each file imports what it uses (`MemberImportVisibility`): a member that Foundation adds
/// to a type is not visible to a file through another file's `import Foundation`.
let moduleSettings: [SwiftSetting] = [
    .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "WorkloadLab",
    products: [
        .executable(name: "lab", targets: ["lab"]),
        // The workload contract, for a package of your own that writes workloads.
        .library(name: "LabCore", targets: ["LabCore"]),
        // The whole command line, for a package of your own that adds its workloads.
        .library(name: "LabCommandLine", targets: ["LabCommandLine"]),
    ],
    targets: [
        // What Swift cannot import or express: variadic calls (prctl, the futex, memfd, epoll,
        // pidfd, close_range, perf_event_open), cpu_set_t macros, atomics on shared memory,
        // descriptors passed over a socket (SCM_RIGHTS), the child-signal descriptor and signal
        // masks, posix_spawn with its file actions. Nothing that Swift can say itself.
        .target(name: "CLabSupport", path: "Sources/CLabSupport"),
        // The engine: workloads contract, the four modes, measurement, experiments. Never prints.
        .target(
            name: "LabCore", dependencies: ["CLabSupport"], path: "Sources/LabCore",
            exclude: ["Execution/README.md", "Measurement/README.md", "Failure/README.md"],
            swiftSettings: moduleSettings),
        // The built-in workloads and the one list that registers them.
        .target(
            name: "Workloads", dependencies: ["LabCore"], path: "Workloads", exclude: ["README.md"],
            swiftSettings: moduleSettings),
        // CSV, ASCII chart and other views of the records a run produced.
        .target(
            name: "LabReport", dependencies: ["LabCore"], path: "Sources/LabReport",
            exclude: ["README.md", "a-folder-from-anyone.md", "the-gate.md"], swiftSettings: moduleSettings),
        // The studies built on the engine: the run session that owns a run folder's life, the
        // crossover scan, the benchmark and the calibration.
        .target(
            name: "LabStudies", dependencies: ["LabCore", "LabReport"], path: "Sources/LabStudies",
            exclude: ["README.md", "calibrate-and-bench.md", "downloads.md"], swiftSettings: moduleSettings),
        // The command line as a library: parsing, commands, progress; the worker child too.
        .target(
            name: "LabCommandLine", dependencies: ["LabCore", "LabReport", "LabStudies", "Workloads"],
            path: "Sources/LabCommandLine",
            exclude: ["README.md"], swiftSettings: moduleSettings),
        // The command-line tool, also the worker child (`lab worker`, hidden): one call.
        .executableTarget(
            name: "lab", dependencies: ["LabCommandLine"], path: "Sources/lab", swiftSettings: moduleSettings,
            linkerSettings: [.unsafeFlags(["-static-executable", "-use-ld=lld"], .when(configuration: .release))]),
        // The run-folder fuzzer (Scripts/fuzz.sh builds it with -sanitize=fuzzer) and, built as
        // usual, the replay of its inputs. No product: users never run it.
        .executableTarget(
            name: "lab-fuzz", dependencies: ["LabReport", "LabCore"], path: "Sources/lab-fuzz",
            swiftSettings: moduleSettings,
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld"], .when(configuration: .release))]),
        .testTarget(name: "LabCoreTests", dependencies: ["LabCore"]),
        .testTarget(name: "WorkloadsTests", dependencies: ["Workloads", "LabCore"]),
        .testTarget(name: "LabReportTests", dependencies: ["LabReport", "LabCore"]),
        .testTarget(name: "LabStudiesTests", dependencies: ["LabStudies", "LabReport", "LabCore"]),
        // Runs the built `lab` binary (and `lab-fuzz`) as a user would; depends on them so that
        // `swift test` builds them.
        .testTarget(
            name: "LabEndToEndTests",
            dependencies: ["lab", "lab-fuzz", "LabReport", "LabStudies", "LabCore", "Workloads"]),
    ]
)
