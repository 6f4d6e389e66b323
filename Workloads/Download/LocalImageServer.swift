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
/// Event-driven, like nginx: one thread (an ``EventLoop`` of its own) accepts, reads every
/// connection's requests, waits out the latency on a timer and writes the answers, so ten
/// thousand connections at once need no more threads than one, and an idle connection
/// holds a descriptor, not a thread. Connections may stay open (keep-alive). ``stop()`` ends
/// the loop and closes every connection.
package final class LocalImageServer: WorkloadFixture, @unchecked Sendable {
    // @unchecked: the connections are touched on the loop's thread only, and by stop() once
    // that thread has ended; the rest is `let` or behind a Mutex.

    package let port: UInt16
    package let latencySeconds: Double
    package let bodyBytes: Int
    package let failEvery: Int
    private let listening: Int32
    private let loop: EventLoop
    private let stopped = Atomic<Bool>(false)
    /// Why accepting failed while the server should still run, if it did.
    private let acceptFailure = Mutex<SystemError?>(nil)
    /// The open connections, by descriptor.
    private let connections = Mutex<[Int32: Connection]>([:])

    /// The largest request head the server reads before it gives up on a client.
    static let maximumHeadBytes = 8192

    /// How a waiting connection is taken: `Platform.acceptIfWaiting`, or a failing stand-in
    /// in the tests of what a failed `accept` does.
    private let accept: @Sendable (Int32) throws(SystemError) -> Int32?

    /// One client's connection: the bytes it sent that are not yet a whole request, and the
    /// answer being written. Touched on the loop's thread only (every callback runs there).
    private final class Connection: @unchecked Sendable {
        let socket: Int32
        var pending: [UInt8] = []
        var outgoing: [UInt8] = []
        var sent = 0
        var keepAlive = true
        /// A request is being answered (waiting out the latency, or written).
        var answering = false
        init(socket: Int32) { self.socket = socket }
    }

    /// Starts listening and accepting.
    /// - Throws: ``SystemError`` when the socket or the loop cannot be made.
    package convenience init(latencySeconds: Double, bodyBytes: Int, failEvery: Int) throws(SystemError) {
        try self.init(
            latencySeconds: latencySeconds, bodyBytes: bodyBytes, failEvery: failEvery,
            accept: { (socket) throws(SystemError) in try Platform.acceptIfWaiting(socket) })
    }

    init(
        latencySeconds: Double, bodyBytes: Int, failEvery: Int,
        accept: @escaping @Sendable (Int32) throws(SystemError) -> Int32?
    ) throws(SystemError) {
        self.accept = accept
        // A backlog as deep as the system allows: a thousand clients connecting at once must
        // not wait for a SYN to be sent again (a second on Linux).
        (listening, port) = try Platform.listenOnLoopback(backlog: 65535)
        self.latencySeconds = latencySeconds
        self.bodyBytes = bodyBytes
        self.failEvery = failEvery
        do {
            try Platform.makeNonBlocking(listening)
            loop = try EventLoop()
        } catch {
            Platform.close(listening)
            throw error
        }
        do {
            try loop.watch(listening, events: Platform.Readiness.readable) { [self] _ in acceptWaiting() }
        } catch {
            loop.stop()
            Platform.close(listening)
            throw error
        }
    }

    package var values: [String: String] { ["port": String(port)] }

    /// Set when accepting failed while the server should still run: then the listening socket
    /// is shut down, so clients are refused at once instead of waiting in the backlog until
    /// their timeout.
    package var failure: String? {
        acceptFailure.withLock {
            $0.map { "the image server on 127.0.0.1:\(port) stopped accepting connections: \($0)" }
        }
    }

    /// How many connections are open now.
    package var openConnections: Int { connections.withLock { $0.count } }

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
        // No callback runs once the loop has stopped: what is left is this thread's.
        loop.stop()
        Platform.close(listening)
        for socket in connections.withLock({ Array($0.keys) }) { Platform.close(socket) }
        connections.withLock { $0.removeAll() }
    }

    deinit {
        stop()
    }

    // MARK: On the loop's thread

    private func acceptWaiting() {
        while true {
            let socket: Int32?
            do {
                socket = try accept(listening)
            } catch {
                acceptFailure.withLock { $0 = error }
                Platform.shutdownSocket(listening)
                return
            }
            guard let socket else { break }
            let connection = Connection(socket: socket)
            connections.withLock { $0[socket] = connection }
            readRequests(connection)
        }
        do {
            try loop.watch(listening, events: Platform.Readiness.readable) { [self] _ in acceptWaiting() }
        } catch {
            acceptFailure.withLock { $0 = error }
            Platform.shutdownSocket(listening)
        }
    }

    /// Reads what the client sent, answers the first whole request in it, or waits for more.
    private func readRequests(_ connection: Connection) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if answerNext(connection) { return }
            if connection.pending.count >= LocalImageServer.maximumHeadBytes {
                respond(connection, status: "431 Request Header Fields Too Large", body: [], keepAlive: false)
                return
            }
            let count: Int?
            do {
                count = try chunk.withUnsafeMutableBytes { (buffer) throws(SystemError) in
                    try Platform.readIfReady(connection.socket, into: buffer)
                }
            } catch {
                close(connection)
                return
            }
            guard let count else {
                watch(connection, events: Platform.Readiness.readable) { [self] in readRequests(connection) }
                return
            }
            if count == 0 {
                close(connection)
                return
            }
            connection.pending.append(contentsOf: chunk[0..<count])
        }
    }

    /// Starts answering the first whole request of `connection`, if one has arrived.
    private func answerNext(_ connection: Connection) -> Bool {
        guard let end = HTTPRequestHead.endOfHead(in: connection.pending) else { return false }
        let head = HTTPRequestHead(Array(connection.pending[0..<end]))
        connection.pending.removeFirst(end)
        guard head.method == "GET" else {
            respond(connection, status: "405 Method Not Allowed", body: [], keepAlive: false)
            return true
        }
        guard let image = head.imageIndex, head.contentLength == 0 else {
            respond(connection, status: "404 Not Found", body: [], keepAlive: false)
            return true
        }
        connection.answering = true
        loop.after(seconds: latencySeconds) { [self] in
            let keepAlive = head.keepAlive
            if LocalImageServer.fails(image: image, attempt: head.attempt, failEvery: failEvery) {
                respond(connection, status: "503 Service Unavailable", body: [], keepAlive: keepAlive)
            } else {
                respond(
                    connection, status: "200 OK", body: LocalImageServer.body(forImage: image, bytes: bodyBytes),
                    keepAlive: keepAlive)
            }
        }
        return true
    }

    private func respond(_ connection: Connection, status: String, body: [UInt8], keepAlive: Bool) {
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(body.count)\r\n"
            + "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        connection.answering = true
        connection.outgoing = Array(head.utf8) + body
        connection.sent = 0
        connection.keepAlive = keepAlive
        write(connection)
    }

    /// Writes what fits of the answer; waits for room for the rest; then reads the next request.
    private func write(_ connection: Connection) {
        while connection.sent < connection.outgoing.count {
            let count: Int
            do {
                count = try connection.outgoing[connection.sent...].withUnsafeBytes { (buffer) throws(SystemError) in
                    try Platform.sendIfReady(connection.socket, buffer)
                }
            } catch {
                close(connection)
                return
            }
            if count == 0 {
                watch(connection, events: Platform.Readiness.writable) { [self] in write(connection) }
                return
            }
            connection.sent += count
        }
        connection.outgoing = []
        connection.answering = false
        guard connection.keepAlive else {
            close(connection)
            return
        }
        readRequests(connection)
    }

    private func watch(_ connection: Connection, events: UInt32, _ then: @escaping @Sendable () -> Void) {
        do {
            try loop.watch(connection.socket, events: events) { _ in then() }
        } catch {
            close(connection)
        }
    }

    private func close(_ connection: Connection) {
        loop.forget(connection.socket)
        connections.withLock { _ = $0.removeValue(forKey: connection.socket) }
        Platform.close(connection.socket)
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
        for index in 3..<bytes.count
        where bytes[index - 3] == 13 && bytes[index - 2] == 10 && bytes[index - 1] == 13 && bytes[index] == 10 {
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
