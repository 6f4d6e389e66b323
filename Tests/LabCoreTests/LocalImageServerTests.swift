import Foundation
import Glibc
import Testing

@testable import LabCore

/// A raw HTTP exchange with the server over a loopback socket, with no client library in the
/// way, so the test sees exactly what the server sends.
func exchange(port: UInt16, request: String) throws -> String {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(socket >= 0)
    defer { Glibc.close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw SystemError(call: "connect", errno: errno) }
    try Platform.sendAll(socket, Array(request.utf8))
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = try chunk.withUnsafeMutableBytes { try Platform.read(socket, into: $0) }
        if count == 0 { break }
        received.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: received, as: UTF8.self)
}

@Suite struct LocalImageServerTests {
    @Test("GET /image/<n> returns that image's bytes; the server listens on 127.0.0.1")
    func image() throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 64, failEvery: 0)
        defer { server.stop() }
        #expect(server.values == ["port": String(server.port)])
        let response = try exchange(port: server.port, request: "GET /image/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.contains("Content-Length: 64\r\n"))
        let body = Array(response.utf8.split(separator: 13).last ?? [])
        #expect(!body.isEmpty)
        #expect(LocalImageServer.body(forImage: 7, bytes: 64) == LocalImageServer.body(forImage: 7, bytes: 64))
        #expect(LocalImageServer.body(forImage: 7, bytes: 64) != LocalImageServer.body(forImage: 8, bytes: 64))
    }

    @Test("two requests on one kept-alive connection are both answered")
    func keepAlive() throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 3, failEvery: 0)
        defer { server.stop() }
        let response = try exchange(
            port: server.port,
            request: "GET /image/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /image/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(response.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
    }

    @Test("anything but GET /image/<n> is refused", arguments: [
        ("POST /image/1 HTTP/1.1\r\n\r\n", "405"), ("GET /etc/passwd HTTP/1.1\r\n\r\n", "404"), ("GET /image/ HTTP/1.1\r\n\r\n", "404"),
        ("GET /image/1x HTTP/1.1\r\n\r\n", "404"), ("GET /image/-1 HTTP/1.1\r\n\r\n", "404"), ("GET /image/1 SPDY/3\r\n\r\n", "404"),
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
        let second = try exchange(port: server.port, request: "GET /image/4 HTTP/1.1\r\nX-Lab-Attempt: 1\r\nConnection: close\r\n\r\n")
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
