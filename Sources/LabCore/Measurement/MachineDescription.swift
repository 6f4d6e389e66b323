/// The machine a run measured, as `run.json` records it.
package struct MachineDescription: Codable, Sendable, Equatable {
    package var cpuModel: String
    package var cores: Int
    package var memoryKiB: Int
    package var kernel: String
    package var hostname: String

    enum CodingKeys: String, CodingKey {
        case cores, kernel, hostname
        case cpuModel = "cpu_model"
        case memoryKiB = "memory_kib"
    }

    package init(cpuModel: String, cores: Int, memoryKiB: Int, kernel: String, hostname: String) {
        self.cpuModel = cpuModel
        self.cores = cores
        self.memoryKiB = memoryKiB
        self.kernel = kernel
        self.hostname = hostname
    }

    /// This machine, from /proc/cpuinfo, /proc/meminfo and `uname`.
    package static func current() -> MachineDescription {
        let cpuinfo = Platform.readSmallFile("/proc/cpuinfo") ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingWhitespace() } ?? "unknown"
        let meminfo = Platform.readSmallFile("/proc/meminfo") ?? ""
        let memory =
            meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first }
            .flatMap { Int($0) } ?? 0
        let names = Platform.systemNames()
        return MachineDescription(
            cpuModel: model, cores: Platform.activeProcessorCount, memoryKiB: memory,
            kernel: "\(names.system) \(names.release) \(names.machine)", hostname: names.node)
    }
}
