import Foundation
import Testing

@testable import LabReport

@Suite struct DocumentSamplesTests {
    static let page = """
        # A page

        <!-- lab:sample scale --workload primes ; quick: --quick --workers 1,2 -->
        ```text
        $ lab scale --workload primes
        x1   threads   ####|   1.00x [0.99-1.00]

        threads: best 1.98x at 8 workers (efficiency 0.25, serial fraction 0.433)
        ```
        *made by someone*
        <!-- /lab:sample -->

        Between.

        <!-- lab:options run -->
        | old table |
        <!-- /lab:options -->

        """

    @Test("a page's samples: the command, the quick additions, the output shown")
    func samples() throws {
        let samples = DocumentSamples.samples(in: Self.page)
        try #require(samples.count == 1)
        #expect(samples[0].arguments == ["scale", "--workload", "primes"])
        #expect(samples[0].quickArguments == ["--quick", "--workers", "1,2"])
        #expect(samples[0].output.hasPrefix("x1   threads"))
        #expect(samples[0].output.hasSuffix("serial fraction 0.433)\n"))
        #expect(DocumentSamples.optionTables(in: Self.page).map(\.command) == ["run"])
    }

    @Test("refreshing replaces what is between the markers and nothing else")
    func refreshing() {
        let refreshed = DocumentSamples.refreshed(
            Self.page,
            sample: { sample in
                DocumentSamples.body(arguments: sample.arguments, output: "new output\n", madeBy: "lab 9.9.9")
            }, table: { "| table of \($0) |\n" })
        #expect(
            refreshed.contains(
                "<!-- lab:sample scale --workload primes ; quick: --quick --workers 1,2 -->\n```text\n$ lab scale --workload primes\nnew output\n```\n*lab 9.9.9*\n<!-- /lab:sample -->\n\nBetween."
            ))
        #expect(refreshed.contains("<!-- lab:options run -->\n| table of run |\n<!-- /lab:options -->\n"))
        #expect(!refreshed.contains("serial fraction") && !refreshed.contains("old table"))
        #expect(refreshed.hasPrefix("# A page\n\n") && refreshed.hasSuffix("<!-- /lab:options -->\n"))
        // Refreshed twice, the same.
        #expect(
            DocumentSamples.refreshed(refreshed, sample: { _ in "x\n" }, table: { _ in "y\n" })
                == DocumentSamples.refreshed(Self.page, sample: { _ in "x\n" }, table: { _ in "y\n" }))
    }

    @Test("a quick run takes the quick options in place of the page's, --set per parameter")
    func quickRun() {
        var sample = DocumentSamples.Sample(
            arguments: [
                "run", "--workloads", "sleep", "--set", "sleep.seconds=3,2,1", "--set", "primes.limit=5", "--workers",
                "3", "--quiet",
            ],
            quickArguments: ["--set", "sleep.seconds=0.3,0.2,0.1", "--repetitions", "1"], body: "")
        #expect(
            sample.quickRun == [
                "run", "--workloads", "sleep", "--set", "sleep.seconds=0.3,0.2,0.1", "--set", "primes.limit=5",
                "--workers", "3", "--quiet", "--repetitions", "1",
            ])
        sample = DocumentSamples.Sample(arguments: ["explain", "Results/reference"], quickArguments: [], body: "")
        #expect(sample.quickRun == ["explain", "Results/reference"])
    }

    @Test("a shape keeps labels and columns and drops numbers and bars")
    func shape() {
        let chart = """
            primes (cpu)  limit=9000000  tasks=8
              median wall time of 5 repetitions; speedup = sequential / mode
              sequential     |################################    843 ms   1.00x
            x2   threads   ######## |                          1.98x [1.97-2.00]
            thread_create_join                                   48.08 us
            | workload | kind | sequential |
            |---|---|---|

            """
        #expect(
            DocumentSamples.shape(of: chart) == [
                "primes (cpu)", "median wall time of", "sequential", "threads", "thread_create_join",
                "workload kind sequential",
            ])
    }

    @Test("two outputs that differ in a row, a column or a wording differ in shape; in numbers they do not")
    func shapeDifference() {
        let old = "a_row   1.00 us\nb_row   2.00 us\n\nthreads: best 1.98x at 8 workers (serial fraction 0.433)\n"
        let sameShape = "a_row   9.50 us\nb_row   7.00 us\n\nthreads: best 1.50x at 2 workers (serial fraction 0.1)\n"
        let newRow =
            "a_row   1.00 us\nb_row   2.00 us\nc_row 3 us\n\nthreads: best 1.98x at 8 workers (serial fraction 0.433)\n"
        let newWords = "a_row   1.00 us\nb_row   2.00 us\n\nthreads: the best is 1.98x at 8 workers\n"
        #expect(DocumentSamples.shapeDifference(sample: old, fresh: sameShape, findingsByFirstWord: false) == ([], []))
        #expect(
            DocumentSamples.shapeDifference(sample: old, fresh: newRow, findingsByFirstWord: false) == ([], ["c_row"]))
        #expect(
            DocumentSamples.shapeDifference(sample: old, fresh: newWords, findingsByFirstWord: false) == (
                ["threads: best"], ["threads: the best is"]
            ))
        // Findings after the chart count by their first word when asked: their wording follows the numbers.
        #expect(DocumentSamples.shapeDifference(sample: old, fresh: newWords, findingsByFirstWord: true) == ([], []))
        #expect(
            DocumentSamples.shapeDifference(sample: old, fresh: newRow, findingsByFirstWord: true) == ([], ["c_row"]))
    }
}

extension DocumentSamplesTests {
    @Test("a marker counts only as a line of its own outside code blocks")
    func markersInCode() {
        let page = """
            ```text
            <!-- lab:sample scale --workload primes -->
            shown as an example
            <!-- /lab:sample -->
            ```
            Inline `<!-- lab:sample run -->` is text too.
            <!-- lab:sample list -->
            old
            <!-- /lab:sample -->

            """
        #expect(DocumentSamples.samples(in: page).map(\.arguments) == [["list"]])
        let refreshed = DocumentSamples.refreshed(page, sample: { _ in "new\n" }, table: { _ in "" })
        #expect(refreshed == page.replacingOccurrences(of: "old\n", with: "new\n"))
    }
}
