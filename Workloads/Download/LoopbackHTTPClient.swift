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

    /// Sends `GET path` with `headers` to 127.0.0.1:`port` and reads the whole response.
    /// - Returns: the status code and the body (exactly `Content-Length` bytes).
    /// - Throws: ``SystemError`` when the connection fails, ``ResponseError`` when the
    ///   response is not a well-formed HTTP/1.x response.
    package static func get(port: UInt16, path: String, headers: [(name: String, value: String)] = []) throws -> (status: Int, body: [UInt8]) {
        let socket = try Platform.connectToLoopback(port: port)
        defer { Platform.close(socket) }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for header in headers { request += "\(header.name): \(header.value)\r\n" }
        try Platform.sendAll(socket, Array((request + "\r\n").utf8))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var head: (status: Int, length: Int, bodyStart: Int)?
        while true {
            if head == nil, let end = HTTPRequestHead.endOfHead(in: received) {
                head = try parseHead(Array(received[0..<end]), bodyStart: end)
            }
            if let head, received.count - head.bodyStart >= head.length {
                return (head.status, Array(received[head.bodyStart..<(head.bodyStart + head.length)]))
            }
            if head == nil, received.count > maximumHeadBytes { throw ResponseError(description: "response head longer than \(maximumHeadBytes) bytes") }
            let count = try chunk.withUnsafeMutableBytes { try Platform.read(socket, into: $0) }
            if count == 0 {
                throw ResponseError(description: head == nil ? "connection closed before the response head ended" : "connection closed inside the body")
            }
            received.append(contentsOf: chunk[0..<count])
        }
    }

    /// The status code and `Content-Length` of a response head.
    static func parseHead(_ bytes: [UInt8], bodyStart: Int) throws(ResponseError) -> (status: Int, length: Int, bodyStart: Int) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw ResponseError(description: "malformed status line '\(lines.first.map(String.init) ?? "")'")
        }
        var length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-length" else { continue }
            length = Int(line[line.index(after: colon)...].trimmingWhitespace())
        }
        guard let length, length >= 0 else { throw ResponseError(description: "response without a valid Content-Length") }
        return (status, length, bodyStart)
    }
}
