import Foundation
import LabCore

/// The samples of `lab` output on the pages, each made by the command its marker names and
/// remade by `Scripts/refresh-docs.sh`, so that no page shows what this version would not print:
///
///     <!-- lab:sample scale --workload primes ; quick: --quick --workers 1,2 -->
///     ```text
///     $ lab scale --workload primes
///     ...what that command printed...
///     ```
///     *lab 0.8.0, release build, AMD EPYC 7B13 (2 cores), 2026-12-07*
///     <!-- /lab:sample -->
///
/// The arguments before `;` are the command as the page shows it; those after `quick:` are
/// added when a test runs it at a size that takes seconds (later options win, so `--set`
/// and `--workers` there replace the page's). A sample is standard output, and standard
/// error too when the command fails (an error's one line is the sample). The options tables
/// work the same way, from the specs that make each command's `--help`:
///
///     <!-- lab:options run -->
///     ...the table of `lab help run --markdown`...
///     <!-- /lab:options -->
package enum DocumentSamples {
    /// One sample's marker: what made it, and what a quick check adds.
    package struct Sample: Equatable, Sendable {
        /// The arguments after `lab`, as the page shows them.
        package var arguments: [String]
        /// What a test adds to run it at its quick size.
        package var quickArguments: [String]
        /// The text between the markers.
        package var body: String

        package init(arguments: [String], quickArguments: [String], body: String) {
            self.arguments = arguments
            self.quickArguments = quickArguments
            self.body = body
        }

        /// The output the page shows: the code block's lines after the `$ lab` line.
        package var output: String {
            var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let open = lines.firstIndex(where: { $0.hasPrefix("```") }) else { return "" }
            lines.removeFirst(open + 1)
            if lines.first?.hasPrefix("$ ") == true { lines.removeFirst() }
            guard let close = lines.firstIndex(where: { $0.hasPrefix("```") }) else { return "" }
            return lines[..<close].map { $0 + "\n" }.joined()
        }
    }

    static let sampleOpen = "<!-- lab:sample "
    static let sampleClose = "<!-- /lab:sample -->"
    static let optionsOpen = "<!-- lab:options "
    static let optionsClose = "<!-- /lab:options -->"

    /// Every sample of `page`, in order.
    package static func samples(in page: String) -> [Sample] {
        blocks(in: page, open: sampleOpen, close: sampleClose).map { marker, body in
            let parts = marker.components(separatedBy: " ; quick:")
            return Sample(
                arguments: words(parts[0]), quickArguments: parts.count > 1 ? words(parts[1]) : [], body: body)
        }
    }

    /// The command names of every options table of `page`, in order, with each table's text.
    package static func optionTables(in page: String) -> [(command: String, body: String)] {
        blocks(in: page, open: optionsOpen, close: optionsClose).map {
            (command: $0.marker.trimmingWhitespace(), body: $0.body)
        }
    }

    /// `page` with each sample's body made by `make` from its marker, and each options table by
    /// `table` from its command's name.
    package static func refreshed(
        _ page: String, sample make: (Sample) throws -> String, table: (String) throws -> String
    ) rethrows -> String {
        var samples = self.samples(in: page)[...]
        var text = try replacingBlocks(in: page, open: sampleOpen, close: sampleClose) { _ in
            try make(samples.removeFirst())
        }
        text = try replacingBlocks(in: text, open: optionsOpen, close: optionsClose) { marker in
            try table(marker.trimmingWhitespace())
        }
        return text
    }

    /// What a sample shows of a command that ended with `status`: its standard output, and when
    /// it failed, the lab's own verdict lines of its standard error (`lab: 3 of 3 repetitions
    /// failed`, the error of bad input), without its warnings of the moment (`lab: warning:`),
    /// its progress (`lab: bench: ...`) or what crashing workers printed there.
    package static func sampleText(standardOutput: String, standardError: String, status: Int32) -> String {
        guard status != 0 else { return standardOutput }
        // Bad input is one line, whatever it says.
        let progress =
            status == 2
            ? [] : ["lab: bench", "lab: crossover", "lab: scale", "lab: calibrate", "lab: resuming", "lab: warning:"]
        let verdicts = standardError.split(separator: "\n").filter { line in
            line.hasPrefix("lab: ") && !progress.contains { line.hasPrefix($0) }
        }
        return standardOutput + verdicts.map { $0 + "\n" }.joined()
    }

    /// A sample's body: the command, what it printed, and what made it.
    package static func body(arguments: [String], output: String, madeBy: String) -> String {
        "```text\n$ lab \(arguments.joined(separator: " "))\n" + output
            + (output.hasSuffix("\n") || output.isEmpty ? "" : "\n") + "```\n*\(madeBy)*\n"
    }

    // MARK: - Shape

    /// The shape of some output: for each line that has one, its label, the words before its
    /// first number (numbers, bars and rules left out). Two runs of one command on one machine
    /// print other numbers; they print the same labels and columns, and another version of the
    /// lab prints others (a row added or renamed, a column, another wording).
    package static func shape(of output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            var label: [Substring] = []
            for word in line.split(separator: " ") {
                if word.contains(where: \.isNumber) {
                    if label.isEmpty { continue }
                    break
                }
                if word.allSatisfy({ "#|-=+*.:[]()".contains($0) }) { continue }
                label.append(word)
            }
            return label.isEmpty ? nil : label.joined(separator: " ")
        }
    }

    /// How the shape of `sample` (a page's) differs from that of `fresh` (this version's): the
    /// labels only one of them has. Empty when they agree. Lines after the first blank line
    /// whose first word is shared count by that word alone when `findingsByFirstWord`: a
    /// finding's wording follows the numbers (a best count of 1 worker is said otherwise than
    /// one of 8), and a quick run's numbers are not the page's.
    package static func shapeDifference(
        sample: String, fresh: String, findingsByFirstWord: Bool
    ) -> (onlyInSample: [String], onlyInFresh: [String]) {
        func labels(_ text: String) -> Set<String> {
            guard findingsByFirstWord, let blank = text.range(of: "\n\n") else { return Set(shape(of: text)) }
            let chart = Set(shape(of: String(text[..<blank.lowerBound])))
            let findings = shape(of: String(text[blank.upperBound...])).map {
                String($0.prefix { $0 != " " && $0 != ":" })
            }
            return chart.union(findings)
        }
        let old = labels(sample)
        let new = labels(fresh)
        return (old.subtracting(new).sorted(), new.subtracting(old).sorted())
    }

    // MARK: - Markers

    static func words(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }

    /// Each block's marker text (after the opening word, before ` -->`) and body. A marker is
    /// a line of its own, outside code blocks: a page may show one in a code block as an example.
    static func blocks(in page: String, open: String, close: String) -> [(marker: String, body: String)] {
        markerRanges(in: page, open: open, close: close).map { (String(page[$0.marker]), String(page[$0.body])) }
    }

    /// Where each block's marker text and body are: an opening line `open` ... ` -->` outside
    /// code fences, up to the next line that is `close`.
    static func markerRanges(
        in page: String, open: String, close: String
    ) -> [(marker: Range<String.Index>, body: Range<String.Index>)] {
        var found: [(Range<String.Index>, Range<String.Index>)] = []
        var inFence = false
        var opened: (marker: Range<String.Index>, bodyStart: String.Index)?
        var lineStart = page.startIndex
        while lineStart < page.endIndex {
            let lineEnd = page[lineStart...].firstIndex(of: "\n") ?? page.endIndex
            let line = page[lineStart..<lineEnd]
            let next = lineEnd < page.endIndex ? page.index(after: lineEnd) : lineEnd
            if let start = opened {
                if line == close {
                    found.append((start.marker, start.bodyStart..<lineStart))
                    opened = nil
                }
            } else if line.hasPrefix("```") {
                inFence.toggle()
            } else if !inFence, line.hasPrefix(open), line.hasSuffix(" -->"), line.count > open.count + 4 {
                let markerStart = page.index(lineStart, offsetBy: open.count)
                let markerEnd = page.index(lineEnd, offsetBy: -4)
                opened = (markerStart..<markerEnd, next)
            }
            lineStart = next
        }
        return found
    }

    static func replacingBlocks(
        in page: String, open: String, close: String, _ make: (String) throws -> String
    ) rethrows -> String {
        var text = ""
        var copied = page.startIndex
        for block in markerRanges(in: page, open: open, close: close) {
            text += page[copied..<block.body.lowerBound]
            text += try make(String(page[block.marker]))
            copied = block.body.upperBound
        }
        return text + page[copied...]
    }
}

extension DocumentSamples.Sample {
    /// The arguments a test runs: the page's, with each option the quick ones give taken from
    /// them instead (`--set W.P=V` replaced per parameter, others per name), then the quick
    /// ones that are new.
    package var quickRun: [String] {
        func options(_ arguments: [String]) -> [(key: String, words: [String])] {
            var found: [(String, [String])] = []
            var index = 0
            while index < arguments.count {
                var words = [arguments[index]]
                if arguments[index].hasPrefix("--"), index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--")
                {
                    words.append(arguments[index + 1])
                }
                let key = words[0] == "--set" && words.count == 2 ? "--set " + words[1].prefix { $0 != "=" } : words[0]
                found.append((key, words))
                index += words.count
            }
            return found
        }
        let quick = options(quickArguments)
        let given = options(arguments)
        let replaced = Set(quick.map(\.key))
        var run: [String] = []
        for (offset, option) in given.enumerated() {
            // The command's name stays first.
            if offset > 0, replaced.contains(option.key), let instead = quick.first(where: { $0.key == option.key }) {
                run += instead.words
            } else {
                run += option.words
            }
        }
        let kept = Set(given.map(\.key))
        for option in quick where !kept.contains(option.key) { run += option.words }
        return run
    }
}
