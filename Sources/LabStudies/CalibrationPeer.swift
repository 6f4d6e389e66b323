import Glibc
import LabCore

/// The other end of a raw transport for calibration: the `lab calibrate-peer` child. `echo`
/// sends every 8-byte message straight back (over the transport the environment names, see
/// ``serveEcho()``) and at the end reports its CPU time; `sink` reads to the end of the stream
/// over the same transport and answers with the byte count. Bare bytes only, no frames: the floor the lab is
/// compared to.
package enum CalibrationPeer {
    package static func serve(mode: String) -> Int32 {
        Platform.ignoreSignal(SIGPIPE)
        try? Platform.setParentDeathSignal(SIGKILL)
        var buffer = [UInt8](repeating: 0, count: 65536)
        switch mode {
        case "echo":
            return serveEcho()
        case "sink":
            return serve { source, sink in
                var total: UInt64 = 0
                while let count = try? buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), count > 0 {
                    total += UInt64(count)
                }
                return (try? sink.write(withUnsafeBytes(of: total.littleEndian) { Array($0) })) != nil ? 0 : 1
            }
        default:
            return 2
        }
    }

    /// The peer's side: echoes every 8-byte message; at the end of the stream it answers
    /// with the CPU nanoseconds it used from its first message on, and exits.
    static func echo<Source: ByteSource, Sink: ByteSink>(_ source: inout Source, _ sink: inout Sink) -> Int32 {
        var message = [UInt8](repeating: 0, count: 8)
        var firstCPU: Double?
        do {
            while try message.withUnsafeMutableBytes({ try source.readFully(into: $0) }) {
                if firstCPU == nil { firstCPU = Platform.processUsage().cpuSeconds }
                try sink.write(message)
            }
            let used = firstCPU.map { Platform.processUsage().cpuSeconds - $0 } ?? 0
            try sink.write(withUnsafeBytes(of: UInt64((used * 1e9).rounded()).littleEndian) { Array($0) })
            return 0
        } catch {
            return 1
        }
    }

    /// `echo` over the transport the environment names (see ``serve(_:)``).
    static func serveEcho() -> Int32 {
        serve { source, sink in echo(&source, &sink) }
    }

    /// `body` with the transport the environment names (as a worker's): the standard
    /// descriptors or, for `shm`, the rings of the region on standard input.
    static func serve(_ body: @escaping (inout any ByteSource, inout any ByteSink) -> Int32) -> Int32 {
        (try? TransportSettings.inherited.serve(Peer(body: body), requests: STDIN_FILENO, replies: { STDOUT_FILENO }))
            ?? 1
    }

    private struct Peer: TransportChild {
        let body: (inout any ByteSource, inout any ByteSink) -> Int32

        func serve<Source: ByteSource, Sink: ByteSink>(
            source: inout Source, sink: inout Sink, region: SharedRegion?
        ) -> Int32 {
            var source: any ByteSource = source
            var sink: any ByteSink = sink
            return body(&source, &sink)
        }
    }
}
