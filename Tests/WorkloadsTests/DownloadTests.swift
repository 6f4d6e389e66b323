import Foundation
import LabCore
import Testing

@testable import Workloads

@Suite struct DownloadTests {
    func configured(_ overrides: [String: String], tasks: Int) throws -> ConfiguredWorkload {
        try ConfiguredWorkload(
            type: Download.self, parameters: Download.parameters(overriding: overrides, quick: true), taskCount: tasks)
    }

    @Test("building the workload starts no server; its tasks then fail and say why")
    func noServerWithoutFixture() throws {
        let workload = try configured(["latency_ms": "0"], tasks: 1)
        #expect(workload.parameters.fixtureValues.isEmpty)
        #expect {
            try workload.instance.run(task: 0, input: [])
        } throws: { error in
            "\(error)".hasPrefix("download needs its image server")
        }
    }

    @Test("503s are retried and the bodies are the server's images, in the blocking and the async body")
    func retried() async throws {
        try await configured(["fail_every": "2", "latency_ms": "0", "bytes": "1000"], tasks: 4).withFixture {
            workload in
            let download = try #require(workload.instance as? Download)
            for index in 0..<4 {
                var expected = Checksum()
                expected.combine(UInt64(index))
                expected.combine(bytes: LocalImageServer.body(forImage: index, bytes: 1000))
                let blocking = try download.run(task: index, input: [])
                let suspending = try await download.runAsync(task: index, input: [])
                #expect(blocking == TaskOutput(checksum: expected.value, units: 1000))
                #expect(suspending == blocking)
            }
        }
    }

    @Test("with no retries left a task fails and says why")
    func givesUp() throws {
        _ = try configured(["fail_every": "1", "retries": "0", "latency_ms": "0"], tasks: 1).withFixture { workload in
            #expect {
                try workload.instance.run(task: 0, input: [])
            } throws: { error in
                "\(error)" == "image 0: HTTP 503 after 0 retries"
            }
        }
    }

    @Test("back-off doubles before each retry")
    func backoff() throws {
        let workload = try configured(["backoff_ms": "10"], tasks: 1)
        let download = try #require(workload.instance as? Download)
        #expect([1, 2, 3].map(download.backoff(before:)) == [0.01, 0.02, 0.04])
    }

    @Test("each attempt reaches the fixture's server and carries its number")
    func attempts() throws {
        try configured(["fail_every": "3", "latency_ms": "0", "bytes": "10"], tasks: 4).withFixture { workload in
            let download = try #require(workload.instance as? Download)
            // With fail_every 3 the first attempt at images 2, 5, ... fails.
            #expect(try download.fetch(image: 2, attempt: 0).status == 503)
            #expect(try download.fetch(image: 2, attempt: 1).status == 200)
            #expect(try download.fetch(image: 1, attempt: 0).body == LocalImageServer.body(forImage: 1, bytes: 10))
        }
    }

    /// How many of this process's descriptors are client sockets connected to 127.0.0.1:`port`:
    /// the sockets in /proc/net/tcp whose remote end is that port, matched by inode with
    /// /proc/self/fd. (Counting every descriptor would count those of tests running beside.)
    static func clientSockets(toPort port: UInt16) throws -> Int {
        let hexPort = String(format: "%04X", port)
        var inodes = Set<String>()
        // Read to its end: Foundation's String(contentsOfFile:) stops short on a large /proc file.
        for line in try Platform.readFile(atPath: "/proc/net/tcp").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9, fields[2].hasSuffix(":" + hexPort) else { continue }
            inodes.insert(String(fields[9]))
        }
        var held = 0
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry),
                target.hasPrefix("socket:[")
            else { continue }
            if inodes.contains(String(target.dropFirst("socket:[".count).dropLast())) { held += 1 }
        }
        return held
    }

    @Test(
        "no download leaks a socket: 200 async downloads with retries, refused connections and cancelled ones leave the descriptors as they were"
    )
    func noLeakedSockets() async throws {
        let loop = try EventLoop.shared
        try await configured(["fail_every": "3", "latency_ms": "1", "bytes": "5000", "backoff_ms": "0"], tasks: 200)
            .withFixture { workload in
                let download = try #require(workload.instance as? Download)
                let port = try #require(download.port)
                try await withThrowingTaskGroup(of: TaskOutput.self) { group in
                    // 200: past ~1,300 open descriptors Foundation's Process.run (Swift 6.3.1) can fault in
                    // other tests of this process (swift-corelibs-foundation #5472).
                    for index in 0..<200 { group.addTask { try await download.runAsync(task: index, input: []) } }
                    var count = 0
                    for try await _ in group { count += 1 }
                    #expect(count == 200)
                }
                #expect(try Self.clientSockets(toPort: port) == 0)
                // A port nobody listens on: refused, and the socket closed.
                let closed = try Platform.listenOnLoopback()
                Platform.close(closed.descriptor)
                await #expect(throws: SystemError(call: "connect", errno: ECONNREFUSED)) {
                    _ = try await LoopbackHTTPClient.get(port: closed.port, path: "/image/1", on: loop)
                }
                // Cancelled while waiting for a slow answer: the socket is closed too.
                let slow = try LocalImageServer(latencySeconds: 30, bodyBytes: 10, failEvery: 0)
                defer { slow.stop() }
                let waiting = Task { try await LoopbackHTTPClient.get(port: slow.port, path: "/image/1", on: loop) }
                let deadline = Platform.monotonicSeconds() + 10
                while slow.openConnections == 0, Platform.monotonicSeconds() < deadline {
                    try await Task.sleep(nanoseconds: 1_000_000)
                }
                waiting.cancel()
                await #expect(throws: CancellationError.self) { _ = try await waiting.value }
                #expect(try Self.clientSockets(toPort: slow.port) == 0)
                // The control: a socket this process does hold open to the server is seen.
                let held = try Platform.connectToLoopback(port: slow.port)
                defer { Platform.close(held) }
                #expect(try Self.clientSockets(toPort: slow.port) == 1)
            }
    }
}
