import Foundation
import LabReport
import Testing

@Suite struct CalibrateTests {
    @Test("lab calibrate measures every cost and writes calibration.csv")
    func calibrate() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let outcome = try lab.run(["calibrate", "--out", "cal", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try CSV.parse(String(contentsOfFile: lab.folder + "/cal/calibration.csv", encoding: .utf8))
        #expect(rows.first == ["measurement", "value", "unit", "samples", "detail"])
        let values = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], Double($0[1]) ?? -1) })
        for name in [
            "thread_create_join", "process_spawn_to_ready", "pipe_round_trip", "pipe_round_trip_same_core",
            "pipe_bandwidth",
            "task_cost_sequential", "task_cost_threads", "task_cost_processes", "task_cost_async",
            "processes_task_over_raw_round_trip",
            "process_spawn", "process_spawned_to_ready", "process_spawn_with_10_fds", "process_spawn_with_1000_fds",
            "process_spawn_with_10000_fds", "process_spawn_fd_growth", "pipe_round_trip_cpu", "socketpair_round_trip",
            "socketpair_round_trip_cpu", "socketpair_round_trip_same_core", "shm_round_trip", "shm_round_trip_cpu",
            "shm_round_trip_same_core",
            "shm_round_trip_spin_0", "shm_round_trip_spin_0_cpu", "task_cost_processes_socketpair",
            "task_cost_processes_shm",
            "processes_shm_task_over_raw_round_trip", "pool_of_2_ready_spawn", "pool_of_2_ready_forkserver",
            "forkserver_over_spawn",
            "worker_uss_spawn", "worker_uss_forkserver", "minor_fault_anonymous", "minor_fault_shared",
        ] {
            #expect((values[name] ?? 0) > 0, "\(name): \(String(describing: values[name]))")
        }
        // A fault costs time, but not the time of a whole millisecond's scheduling slice
        // (a count that missed the faults would give a per-fault time of the whole touch).
        for name in ["minor_fault_anonymous", "minor_fault_shared"] {
            #expect((values[name] ?? 0) < 1000, "\(name): \(String(describing: values[name])) us")
        }
        #expect(try lab.markedProcesses().isEmpty)
        #expect(try lab.run(["calibrate", "extra"]).status == 2)
        #expect(try lab.run(["calibrate", "--transport", "carrier-pigeon"]).status == 2)
        #expect(try lab.run(["calibrate", "--spin", "-1"]).status == 2)
    }

    @Test("a lab that inherited a descriptor above its open-file limit still starts the calibrator's children")
    func inheritedDescriptorAboveLimit() throws {
        // Foundation's Process (the calibrator's spawns) closes every descriptor up to the
        // highest open one in the child, and glibc refuses one at or above the soft limit
        // (EBADF): the lab raises the limit above what it inherited before a command runs.
        // --quick makes every measurement the full run makes, with about a tenth of the samples.
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        // bash, not sh: dash cannot name a descriptor above 9.
        let outcome = try lab.run(
            after: "exec 1500</dev/null && ulimit -Sn 512", shell: "/bin/bash",
            ["calibrate", "--quick", "--transport", "pipe", "--out", "cal", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(FileManager.default.fileExists(atPath: lab.folder + "/cal/calibration.csv"))
        #expect(try lab.markedProcesses().isEmpty)
    }
}
