// swift-tools-version: 6.0
// A package of someone else's that uses the workload lab as a versioned dependency: it adds
// a workload of its own to the lab's whole command line (run, scale, crossover, explain, ...).
// The lab's end-to-end tests build it against a tagged copy of the lab (ConsumerTests).
import PackageDescription

// Where the lab's git repository is: the lab's own address, or a clone of it that carries a
// version tag. The package's identity is the last part of the address ("workload-lab").
let lab = Context.environment["WORKLOAD_LAB_URL"] ?? "https://github.com/your-team/workload-lab.git"

let package = Package(
    name: "LabConsumer",
    dependencies: [.package(url: lab, from: "0.9.0")],
    targets: [
        .executableTarget(
            name: "vowels",
            dependencies: [
                .product(name: "LabCommandLine", package: "workload-lab"),
                .product(name: "LabCore", package: "workload-lab"),
            ],
            // The lab's libraries are compiled for a static Swift runtime in release builds
            // (a worker process then starts in 5 ms instead of 20), so a release executable
            // that uses them links statically too (or builds with --static-swift-stdlib).
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))])
    ]
)
