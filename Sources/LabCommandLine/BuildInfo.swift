import LabCore

/// What built this `lab`, for `run.json` and reports.
enum BuildInfo {
    static let labVersion = "0.9.0"

    static var swiftVersion: String {
        #if compiler(>=6.4)
        "6.4 or newer"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static var configuration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    /// The commit of the checkout this binary was built in (it lives in `<checkout>/.build`),
    /// read from `.git` directly; `nil` when there is none.
    static func gitCommit(executablePath: String) -> String? {
        var folder = executablePath
        while let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            folder = String(folder[..<slash])
            guard let head = Platform.readSmallFile(folder + "/.git/HEAD")?.trimmingWhitespace() else { continue }
            guard head.hasPrefix("ref: ") else { return head.isEmpty ? nil : head }
            let reference = String(head.dropFirst("ref: ".count))
            if let commit = Platform.readSmallFile(folder + "/.git/" + reference)?.trimmingWhitespace(), !commit.isEmpty
            {
                return commit
            }
            let packed = Platform.readSmallFile(folder + "/.git/packed-refs") ?? ""
            return packed.split(separator: "\n").first { $0.hasSuffix(" " + reference) }.map {
                String($0.prefix { $0 != " " })
            }
        }
        return nil
    }
}
