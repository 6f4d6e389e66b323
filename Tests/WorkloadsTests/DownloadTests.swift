import LabCore
import Testing

@testable import Workloads

@Suite struct DownloadTests {
    func configured(_ overrides: [String: String], tasks: Int) throws -> ConfiguredWorkload {
        try ConfiguredWorkload(type: Download.self, parameters: Download.parameters(overriding: overrides, quick: true), taskCount: tasks)
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
        try await configured(["fail_every": "2", "latency_ms": "0", "bytes": "1000"], tasks: 4).withFixture { workload in
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
}
