import Foundation
import Glibc
import LabCore
import LabReport
import Testing
import Workloads

/// `download` as the tutorial's reader runs it: a thousand in flight on threads and as async
/// tasks against an image server in a process of its own, within the open-file limit, and
/// nothing left behind, killed or not.
@Suite struct DownloadRunTests {
    /// `lab` with `arguments`, its open-file limits set first (`ulimit`).
    func runLimited(_ lab: LabBinary, soft: Int, hard: Int? = nil, _ arguments: [String]) throws -> LabBinary.Outcome {
        // The soft limit first: a hard limit below the soft one is refused.
        try lab.run(after: "ulimit -Sn \(soft)" + (hard.map { " && ulimit -Hn \($0)" } ?? ""), arguments)
    }

    @Test(
        "a thousand downloads in flight on threads and on async tasks do the same work; the lab raises its open-file limit and says so; no server is left"
    )
    func thousandInFlight() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try runLimited(
            lab, soft: 512,
            [
                "run", "--workloads", "download", "--modes", "threads,async", "--workers", "1000", "--tasks", "1000",
                "--set", "download.fail_every=0",
                "--set", "download.bytes=2000", "--set", "download.latency_ms=300", "--repetitions", "1", "--warmup",
                "0", "--out", "run", "--quiet",
            ])
        // Exit 0: every task succeeded and the two modes' checksums agree.
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.standardError.contains("lab: raised the open-file limit from 512 to "), "\(outcome.standardError)")
        let records = try RunFolder(path: lab.folder + "/run").records()
        try #require(records.map(\.mode) == [.threads, .async])
        #expect(Set(records.map(\.checksum)).count == 1)
        // A thread per download against a few for them all (each waits 300 ms for its answer,
        // so all thousand are in flight at once).
        #expect(try #require(records[0].counters.coordinatorPeakThreads) > 1000)
        #expect(try #require(records[1].counters.coordinatorPeakThreads) <= 8)
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test("a lab that inherited a descriptor above its open-file limit still starts its image server and workers")
    func inheritedDescriptorAboveLimit() throws {
        // The image server and the workers are spawned with every descriptor above the
        // standard three closed (closefrom), whatever their numbers; CalibrateTests holds the
        // case of Foundation's Process, which refuses one above the soft limit.
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // bash, not sh: dash cannot name a descriptor above 9.
        let outcome = try lab.run(
            after: "exec 1500</dev/null && ulimit -Sn 512", shell: "/bin/bash",
            [
                "run", "--workloads", "download", "--modes", "threads,processes", "--workers", "2", "--tasks", "4",
                "--set", "download.fail_every=0",
                "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
            ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let records = try RunFolder(path: lab.folder + "/run").records()
        #expect(records.map(\.mode) == [.threads, .processes])
        #expect(try lab.markedProcesses().isEmpty)
    }

    @Test(
        "a thousand idle connections from another process neither stall a hundred requests nor cost the image server a thread each",
        .enabled(if: BenchTests.python != nil))
    func idleConnections() async throws {
        // The server, and the holder of the idle connections, in processes of their own: this
        // test process stays far below the ~1,300 open descriptors at which Foundation's
        // Process.run (Swift 6.3.1) can fault while listing /proc/self/fd for other tests
        // (swift-corelibs-foundation #5472).
        let server = try ImageServerProcess(
            executable: LabBinary.path, latencySeconds: 0.001, bodyBytes: 1000, failEvery: 0)
        defer { server.stop() }
        let serverID = server.processID
        // Connected and never a byte sent, what a slow or hostile client does, on loopback only,
        // until its standard input ends, and never past 10 minutes. (Not less: under the whole
        // suite this test can wait more than a minute for a cooperative thread, and a holder
        // that gave up after 60 s had let its connections go before they were counted.)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try #require(BenchTests.python))
        holder.arguments = [
            "-c",
            """
            import socket, sys, select
            held = [socket.create_connection(("127.0.0.1", \(server.port))) for _ in range(1000)]
            print("holding", len(held), flush=True)
            ready = select.select([sys.stdin], [], [], 600)[0]
            print("stdin ended" if ready else "timed out", flush=True)
            """,
        ]
        let (toHolder, fromHolder) = (Pipe(), Pipe())
        holder.standardInput = toHolder
        holder.standardOutput = fromHolder
        try holder.run()
        defer {
            try? toHolder.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        // Its first line, however the pipe cuts it (an empty read is its end).
        var said = ""
        while !said.hasSuffix("\n") {
            let data = fromHolder.fileHandleForReading.availableData
            if data.isEmpty { break }
            said += String(decoding: data, as: UTF8.self)
        }
        #expect(said == "holding 1000\n")
        // The server accepted all thousand (a descriptor each), on a few threads.
        let deadline = Platform.monotonicSeconds() + 10
        func serverDescriptors() -> Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(serverID)/fd").count) ?? 0
        }
        while serverDescriptors() < 1000, Platform.monotonicSeconds() < deadline {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        #expect(holder.isRunning)
        #expect(serverDescriptors() >= 1000)
        // A hundred requests meanwhile are answered, each with its image.
        let loop = try EventLoop.shared
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let (status, body) = try await LoopbackHTTPClient.get(
                        port: server.port, path: "/image/\(index)", on: loop)
                    return status == 200 && body == LocalImageServer.body(forImage: index, bytes: 1000)
                }
            }
            var answered = 0
            for try await right in group where right { answered += 1 }
            #expect(answered == 100)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(serverID)/task").count <= 4)
    }

    @Test("a hard open-file limit too low for the plan is one line, exit 2, and no folder")
    func limitTooLow() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try runLimited(
            lab, soft: 256, hard: 256,
            [
                "run", "--workloads", "download", "--modes", "async", "--workers", "1000", "--repetitions", "1",
                "--warmup", "0", "--out", "run",
            ])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.hasPrefix("lab: download with 1000 tasks in flight (download async x1000) needs "),
            "\(outcome.standardError)")
        #expect(
            outcome.standardError.hasSuffix(
                " open files, more than this process may open (its hard limit is 256: ulimit -Hn); give fewer --workers, or raise the limit\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: lab.folder + "/run"))
    }

    @Test("the image server runs in a process of its own and dies with a lab killed by SIGKILL")
    func serverDiesWithLab() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let started = try lab.start([
            "run", "--workloads", "download", "--modes", "threads", "--set", "download.latency_ms=200", "--tasks",
            "200",
            "--repetitions", "20", "--warmup", "0", "--out", "run", "--quiet",
        ])
        let labID = started.process.processIdentifier
        var server: Int32?
        #expect(
            try lab.wait(seconds: 20) {
                server = try lab.markedProcesses().first { $0 != labID }
                return server != nil
            })
        let command = try String(contentsOfFile: "/proc/\(try #require(server))/cmdline", encoding: .utf8)
        #expect(command.split(separator: "\u{0}").dropFirst().first == "imageserver", "\(command)")
        kill(labID, SIGKILL)
        _ = try lab.finish(started)
        #expect(try lab.wait(seconds: 5) { try lab.markedProcesses().isEmpty })
    }
}
