import Foundation
import Glibc
import Testing
import LabCore

@testable import Workloads

@Suite struct LoopbackHTTPClientTests {
    @Test("a GET returns the status and exactly the body the server sent; retries see the next attempt")
    func get() throws {
        let server = try LocalImageServer(latencySeconds: 0, bodyBytes: 100_000, failEvery: 2)
        defer { server.stop() }
        // With failEvery 2 the first attempt at every second image (1, 3, ...) fails.
        let first = try LoopbackHTTPClient.get(port: server.port, path: "/image/0")
        #expect(first.status == 200)
        #expect(first.body == LocalImageServer.body(forImage: 0, bytes: 100_000))
        let failing = try LoopbackHTTPClient.get(port: server.port, path: "/image/1", headers: [("X-Lab-Attempt", "0")])
        #expect(failing.status == 503 && failing.body.isEmpty)
        let retried = try LoopbackHTTPClient.get(port: server.port, path: "/image/1", headers: [("X-Lab-Attempt", "1")])
        #expect(retried.status == 200 && retried.body.count == 100_000)
        #expect(try LoopbackHTTPClient.get(port: server.port, path: "/other").status == 404)
    }

    @Test("a malformed response head is an error that says what is wrong")
    func malformedHead() {
        #expect(throws: LoopbackHTTPClient.ResponseError(description: "malformed status line 'SMTP ready'")) {
            try LoopbackHTTPClient.parseHead(Array("SMTP ready\r\n\r\n".utf8), bodyStart: 14)
        }
        #expect(throws: LoopbackHTTPClient.ResponseError(description: "response without a valid Content-Length")) {
            try LoopbackHTTPClient.parseHead(Array("HTTP/1.1 200 OK\r\n\r\n".utf8), bodyStart: 19)
        }
    }

    @Test("a response head gives its status and Content-Length, whatever the header's case")
    func wellFormedHead() throws {
        let head = try LoopbackHTTPClient.parseHead(
            Array("HTTP/1.0 503 Busy\r\ncontent-length: 7\r\n\r\n".utf8), bodyStart: 40)
        #expect(head.status == 503)
        #expect(head.length == 7)
        #expect(head.bodyStart == 40)
    }
}
