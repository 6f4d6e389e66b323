import LabCore
import Synchronization

/// The tutorial's image site, on this machine: a small HTTP/1.1 server on 127.0.0.1 (a free
/// port, never another address) that answers `GET /image/<n>` with `bytes` deterministic
/// bytes after `latency` seconds, and nothing else.
///
/// Injected failures are stateless, so every mode and repetition meets the same ones: when
/// `failEvery` is n > 0, the first attempt at every n-th image (n-1, 2n-1, ...) answers
/// 503. The client says which attempt it is in the `X-Lab-Attempt` header.
///
/// One thread accepts; each connection gets a thread of its own and may stay open
/// (keep-alive). ``stop()`` wakes and joins them all.
package final class LocalImageServer: WorkloadFixture, @unchecked Sendable {
    // @unchecked: the only mutable state is behind `connections` (a Mutex); the rest is `let`.

    package let port: UInt16
    package let latencySeconds: Double
    package let bodyBytes: Int
    package let failEvery: Int
    private let listening: Int32
    private let stopped = Atomic<Bool>(false)
    /// Why the accept loop ended before ``stop()``, if it did.
    private let acceptFailure = Mutex<SystemError?>(nil)
    /// Set by a connection's thread as its last act, so that the accept loop can join it.
    private final class Finished: Sendable {
        let flag = Atomic<Bool>(false)
    }

    private let connections = Mutex<(sockets: Set<Int32>, threads: [(thread: JoinableThread, finished: Finished)])>(([], []))
    private var acceptThread: JoinableThread?

    /// The largest request head the server reads before it gives up on a client.
    static let maximumHeadBytes = 8192

    /// How the accept loop waits for a connection: `Platform.accept`, or a failing stand-in
    /// in the tests of what a failed `accept` does.
    private let accept: @Sendable (Int32) throws(SystemError) -> Int32

    /// Starts listening and accepting.
    /// - Throws: ``SystemError`` when the socket or the thread cannot be made.
    package convenience init(latencySeconds: Double, bodyBytes: Int, failEvery: Int) throws(SystemError) {
        try self.init(latencySeconds: latencySeconds, bodyBytes: bodyBytes, failEvery: failEvery, accept: { (socket) throws(SystemError) in try Platform.accept(socket) })
    }

    init(latencySeconds: Double, bodyBytes: Int, failEvery: Int, accept: @escaping @Sendable (Int32) throws(SystemError) -> Int32) throws(SystemError) {
        self.accept = accept
        (listening, port) = try Platform.listenOnLoopback()
        self.latencySeconds = latencySeconds
        self.bodyBytes = bodyBytes
        self.failEvery = failEvery
        acceptThread = try JoinableThread { [self] in acceptLoop() }
    }

    package var values: [String: String] { ["port": String(port)] }

    /// Set when accepting failed while the server should still run: then the listening socket
    /// is shut down, so clients are refused at once instead of waiting in the backlog until
    /// their timeout.
    package var failure: String? {
        acceptFailure.withLock { $0.map { "the image server on 127.0.0.1:\(port) stopped accepting connections: \($0)" } }
    }

    /// The bytes of image `index`: the same for every request, in every process.
    package static func body(forImage index: Int, bytes: Int) -> [UInt8] {
        DeterministicRandom.bytes(count: bytes, seed: UInt64(index) &+ 0x1_4a6e)
    }

    /// Whether the server refuses this attempt at this image with 503.
    package static func fails(image index: Int, attempt: Int, failEvery: Int) -> Bool {
        failEvery > 0 && attempt == 0 && (index + 1) % failEvery == 0
    }

    package func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        Platform.shutdownSocket(listening)
        acceptThread?.join()
        Platform.close(listening)
        let threads = connections.withLock { state in
            for socket in state.sockets { Platform.shutdownSocket(socket) }
            return state.threads
        }
        threads.forEach { $0.thread.join() }
    }

    deinit {
        stop()
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let socket: Int32
            do {
                socket = try accept(listening)
            } catch {
                // stop() shuts the socket down to wake this loop; anything else is a fault.
                if !stopped.load(ordering: .sequentiallyConsistent) {
                    acceptFailure.withLock { $0 = error }
                    Platform.shutdownSocket(listening)
                }
                return
            }
            let accepted = connections.withLock { state -> Bool in
                guard !stopped.load(ordering: .sequentiallyConsistent) else { return false }
                state.sockets.insert(socket)
                return true
            }
            guard accepted else {
                Platform.close(socket)
                return
            }
            do {
                let finished = Finished()
                let thread = try JoinableThread { [self] in
                    serve(socket)
                    connections.withLock { _ = $0.sockets.remove(socket) }
                    Platform.close(socket)
                    finished.flag.store(true, ordering: .releasing)
                }
                // Join the threads of connections that have ended, so that a long run does not
                // keep their stacks.
                let ended = connections.withLock { state in
                    state.threads.append((thread, finished))
                    var ended: [JoinableThread] = []
                    state.threads.removeAll { entry in
                        let done = entry.finished.flag.load(ordering: .acquiring)
                        if done { ended.append(entry.thread) }
                        return done
                    }
                    return ended
                }
                ended.forEach { $0.join() }
            } catch {
                connections.withLock { _ = $0.sockets.remove(socket) }
                Platform.close(socket)
            }
        }
    }

    /// Answers requests on one connection until the client closes it or asks to.
    private func serve(_ socket: Int32) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            guard let end = HTTPRequestHead.endOfHead(in: pending) else {
                guard pending.count < LocalImageServer.maximumHeadBytes else {
                    respond(socket, status: "431 Request Header Fields Too Large", body: [], keepAlive: false)
                    return
                }
                let count = (try? chunk.withUnsafeMutableBytes { try Platform.read(socket, into: $0) }) ?? 0
                if count == 0 { return }
                pending.append(contentsOf: chunk[0..<count])
                continue
            }
            let head = HTTPRequestHead(Array(pending[0..<end]))
            pending.removeFirst(end)
            guard head.method == "GET" else {
                respond(socket, status: "405 Method Not Allowed", body: [], keepAlive: false)
                return
            }
            guard let image = head.imageIndex, head.contentLength == 0 else {
                respond(socket, status: "404 Not Found", body: [], keepAlive: false)
                return
            }
            Platform.sleep(seconds: latencySeconds)
            let keepAlive = head.keepAlive
            if LocalImageServer.fails(image: image, attempt: head.attempt, failEvery: failEvery) {
                respond(socket, status: "503 Service Unavailable", body: [], keepAlive: keepAlive)
            } else {
                respond(socket, status: "200 OK", body: LocalImageServer.body(forImage: image, bytes: bodyBytes), keepAlive: keepAlive)
            }
            if !keepAlive { return }
        }
    }

    private func respond(_ socket: Int32, status: String, body: [UInt8], keepAlive: Bool) {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(body.count)\r\n"
            + "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        try? Platform.sendAll(socket, Array(head.utf8) + body)
    }
}

