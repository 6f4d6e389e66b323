import Foundation
import Glibc
import Testing

import LabCore
@testable import Workloads

/// A raw HTTP exchange with the server over a loopback socket, with no client library in the
/// way, so the test sees exactly what the server sends.
func exchange(port: UInt16, request: String) throws -> String {
    String(decoding: try exchangeBytes(port: port, request: request), as: UTF8.self)
}

/// The same exchange, the answer as the bytes the server sent.
func exchangeBytes(port: UInt16, request: String) throws -> [UInt8] {
    let socket = try Platform.connectToLoopback(port: port)
    defer { Platform.close(socket) }
    try Platform.sendAll(socket, Array(request.utf8))
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = try chunk.withUnsafeMutableBytes { try Platform.read(socket, into: $0) }
        if count == 0 { break }
        received.append(contentsOf: chunk[0..<count])
    }
    return received
}

@Suite struct LocalImageServerTests {
    @Test("a failed accept is the fixture's failure, and clients are refused at once instead of waiting")
    func acceptFailure() throws {
        let server = try LocalImageServer(
            latencySeconds: 0, bodyBytes: 64, failEvery: 0,
            accept: { (_) throws(SystemError) -> Int32? in
                throw SystemError(call: "accept", errno: EMFILE)
            })
        defer { server.stop() }
        // A first client waits in the backlog, and the server's loop tries to accept it.
        let first = try Platform.connectToLoopback(port: server.port)
        defer { Platform.close(first) }
        // The loop runs on its own thread: wait for it to fail (a deadline, not a sleep).
        let deadline = Platform.monotonicSeconds() + 10
        while server.failure == nil, Platform.monotonicSeconds() < deadline { usleep(1000) }
        let failure = try #require(server.failure)
        #expect(failure.contains("127.0.0.1:\(server.port) stopped accepting connections"), "\(failure)")
        #expect(failure.contains("accept failed") && failure.contains("errno \(EMFILE)"), "\(failure)")
        // Nobody answers any more: a connection is refused instead of sitting in the backlog.
        #expect(throws: SystemError(call: "connect", errno: ECONNREFUSED)) {
            try Platform.connectToLoopback(port: server.port)
        }
    }

    @Test("GET /image/<n> returns that image's bytes; the server listens on 127.0.0.1")
    func image() throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 64, failEvery: 0)
        defer { server.stop() }
        #expect(server.values == ["port": String(server.port)])
        // The listening socket, as the kernel lists it: local address 127.0.0.1 (0100007F in
        // /proc/net/tcp's byte order), state 0A (LISTEN), on the server's port.
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let port = String(server.port, radix: 16, uppercase: true)
        let listening = table.split(separator: "\n").map { $0.split(separator: " ") }.filter {
            $0.count > 3 && $0[3] == "0A"
        }
        let ours = listening.filter { $0[1].hasSuffix(":" + String(repeating: "0", count: 4 - port.count) + port) }
        #expect(ours.map { String($0[1].prefix(8)) } == ["0100007F"], "\(ours)")
        let bytes = try exchangeBytes(
            port: server.port, request: "GET /image/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = String(decoding: bytes, as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.contains("Content-Length: 64\r\n"))
        let headEnd = try #require(
            (0..<(bytes.count - 3)).first { bytes[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) })
        #expect(Array(bytes[(headEnd + 4)...]) == LocalImageServer.body(forImage: 7, bytes: 64))
        #expect(LocalImageServer.body(forImage: 7, bytes: 64) != LocalImageServer.body(forImage: 8, bytes: 64))
    }

    @Test("two requests on one kept-alive connection are both answered")
    func keepAlive() throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 3, failEvery: 0)
        defer { server.stop() }
        let response = try exchange(
            port: server.port,
            request:
                "GET /image/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /image/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(response.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
    }

    @Test(
        "anything but GET /image/<n> is refused",
        arguments: [
            ("POST /image/1 HTTP/1.1\r\n\r\n", "405"), ("GET /etc/passwd HTTP/1.1\r\n\r\n", "404"),
            ("GET /image/ HTTP/1.1\r\n\r\n", "404"),
            ("GET /image/1x HTTP/1.1\r\n\r\n", "404"), ("GET /image/-1 HTTP/1.1\r\n\r\n", "404"),
            ("GET /image/1 SPDY/3\r\n\r\n", "404"),
            ("garbage\r\n\r\n", "405"),
        ])
    func refused(request: String, status: String) throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 3, failEvery: 0)
        defer { server.stop() }
        #expect(try exchange(port: server.port, request: request).hasPrefix("HTTP/1.1 \(status)"))
    }

    @Test("the first attempt at every n-th image answers 503, later attempts succeed")
    func injectedFailures() throws {
        #expect((0..<10).filter { LocalImageServer.fails(image: $0, attempt: 0, failEvery: 5) } == [4, 9])
        #expect(!LocalImageServer.fails(image: 4, attempt: 1, failEvery: 5))
        #expect(!LocalImageServer.fails(image: 4, attempt: 0, failEvery: 0))
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 3, failEvery: 5)
        defer { server.stop() }
        let first = try exchange(port: server.port, request: "GET /image/4 HTTP/1.1\r\nConnection: close\r\n\r\n")
        let second = try exchange(
            port: server.port, request: "GET /image/4 HTTP/1.1\r\nX-Lab-Attempt: 1\r\nConnection: close\r\n\r\n")
        #expect(first.hasPrefix("HTTP/1.1 503"))
        #expect(second.hasPrefix("HTTP/1.1 200"))
    }

    @Test("after stop the port refuses connections and open connections are closed")
    func stop() throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 3, failEvery: 0)
        let port = server.port
        // An idle kept-alive connection must not keep stop() waiting.
        _ = try exchange(port: port, request: "GET /image/1 HTTP/1.1\r\nConnection: close\r\n\r\n")
        server.stop()
        #expect(throws: SystemError.self) { try exchange(port: port, request: "GET /image/1 HTTP/1.1\r\n\r\n") }
    }
}
