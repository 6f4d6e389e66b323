import Glibc

/// CPU time, peak memory and context switches of a process, as `getrusage` and `/proc` say.
public struct ResourceUsage: Sendable, Equatable {
    public var userSeconds: Double = 0
    public var systemSeconds: Double = 0
    /// Peak resident set size in KiB (VmHWM where it is read from /proc).
    public var maxResidentKiB: Int = 0
    public var voluntaryContextSwitches: Int = 0
    public var involuntaryContextSwitches: Int = 0

    public init() {}

    public init(userSeconds: Double, systemSeconds: Double, maxResidentKiB: Int, voluntaryContextSwitches: Int, involuntaryContextSwitches: Int) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.maxResidentKiB = maxResidentKiB
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    /// What accumulated between `earlier` and `self` (times and switches; the peak is kept).
    public func since(_ earlier: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: userSeconds - earlier.userSeconds, systemSeconds: systemSeconds - earlier.systemSeconds,
            maxResidentKiB: maxResidentKiB,
            voluntaryContextSwitches: voluntaryContextSwitches - earlier.voluntaryContextSwitches,
            involuntaryContextSwitches: involuntaryContextSwitches - earlier.involuntaryContextSwitches)
    }
}

extension Platform {
    /// This process's usage so far, all threads included; `maxResidentKiB` is VmHWM, which
    /// ``resetPeakResident()`` can lower (ru_maxrss never goes down).
    /// The corresponding C function is `getrusage(RUSAGE_SELF)`.
    public static func processUsage() -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return ResourceUsage(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxResidentKiB: peakResidentKiB() ?? Int(usage.ru_maxrss),
            voluntaryContextSwitches: Int(usage.ru_nvcsw), involuntaryContextSwitches: Int(usage.ru_nivcsw))
    }

    /// VmHWM of this process in KiB, from /proc/self/status.
    public static func peakResidentKiB() -> Int? {
        guard let status = readSmallFile("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    /// Lowers VmHWM to the current resident size, so the next peak is this interval's own.
    /// Writes `5` to /proc/self/clear_refs (Linux); returns whether that worked.
    @discardableResult
    public static func resetPeakResident() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        return Glibc.write(descriptor, "5", 1) == 1
    }

    /// A small text file (such as one under /proc) read whole; `nil` when it cannot be opened
    /// or read.
    public static func readSmallFile(_ path: String) -> String? {
        try? readFile(atPath: path)
    }

    /// A text file read whole. A read error is thrown, never taken for the end of the file.
    /// - Throws: ``SystemError`` from `open` (such as `ENOENT`) or `read`.
    public static func readFile(atPath path: String) throws(SystemError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError(call: "open", errno: errno) }
        defer { Glibc.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let attempt = chunk.withUnsafeMutableBytes { buffer in Result { () throws(SystemError) in try Platform.read(descriptor, into: buffer) } }
            let count = try attempt.get()
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
