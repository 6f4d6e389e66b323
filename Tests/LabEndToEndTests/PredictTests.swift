import Foundation
import LabReport
import Testing

/// A run prices its stacks with unit costs it measured quickly or was given, keeps them in
/// run.json, and `lab predict` adds them up beside the measurement.
@Suite struct PredictTests {
    @Test(
        "a run without --calibration measures its unit costs quickly and says so; its stacks price bytes and faults, and lab predict reads them back"
    )
    func quickCosts() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let made = try lab.run([
            "run", "--workloads", "digest", "--quick", "--modes", "sequential,processes", "--repetitions", "1",
            "--warmup", "0", "--out", "r",
        ])
        #expect(made.status == 0, "\(made.standardError)")
        #expect(made.standardError.contains("lab: unit costs measured quickly ("), "\(made.standardError)")
        let description = try RunDescription.parse(String(contentsOfFile: lab.folder + "/r/run.json", encoding: .utf8))
        let costs = try #require(description.unitCosts)
        #expect(costs.source == "measured quickly by lab run")
        let names = Set(costs.measurements.map(\.measurement))
        #expect(
            names.isSuperset(of: [
                "cores", "minor_fault_anonymous", "pipe_bandwidth", "task_cost_processes",
                "task_cost_processes_batch_64", "process_spawn",
            ]), "\(names)")
        #expect(!names.contains("task_cost_threads"), "threads were not in the plan: \(names)")
        // The processes cell's stack prices the 16 inputs of 64 KiB it moved.
        let rows = try CSV.parse(String(contentsOfFile: lab.folder + "/r/stack.csv", encoding: .utf8))
        let header = try #require(rows.first)
        let part = try #require(header.firstIndex(of: "part")), seconds = try #require(header.firstIndex(of: "part_s"))
        let predicted = try #require(header.firstIndex(of: "predicted_s"))
        let bytes = try #require(rows.first { $0.count == header.count && $0[part] == "bytes" })
        #expect((Double(bytes[seconds]) ?? 0) > 0, "\(bytes)")
        #expect((Double(bytes[predicted]) ?? 0) > 0, "\(bytes)")
        let explained = try lab.run(["explain", "r"])
        #expect(
            explained.status == 0 && explained.standardOutput.contains("processes x2: ")
                && explained.standardOutput.contains("moving 1.0 MiB"), "\(explained.standardOutput)")
        let predicted2 = try lab.run(["predict", "r", "--workers", "4"])
        #expect(predicted2.status == 0, "\(predicted2.standardError)")
        #expect(
            predicted2.standardOutput.contains("the unit costs the run recorded (measured quickly by lab run), on "),
            "\(predicted2.standardOutput)")
        #expect(
            predicted2.standardOutput.contains("  processes x2  ")
                && predicted2.standardOutput.contains("  processes x4  "), "\(predicted2.standardOutput)")
    }

    @Test(
        "a run given --calibration keeps a copy and prices with it; a folder without costs needs --calibration, said in one line"
    )
    func givenCosts() throws {
        let lab = try LabBinary()
        defer { lab.cleanUp() }
        let reference = ExampleTests.repository.appendingPathComponent("Results/reference").path
        let given = try lab.run([
            "run", "--workloads", "noop", "--quick", "--modes", "sequential,threads", "--repetitions", "1", "--warmup",
            "0", "--out", "g",
            "--calibration", reference + "/calibration.csv",
        ])
        #expect(given.status == 0 && !given.standardError.contains("measured quickly"), "\(given.standardError)")
        let copy = try String(contentsOfFile: lab.folder + "/g/calibration.csv", encoding: .utf8)
        #expect(copy == (try String(contentsOfFile: reference + "/calibration.csv", encoding: .utf8)))
        let description = try RunDescription.parse(String(contentsOfFile: lab.folder + "/g/run.json", encoding: .utf8))
        #expect(description.unitCosts?.source == "calibration.csv in this folder, given with --calibration")
        // The reference run as lab 0.8.0 wrote it: no unit costs.
        try FileManager.default.copyItem(atPath: reference, toPath: lab.folder + "/old")
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: lab.folder + "/old/run.json")))
                as? [String: Any])
        json["unit_costs"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: lab.folder + "/old/run.json"))
        let refused = try lab.run(["predict", "old"])
        #expect(
            refused.status == 2
                && refused.standardError
                    == "lab: old records no unit costs (a run before lab 0.9.0); give --calibration FILE from lab calibrate\n",
            "\(refused.standardError)")
        let other = try lab.run([
            "predict", "old", "--workload", "primes", "--calibration", reference + "/calibration-one-core.csv",
        ])
        #expect(other.status == 0 && other.standardOutput.contains("on 1 core:"), "\(other.standardOutput)")
        let explained = try lab.run(["explain", "old", "--workload", "digest"])
        #expect(explained.standardOutput.contains("This run records no unit costs"), "\(explained.standardOutput)")
    }
}
