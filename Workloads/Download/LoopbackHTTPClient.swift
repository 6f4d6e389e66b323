import LabCore

/// The client side of ``LocalImageServer``: one HTTP/1.1 GET on a fresh connection to
/// 127.0.0.1, read to the end. Plain sockets, no Foundation networking: the lab's binary
/// then needs no libcurl and links statically, which makes a worker process start four times
/// faster (see "Benchmark" in Sources/LabStudies/README.md).
package enum LoopbackHTTPClient {
    /// Why a response could not be read.
    package struct ResponseError: Error, CustomStringConvertible, Equatable {
        package let description: String
    }

    /// The largest response head it reads before giving up.
    static let maximumHeadBytes = 16 * 1024

    /// Sends `GET path` with `headers` to 127.0.0.1:`port` and reads the whole response, on
    /// the calling thread (blocking: the client of the sequential, threads and processes modes).
    /// - Returns: the status code and the body (exactly `Content-Length` bytes).
    /// - Throws: ``SystemError`` when the connection fails, ``ResponseError`` when the
    ///   response is not a well-formed HTTP/1.x response.
    package static func get(
        port: UInt16, path: String, headers: [(name: String, value: String)] = []
    ) throws -> (status: Int, body: [UInt8]) {
        let socket = try Platform.connectToLoopback(port: port)
        defer { Platform.close(socket) }
        try Platform.sendAll(socket, request(port: port, path: path, headers: headers))
        var response = Response()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let whole = try response.whole() { return whole }
            let count = try chunk.withUnsafeMutableBytes { try Platform.read(socket, into: $0) }
            try response.add(chunk[0..<count])
        }
    }

    /// The same GET without holding a thread while it waits: a non-blocking socket whose
    /// connect, send and reads wait on `loop` (the client of the async mode). Cancelling the
    /// task closes the socket and throws `CancellationError`.
    package static func get(
        port: UInt16, path: String, headers: [(name: String, value: String)] = [], on loop: EventLoop
    ) async throws -> (status: Int, body: [UInt8]) {
        let (socket, connecting) = try Platform.startConnectingToLoopback(port: port)
        defer {
            loop.forget(socket)
            Platform.close(socket)
        }
        if connecting {
            try await loop.writable(socket)
            if let error = Platform.socketError(socket) { throw error }
        }
        let bytes = request(port: port, path: path, headers: headers)
        var sent = 0
        while sent < bytes.count {
            let count = try bytes[sent...].withUnsafeBytes { (buffer) throws(SystemError) in
                try Platform.sendIfReady(socket, buffer)
            }
            if count == 0 { try await loop.writable(socket) }
            sent += count
        }
        var response = Response()
        while true {
            if let whole = try response.whole() { return whole }
            // A buffer only for the read, none while the task waits: a blocking read needs its
            // buffer for as long as it blocks, a wait for readiness needs none (a 64 KiB
            // buffer held across the wait made 10,000 downloads in flight cost 607 MB).
            let read = try withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 1) { buffer in
                guard let count = try Platform.readIfReady(socket, into: buffer) else { return false }
                try response.add(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                return true
            }
            if !read { try await loop.readable(socket) }
        }
    }

    /// The request's bytes: one GET on a connection that closes after it.
    static func request(port: UInt16, path: String, headers: [(name: String, value: String)]) -> [UInt8] {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for header in headers { request += "\(header.name): \(header.value)\r\n" }
        return Array((request + "\r\n").utf8)
    }

    /// A response as its bytes arrive, however they are cut.
    struct Response {
        var received: [UInt8] = []
        var head: (status: Int, length: Int, bodyStart: Int)?

        /// The status and body once they are all there; `nil` while bytes are missing.
        mutating func whole() throws(ResponseError) -> (status: Int, body: [UInt8])? {
            if head == nil, let end = HTTPRequestHead.endOfHead(in: received) {
                let parsed = try parseHead(Array(received[0..<end]), bodyStart: end)
                head = parsed
                // The body's room at once, not by doubling as it arrives (bounded: a length
                // past what can be held is left to grow, and fails as a short answer).
                if parsed.length <= 64 << 20 { received.reserveCapacity(end + parsed.length) }
            }
            if let head, received.count - head.bodyStart >= head.length {
                return (head.status, Array(received[head.bodyStart..<(head.bodyStart + head.length)]))
            }
            if head == nil, received.count > maximumHeadBytes {
                throw ResponseError(description: "response head longer than \(maximumHeadBytes) bytes")
            }
            return nil
        }

        /// Adds bytes read; an empty read is the end of the connection, too early.
        mutating func add(_ bytes: some Collection<UInt8>) throws(ResponseError) {
            if bytes.isEmpty {
                throw ResponseError(
                    description: head == nil
                        ? "connection closed before the response head ended" : "connection closed inside the body")
            }
            received.append(contentsOf: bytes)
        }
    }

    /// The status code and `Content-Length` of a response head.
    static func parseHead(
        _ bytes: [UInt8], bodyStart: Int
    ) throws(ResponseError) -> (status: Int, length: Int, bodyStart: Int) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw ResponseError(description: "malformed status line '\(lines.first.map(String.init) ?? "")'")
        }
        var length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-length" else {
                continue
            }
            length = Int(line[line.index(after: colon)...].trimmingWhitespace())
        }
        guard let length, length >= 0 else {
            throw ResponseError(description: "response without a valid Content-Length")
        }
        return (status, length, bodyStart)
    }
}
