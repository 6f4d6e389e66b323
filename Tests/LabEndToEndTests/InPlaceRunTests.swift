import Foundation
import LabCore
import LabReport
import Testing

/// In-place workloads (`digest`, `mandelbrot`): one body in every mode, and over `shm` their
/// bytes are read and written where they lie.
@Suite struct InPlaceRunTests {
    @Test(
        "in-place workloads do the same work in every mode, over every transport, spawned and forked, and leave nothing behind"
    )
    func everyModeEveryTransport() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run([
            "run", "--quick", "--workloads", "digest,mandelbrot", "--set", "digest.echo=yes", "--workers", "2",
            "--transport", "pipe,socketpair,shm",
            "--start", "spawn,forkserver", "--repetitions", "1", "--warmup", "0", "--out", "run", "--quiet",
        ])
        // Exit 0: every cell's checksum agrees with sequential's.
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(try lab.markedProcesses().isEmpty)
        let records = try RunFolder(path: lab.folder + "/run").records()
        for workload in ["digest", "mandelbrot"] {
            let rows = records.filter { $0.workload == workload }
            // sequential, threads, async, and processes over 3 transports, each spawned and forked
            #expect(rows.count == 3 + 6, "\(workload)")
            #expect(rows.allSatisfy { $0.status == .ok }, "\(rows.map(\.error))")
            #expect(Set(rows.map(\.checksum)).count == 1, "\(workload)")
            // The bytes handed over are the same whichever way they go, frames' headers aside.
            let processes = rows.filter { $0.mode == .processes }
            let least = try #require(processes.map(\.bytesFromWorkers).min())
            #expect(
                least > 0 && processes.allSatisfy { $0.bytesFromWorkers - least < 2048 },
                "\(processes.map(\.bytesFromWorkers))")
        }
    }

    @Test(
        "over shm a worker reads its input and writes its result in place: it faults in no fresh array per task, as it does over a pipe"
    )
    func noCopies() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let bytes = 16 << 20
        let tasks = 4
        let outcome = try lab.run([
            "run", "--workloads", "digest", "--modes", "processes", "--set", "digest.bytes=\(bytes)", "--set",
            "digest.echo=yes",
            "--set", "digest.rounds=1", "--tasks", "\(tasks)", "--workers", "2", "--transport", "pipe,shm",
            "--repetitions", "1", "--warmup", "0",
            "--out", "run", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let records = try RunFolder(path: lab.folder + "/run").records()
        let faults = { (transport: Transport) in
            records.first { $0.transport == transport }?.counters.workersMinorFaults
        }
        let overPipe = try #require(faults(.pipe))
        let overShm = try #require(faults(.shm))
        // A fresh array for each task's input alone is a fault per page of it: what a pipe's
        // worker takes (twice: input and result), and what a worker reading in place does not.
        let pagesOfInputs = tasks * bytes / 4096
        #expect(overPipe > 2 * pagesOfInputs * 3 / 4, "pipe: \(overPipe) faults")
        #expect(overShm < pagesOfInputs, "shm: \(overShm) faults against \(pagesOfInputs) pages of inputs")
    }
}
