import Foundation

/// Keeps a run's chart and overview table inside a Markdown document (a README), between
/// marker comments, so that docs can be refreshed from data instead of pasted by hand:
///
///     <!-- lab:chart -->
///     ...replaced by the run's chart.txt in a code block...
///     <!-- /lab:chart -->
///     <!-- lab:overview -->
///     ...replaced by the overview table of report.md...
///     <!-- /lab:overview -->
package enum DocumentEmbedding {
    /// Why a document cannot take the blocks.
    package enum Failure: Error, CustomStringConvertible, Equatable, Sendable {
        case missingMarkers(String)

        package var description: String {
            switch self {
            case .missingMarkers(let name):
                "no '<!-- lab:\(name) -->' ... '<!-- /lab:...' block to fill; add one where it should go"
            }
        }
    }

    /// The blocks a run provides, by marker name, from its derived files.
    package static func blocks(_ derived: DerivedFiles) -> [(name: String, text: String)] {
        [
            ("chart", "```text\n" + derived.text(of: RunFolder.chartName) + "```\n"),
            ("overview", MarkdownReport.overview(derived.summaries)),
        ]
    }

    /// The text between a block's markers in `document`, if it has that block.
    package static func block(named name: String, in document: String) -> String? {
        guard let open = document.range(of: "<!-- lab:\(name) -->\n"),
            let close = document.range(of: "<!-- /lab:\(name) -->", range: open.upperBound..<document.endIndex)
        else { return nil }
        return String(document[open.upperBound..<close.lowerBound])
    }

    /// `document` with each block it has replaced; a document may hold the chart, the overview
    /// table, or both.
    /// - Throws: ``Failure/missingMarkers(_:)`` when the document has none of the blocks.
    package static func embed(_ blocks: [(name: String, text: String)], in document: String) throws(Failure) -> String {
        var text = document
        var filled = 0
        for (name, content) in blocks {
            guard let open = text.range(of: "<!-- lab:\(name) -->\n"),
                let close = text.range(of: "<!-- /lab:\(name) -->", range: open.upperBound..<text.endIndex)
            else { continue }
            text.replaceSubrange(open.upperBound..<close.lowerBound, with: content)
            filled += 1
        }
        if filled == 0 { throw .missingMarkers(blocks.map(\.name).joined(separator: "' or 'lab:")) }
        return text
    }
}
