import LabCore

/// `trace.json`: a run's timelines in the Trace Event Format (JSON object form), which
/// Perfetto UI (ui.perfetto.dev) and chrome://tracing open.
///
/// One trace process per cell (workload, mode and workers), one track per lane (thread,
/// worker, async slot, the coordinator). Thread IDs are unique in the whole trace (the
/// cell's number times 1,000 plus the lane's): Perfetto keys threads by their ID, and a
/// thread ID that moved between processes (the cells' repetitions interleave) would split
/// into unnamed tracks. Every kept span is a complete event (`"ph":"X"`)
/// named after its task (or batch of tasks) with the task index, count, repetition and bytes
/// in its arguments; a worker's life is a `worker start-up` event from spawn to ready and a
/// `worker finish` event from the finish request until it was gone, with instant events at
/// spawn and ready. Times are microseconds on the run's clock: a repetition sits where it
/// ran (`start_s` in results.csv) plus its own offsets.
package enum TraceFile {
    package static let name = "trace.json"

    package static func render(records: [RepetitionRecord], timelines: [RepetitionKey: RecordedTimeline]) -> String {
        var cellIDs: [String: Int] = [:]
        // One string, each event appended as it is made: 100,000 spans kept as separate
        // strings and then joined took four times the file's size (lab 0.8.0: 106 MB for a
        // 25 MB trace.json of 10 million noop tasks in the default plan).
        var text = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
        var first = true
        /// Appends one event, after a separator unless it is the first.
        func emit(_ event: String) {
            if !first { text += ",\n" }
            first = false
            text += event
        }
        for record in records {
            let key = RepetitionKey(record)
            guard let timeline = timelines[key] else { continue }
            let pid: Int
            if let known = cellIDs[key.cellKey] {
                pid = known
            } else {
                pid = cellIDs.count + 1
                cellIDs[key.cellKey] = pid
                let label =
                    "\(record.workload) \(record.parameters.isEmpty ? "" : record.parameters + " ")\(record.cellLabel)"
                emit(#"{"name":"process_name","ph":"M","pid":\#(pid),"tid":0,"args":{"name":\#(json(label))}}"#)
                emit(#"{"name":"process_sort_index","ph":"M","pid":\#(pid),"tid":0,"args":{"sort_index":\#(pid)}}"#)
                for lane in 0..<max(record.mode == .sequential ? 1 : record.workers, timeline.laneCount) {
                    emit(
                        #"{"name":"thread_name","ph":"M","pid":\#(pid),"tid":\#(pid * 1000 + lane + 1)"#
                            + #","args":{"name":\#(json(record.mode.laneName(lane)))}}"#
                    )
                }
            }
            let origin = record.startSeconds
            func microseconds(_ seconds: Double) -> String {
                NumberFormatting.fixed((origin + seconds) * 1e6, decimals: 3)
            }
            func duration(_ seconds: Double) -> String { NumberFormatting.fixed(max(seconds, 0) * 1e6, decimals: 3) }
            for span in timeline.spans {
                let name =
                    span.taskCount == 1
                    ? "task \(span.firstTask)" : "tasks \(span.firstTask)-\(span.firstTask + span.taskCount - 1)"
                var args =
                    #""first_task":\#(span.firstTask),"tasks":\#(span.taskCount),"repetition":\#(record.repetition)"#
                args += #","bytes_in":\#(span.bytesIn),"bytes_out":\#(span.bytesOut),"work_us":\#(duration(span.work))"#
                args += #","claimed_us":\#(microseconds(span.claimed)),"received_us":\#(microseconds(span.received))"#
                emit(
                    #"{"name":"\#(name)","cat":"task","ph":"X","pid":\#(pid)"#
                        + #","tid":\#(pid * 1000 + span.lane + 1),"ts":\#(microseconds(span.started))"#
                        + #","dur":\#(duration(span.ended - span.started)),"args":{\#(args)}}"#
                )
            }
            for lane in Set(timeline.events.compactMap(\.lane)).sorted() {
                let laneEvents = timeline.events.filter { $0.lane == lane }
                func all(_ kind: LaneEvent.Kind) -> [EventRow] { laneEvents.filter { $0.event == kind.rawValue } }
                let instants: Set<String> = [
                    LaneEvent.Kind.spawn.rawValue, LaneEvent.Kind.spawned.rawValue, LaneEvent.Kind.workerReady.rawValue,
                ]
                for event in laneEvents where instants.contains(event.event) {
                    let pidText = event.processID.map { #","pid_of_worker":\#($0)"# } ?? ""
                    emit(
                        #"{"name":"\#(event.event)","cat":"worker","ph":"i","s":"t","pid":\#(pid)"#
                            + #","tid":\#(pid * 1000 + lane + 1),"ts":\#(microseconds(event.at))"#
                            + #","args":{"repetition":\#(record.repetition)\#(pidText)}}"#
                    )
                }
                // Each worker of the lane (a replacement too): spawn to ready, finish to gone.
                for (spawn, ready) in zip(all(.spawn), all(.workerReady)) {
                    emit(
                        #"{"name":"worker start-up","cat":"worker","ph":"X","pid":\#(pid)"#
                            + #","tid":\#(pid * 1000 + lane + 1),"ts":\#(microseconds(spawn.at))"#
                            + #","dur":\#(duration(ready.at - spawn.at)),"args":{"repetition":\#(record.repetition)}}"#
                    )
                }
                for (request, gone) in zip(all(.finishRequested), all(.workerGone)) {
                    emit(
                        #"{"name":"worker finish","cat":"worker","ph":"X","pid":\#(pid)"#
                            + #","tid":\#(pid * 1000 + lane + 1),"ts":\#(microseconds(request.at))"#
                            + #","dur":\#(duration(gone.at - request.at)),"args":{"repetition":\#(record.repetition)}}"#
                    )
                }
            }
        }
        text += "\n]}\n"
        return text
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
