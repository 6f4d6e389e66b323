import Foundation
import Glibc
import LabCore

/// An 8-byte message there and back between the coordinator and a `lab calibrate-peer echo`
/// child over a transport's bare bytes: no frames, no tasks. The floor each transport puts
/// under the lab's per-task cost, and the CPU both sides burn for it.
struct RawRoundTrip {
    /// Mean wall time of one round trip, in seconds.
    var seconds: Double
    /// CPU time of both sides (coordinator and peer) per round trip, in seconds: about twice
    /// the wall time when both sides spin, far less when they sleep.
    var cpuSeconds: Double
}

/// Reads exactly `buffer.count` bytes; `false` at the end of the stream.
func readExactly<Source: ByteSource>(_ source: inout Source, into buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
    var received = 0
    while received < buffer.count {
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[received...]))
        if count == 0 { return false }
        received += count
    }
    return true
}

/// Writes every byte of `bytes` to a sink (`withUnsafeBytes` rethrows untyped errors).
func writeAll<Sink: ByteSink>(_ sink: inout Sink, _ bytes: [UInt8]) throws(SystemError) {
    try bytes.withUnsafeBytes { buffer in Result { () throws(SystemError) in try sink.write(buffer) } }.get()
}

/// CPU seconds (user and system) this process has used.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

extension CalibrationPeer {
    /// The peer's side: echoes every 8-byte message; at the end of the stream it answers
    /// with the CPU nanoseconds it used from its first message on, and exits.
    static func echo<Source: ByteSource, Sink: ByteSink>(_ source: inout Source, _ sink: inout Sink) -> Int32 {
        var message = [UInt8](repeating: 0, count: 8)
        var firstCPU: Double?
        do {
            while try message.withUnsafeMutableBytes({ try readExactly(&source, into: $0) }) {
                if firstCPU == nil { firstCPU = processCPUSeconds() }
                try writeAll(&sink, message)
            }
            let used = firstCPU.map { processCPUSeconds() - $0 } ?? 0
            try writeAll(&sink, withUnsafeBytes(of: UInt64((used * 1e9).rounded()).littleEndian) { Array($0) })
            return 0
        } catch {
            return 1
        }
    }

    /// `echo` over the transport the environment names (as a worker's), on the standard
    /// descriptors or, for `shm`, the region on standard input.
    static func serveEcho() -> Int32 {
        let transport = Platform.environmentValue(Transport.environmentVariable).flatMap(Transport.init(rawValue:)) ?? .pipe
        switch transport {
        case .pipe, .socketpair:
            var source = DescriptorSource(descriptor: STDIN_FILENO)
            var sink = DescriptorSink(descriptor: STDOUT_FILENO)
            return echo(&source, &sink)
        case .shm:
            guard let region = try? SharedRegion.attach(descriptor: STDIN_FILENO) else { return 1 }
            let parent = Platform.parentProcessID
            let spin = Platform.environmentValue(Transport.spinEnvironmentVariable).flatMap { Int($0) } ?? Transport.defaultSpinPolls
            let waiting = RingWaiting(spinPolls: spin, peerAlive: { Platform.parentProcessID == parent })
            var source = RingSource(region.requests, of: region, waiting: waiting)
            var sink = RingSink(region.replies, of: region, waiting: waiting)
            defer { sink.close() }
            return echo(&source, &sink)
        }
    }
}

