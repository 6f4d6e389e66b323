// swift-tools-version: 6.0
// The workload lab: measures when threads win and when processes win.
// Toolchain only: no package dependencies.
import PackageDescription

let package = Package(
    name: "WorkloadLab",
    products: [
        .executable(name: "lab", targets: ["lab"]),
        .library(name: "LabCore", targets: ["LabCore"]),
        .library(name: "LabReport", targets: ["LabReport"]),
    ],
    targets: [
        // The one call Swift cannot import (variadic prctl); nothing else belongs here.
        .target(name: "CLabSupport", path: "Sources/CLabSupport"),
        // The engine: workloads contract, the three modes, measurement, experiments. Never prints.
        .target(name: "LabCore", dependencies: ["CLabSupport"], path: "Sources/LabCore"),
        // The built-in workloads and the one list that registers them.
        .target(name: "Workloads", dependencies: ["LabCore"], path: "Workloads"),
        // CSV, ASCII chart and other views of the records a run produced.
        .target(name: "LabReport", dependencies: ["LabCore"], path: "Sources/LabReport"),
        // The command-line tool, also the worker child (`lab worker`, hidden).
        .executableTarget(
            name: "lab", dependencies: ["LabCore", "LabReport", "Workloads"], path: "Sources/lab"),
        .testTarget(name: "LabCoreTests", dependencies: ["LabCore"]),
        .testTarget(name: "WorkloadsTests", dependencies: ["Workloads", "LabCore"]),
        .testTarget(name: "LabReportTests", dependencies: ["LabReport", "LabCore"]),
        // Runs the built `lab` binary as a user would; depends on it so that `swift test` builds it.
        .testTarget(name: "LabEndToEndTests", dependencies: ["lab", "LabReport", "LabCore", "Workloads"]),
    ]
)
