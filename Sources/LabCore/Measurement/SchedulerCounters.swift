/// What the scheduler says of one thread: how long it ran, how long it was runnable but
/// waited for a core (run delay), and how often it moved to another CPU. Read from
/// `/proc/<pid>/task/<tid>/schedstat` and `.../sched`; summed over a cell's lanes.
package struct SchedulerCounters: Sendable, Equatable {
    /// Time on a CPU, seconds.
    package var runningSeconds: Double
    /// Time runnable but waiting on a run queue for a core, seconds.
    package var waitingSeconds: Double
    /// Moves to another CPU (`se.nr_migrations`).
    package var migrations: Int

    package init(runningSeconds: Double = 0, waitingSeconds: Double = 0, migrations: Int = 0) {
        self.runningSeconds = runningSeconds
        self.waitingSeconds = waitingSeconds
        self.migrations = migrations
    }

    /// What accumulated between `earlier` and `self`.
    package func since(_ earlier: SchedulerCounters) -> SchedulerCounters {
        SchedulerCounters(
            runningSeconds: runningSeconds - earlier.runningSeconds,
            waitingSeconds: waitingSeconds - earlier.waitingSeconds,
            migrations: migrations - earlier.migrations)
    }

    /// Two lanes' (or two readings') figures together.
    package static func + (left: SchedulerCounters, right: SchedulerCounters) -> SchedulerCounters {
        SchedulerCounters(
            runningSeconds: left.runningSeconds + right.runningSeconds,
            waitingSeconds: left.waitingSeconds + right.waitingSeconds,
            migrations: left.migrations + right.migrations)
    }

    /// Parses a `schedstat` file (`running_ns waiting_ns timeslices`) and a `sched` file (its
    /// `se.nr_migrations` line); `nil` when either lacks its figures (a kernel without
    /// scheduler statistics).
    package static func parse(schedstat: String, sched: String) -> SchedulerCounters? {
        let fields = schedstat.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let running = UInt64(fields[0]), let waiting = UInt64(fields[1]) else { return nil }
        guard let migrations = ProcText.value(named: "se.nr_migrations", in: sched, separator: ":") else { return nil }
        return SchedulerCounters(
            runningSeconds: Double(running) / 1e9, waitingSeconds: Double(waiting) / 1e9, migrations: migrations)
    }
}

/// Reading `name: value` lines of /proc files, byte by byte: the counters are read at both
/// ends of every lane, and splitting a file into substrings cost several times the read.
enum ProcText {
    /// The first whole number after `name` and `separator` at the start of a line of `text`.
    static func value(named name: String, in text: String, separator: Character) -> Int? {
        values(named: [name], in: text, separator: separator)[0]
    }

    /// ``value(named:in:separator:)`` for several names in one pass over `text`.
    static func values(named names: [String], in text: String, separator: Character) -> [Int?] {
        let keys = names.map { Array($0.utf8) }
        let mark = separator.asciiValue ?? UInt8(ascii: ":")
        var text = text
        return text.withUTF8 { bytes in
            var found = [Int?](repeating: nil, count: keys.count)
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                for (index, key) in keys.enumerated() where found[index] == nil && lineEnd - lineStart > key.count {
                    guard bytes[lineStart..<(lineStart + key.count)].elementsEqual(key) else { continue }
                    var at = skipBlanks(bytes, from: lineStart + key.count, to: lineEnd)
                    guard at < lineEnd, bytes[at] == mark else { continue }
                    at = skipBlanks(bytes, from: at + 1, to: lineEnd)
                    found[index] = number(bytes, from: at, to: lineEnd)
                }
                lineStart = lineEnd + 1
            }
            return found
        }
    }

    /// The whole numbers of one line, separated by blanks (a word that is not one is skipped).
    static func numbers(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> [Int] {
        var values: [Int] = []
        var at = skipBlanks(bytes, from: start, to: end)
        while at < end {
            var next = at
            while next < end, bytes[next] != UInt8(ascii: " "), bytes[next] != UInt8(ascii: "\t") { next += 1 }
            if let value = number(bytes, from: at, to: next) { values.append(value) }
            at = skipBlanks(bytes, from: next, to: end)
        }
        return values
    }

    static func skipBlanks(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var at = start
        while at < end, bytes[at] == UInt8(ascii: " ") || bytes[at] == UInt8(ascii: "\t") { at += 1 }
        return at
    }

    /// The digits starting at `start` as a number; `nil` when there are none.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var value = 0
        var at = start
        while at < end, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
            value = value &* 10 &+ Int(bytes[at] - UInt8(ascii: "0"))
            at += 1
        }
        return at > start ? value : nil
    }
}
