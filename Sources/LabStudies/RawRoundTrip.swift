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

extension Calibrator {
    /// Round trips with an echo peer over `transport`, after 1,000 unmeasured ones; the two
    /// processes pinned to `cpus` (coordinator, peer) when given.
    func rawRoundTrip(
        over transport: TransportSettings, cpus: (coordinator: Int, peer: Int)? = nil
    ) throws -> RawRoundTrip {
        try withPeer("echo", over: transport, cpus: cpus) { source, sink, process, end in
            try measure(&source, &sink, process: process, end: end)
        }
    }

    /// One-way bandwidth over `transport` in bytes a second: `bytes` in 64 KiB writes to a
    /// `sink` peer, from the first write until the peer's count of them is back (after 4 MiB
    /// unmeasured, to fault in the buffers on both sides); the two processes pinned to `cpus`
    /// when given.
    func rawBandwidth(
        over transport: TransportSettings, bytes: Int, cpus: (coordinator: Int, peer: Int)? = nil
    ) throws -> Double {
        try withPeer("sink", over: transport, cpus: cpus) { source, sink, _, end in
            let chunk = [UInt8](repeating: 1, count: 65536)
            var sent = 0
            while sent < 4 << 20 {
                try sink.write(chunk)
                sent += chunk.count
            }
            let clock = Stopwatch()
            while sent < (4 << 20) + bytes {
                try sink.write(chunk)
                sent += chunk.count
            }
            end()
            var answer = [UInt8](repeating: 0, count: 8)
            guard try answer.withUnsafeMutableBytes({ try source.readFully(into: $0) }) else {
                throw LabFailure("the calibration peer did not report the bytes it read")
            }
            let seconds = clock.elapsedSeconds
            let counted = UInt64(littleEndian: answer.withUnsafeBytes { $0.load(as: UInt64.self) })
            guard counted == UInt64(sent) else {
                throw LabFailure(
                    "the calibration peer read \(counted) bytes of \(sent) over \(transport.kind.rawValue)")
            }
            return Double(bytes) / seconds
        }
    }

    /// Starts `lab calibrate-peer MODE` on `transport` (set up as for a worker: only the bytes
    /// that cross it differ), pinned to `cpus` when given, and runs `body` with the
    /// coordinator's source and sink, the peer's process and the function that ends the
    /// requests; waits for the peer when `body` is done.
    private func withPeer<T>(
        _ mode: String, over transport: TransportSettings, cpus: (coordinator: Int, peer: Int)?,
        _ body: (inout any ByteSource, inout any ByteSink, Platform.Subprocess, () -> Void) throws -> T
    ) throws -> T {
        let connection = try WorkerConnection.make(transport)
        // Ended once: after the exchanges, or here when they failed (a pipe closed twice
        // could close a descriptor that another thread opened meanwhile).
        var ended = false
        func endRequests() {
            if !ended { connection.end.endRequests() }
            ended = true
        }
        let process = Platform.Subprocess(
            peer.executablePath, arguments: peer.arguments + [mode], environment: connection.environment,
            input: connection.standardInput, output: connection.standardOutput)
        defer {
            endRequests()
            connection.end.release()
            if process.processID != 0 { process.wait() }
        }
        // The coordinator gets back the CPUs it had, even when pinning the peer fails.
        let allowed = cpus == nil ? nil : try Platform.allowedCPUs()
        defer { if let allowed { try? Platform.setAllowedCPUs(allowed) } }
        do {
            defer { connection.childDescriptors.forEach(Platform.close) }
            try process.run()
        }
        if let cpus {
            try Platform.setAllowedCPUs([cpus.coordinator])
            try Platform.setAllowedCPUs([cpus.peer], processID: process.processID)
        }
        switch connection.end {
        case .descriptors(let requests, let replies):
            var source: any ByteSource = DescriptorSource(descriptor: replies)
            var sink: any ByteSink = DescriptorSink(descriptor: requests)
            return try body(&source, &sink, process, endRequests)
        case .region(let region):
            let waiting = RingWaiting(transport, peerAlive: { process.isRunning })
            var source: any ByteSource = RingSource(region.replies, of: region, waiting: waiting)
            var sink: any ByteSink = RingSink(region.requests, of: region, waiting: waiting)
            return try body(&source, &sink, process, endRequests)
        }
    }

    /// The exchanges, then the end of the requests and the peer's CPU answer.
    private func measure<Source: ByteSource, Sink: ByteSink>(
        _ source: inout Source, _ sink: inout Sink, process: Platform.Subprocess, end: () -> Void
    ) throws -> RawRoundTrip {
        var message = [UInt8](repeating: 7, count: 8)
        func exchange(_ count: Int) throws {
            for _ in 0..<count {
                try sink.write(message)
                guard try message.withUnsafeMutableBytes({ try source.readFully(into: $0) }) else {
                    throw SystemError(call: "read", errno: EPIPE)
                }
            }
        }
        try exchange(1000)
        let cpuBefore = Platform.processUsage().cpuSeconds
        let clock = Stopwatch()
        try exchange(roundTrips)
        let seconds = clock.elapsedSeconds
        let coordinatorCPU = Platform.processUsage().cpuSeconds - cpuBefore
        end()
        var answer = [UInt8](repeating: 0, count: 8)
        guard try answer.withUnsafeMutableBytes({ try source.readFully(into: $0) }) else {
            throw LabFailure("the calibration peer did not report its CPU time")
        }
        process.wait()
        // The peer's CPU counts from its first message: the warm-up's share is taken out in
        // proportion.
        let peerCPU = Double(UInt64(littleEndian: answer.withUnsafeBytes { $0.load(as: UInt64.self) })) / 1e9
        let measuredShare = Double(roundTrips) / Double(roundTrips + 1000)
        return RawRoundTrip(
            seconds: seconds / Double(roundTrips),
            cpuSeconds: (coordinatorCPU + peerCPU * measuredShare) / Double(roundTrips))
    }
}