extension Calibrator {
    /// Round trips with an echo peer over `transport`, after 1,000 unmeasured ones; the two
    /// processes pinned to `cpus` (coordinator, peer) when given.
    func rawRoundTrip(over transport: TransportSettings, cpus: (coordinator: Int, peer: Int)? = nil) throws -> RawRoundTrip {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: peer.executablePath)
        process.arguments = peer.arguments + ["echo"]
        var environment = ProcessInfo.processInfo.environment
        environment[Transport.environmentVariable] = transport.transport.rawValue
        environment[Transport.spinEnvironmentVariable] = String(transport.spinPolls)
        process.environment = environment
        // The coordinator gets back the CPUs it had, even when pinning the peer fails.
        let allowed = cpus == nil ? nil : try Platform.allowedCPUs()
        defer { if let allowed { try? Platform.setAllowedCPUs(allowed) } }
        switch transport.transport {
        case .pipe:
            let requests = try Platform.makePipe(closeOnExec: true)
            let replies = try Platform.makePipe(closeOnExec: true)
            process.standardInput = FileHandle(fileDescriptor: requests.read)
            process.standardOutput = FileHandle(fileDescriptor: replies.write)
            try launch(process, closing: [requests.read, replies.write], cpus: cpus)
            defer { Platform.close(replies.read) }
            var source = DescriptorSource(descriptor: replies.read)
            var sink = DescriptorSink(descriptor: requests.write)
            return try measure(&source, &sink, process: process) { Platform.close(requests.write) }
        case .socketpair:
            let (mine, theirs) = try Platform.makeSocketPair()
            process.standardInput = FileHandle(fileDescriptor: theirs)
            process.standardOutput = FileHandle(fileDescriptor: theirs)
            try launch(process, closing: [theirs], cpus: cpus)
            defer { Platform.close(mine) }
            var source = DescriptorSource(descriptor: mine)
            var sink = DescriptorSink(descriptor: mine)
            return try measure(&source, &sink, process: process) { _ = shutdown(mine, Int32(SHUT_WR)) }
        case .shm:
            let (region, descriptor) = try SharedRegion.create()
            process.standardInput = FileHandle(fileDescriptor: descriptor)
            try launch(process, closing: [descriptor], cpus: cpus)
            let waiting = RingWaiting(spinPolls: transport.spinPolls, peerAlive: { process.isRunning })
            var source = RingSource(region.replies, of: region, waiting: waiting)
            var sink = RingSink(region.requests, of: region, waiting: waiting)
            return try measure(&source, &sink, process: process) { [sink] in sink.close() }
        }
    }

    private func launch(_ process: Process, closing childEnds: [Int32], cpus: (coordinator: Int, peer: Int)?) throws {
        defer { childEnds.forEach(Platform.close) }
        try process.run()
        if let cpus {
            try Platform.setAllowedCPUs([cpus.coordinator])
            try Platform.setAllowedCPUs([cpus.peer], processID: process.processIdentifier)
        }
    }

    /// The exchanges, then the end of the requests and the peer's CPU answer.
    private func measure<Source: ByteSource, Sink: ByteSink>(
        _ source: inout Source, _ sink: inout Sink, process: Process, end: () -> Void
    ) throws -> RawRoundTrip {
        var message = [UInt8](repeating: 7, count: 8)
        func exchange(_ count: Int) throws {
            for _ in 0..<count {
                try writeAll(&sink, message)
                guard try message.withUnsafeMutableBytes({ try readExactly(&source, into: $0) }) else {
                    throw SystemError(call: "read", errno: EPIPE)
                }
            }
        }
        try exchange(1000)
        let cpuBefore = processCPUSeconds()
        let clock = Stopwatch()
        try exchange(roundTrips)
        let seconds = clock.elapsedSeconds
        let coordinatorCPU = processCPUSeconds() - cpuBefore
        end()
        var answer = [UInt8](repeating: 0, count: 8)
        guard try answer.withUnsafeMutableBytes({ try readExactly(&source, into: $0) }) else {
            throw LabFailure("the calibration peer did not report its CPU time")
        }
        process.waitUntilExit()
        // The peer's CPU counts from its first message: the warm-up's share is taken out in
        // proportion.
        let peerCPU = Double(UInt64(littleEndian: answer.withUnsafeBytes { $0.load(as: UInt64.self) })) / 1e9
        let measuredShare = Double(roundTrips) / Double(roundTrips + 1000)
        return RawRoundTrip(
            seconds: seconds / Double(roundTrips), cpuSeconds: (coordinatorCPU + peerCPU * measuredShare) / Double(roundTrips))
    }
}