/// The parts of an HTTP/1.1 request head the image server needs.
struct HTTPRequestHead {
    var method = ""
    var target = ""
    var version = ""
    var headers: [String: String] = [:]

    init(_ bytes: [UInt8]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true)
        guard let requestLine = lines.first else { return }
        let parts = requestLine.split(separator: " ")
        if parts.count == 3 {
            method = String(parts[0])
            target = String(parts[1])
            version = String(parts[2])
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingWhitespace()
        }
    }

    /// The index after the blank line that ends the head, if it has arrived.
    static func endOfHead(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count where bytes[index - 3] == 13 && bytes[index - 2] == 10 && bytes[index - 1] == 13 && bytes[index] == 10 {
            return index + 1
        }
        return nil
    }

    /// `n` of `/image/<n>`, when that is the whole target.
    var imageIndex: Int? {
        guard version.hasPrefix("HTTP/1."), target.hasPrefix("/image/") else { return nil }
        let digits = target.dropFirst("/image/".count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    var attempt: Int { headers["x-lab-attempt"].flatMap { Int($0) } ?? 0 }
    var contentLength: Int { headers["content-length"].flatMap { Int($0) } ?? 0 }
    var keepAlive: Bool { headers["connection"]?.lowercased() != "close" && version == "HTTP/1.1" }
}
