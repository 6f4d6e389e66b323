/// A package of a user's own is the lab under another name (`vowels run`, `vowels: unknown
/// workload`): the help texts and messages, written once with `lab`, name the binary that
/// prints them. Only where `lab` is the program is it renamed: `lab:` opening a line, and
/// `lab` before one of its commands (or `--help`, `<command>`) at a line's start, after
/// `USAGE: `, two spaces, a quote, a backtick or a parenthesis; "the lab measures" stays.
package enum ProgramName {
    /// `text` with the program called `name` instead of `lab`.
    package static func rename(_ text: String, to name: String, commands: Set<String>) -> String {
        guard name != "lab" else { return text }
        var result = ""
        result.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            let before = result.last
            let opensLine = before == nil || before == "\n"
            let afterMark =
                opensLine || before.map { "'`(\"".contains($0) } == true || result.hasSuffix("  ")
                || result.hasSuffix("USAGE: ")
            if afterMark, rest.hasPrefix("lab") {
                let after = rest.dropFirst(3)
                if opensLine, after.hasPrefix(": ") {
                    result += name
                    index = after.startIndex
                    continue
                }
                if after.hasPrefix(" ") {
                    let word = after.dropFirst().prefix { !" \n'`),.;".contains($0) }
                    if commands.contains(String(word)) || word == "--help" || word == "-h" || word == "--version"
                        || word == "<command>"
                    {
                        result += name
                        index = after.startIndex
                        continue
                    }
                }
            }
            result.append(text[index])
            index = text.index(after: index)
        }
        return result
    }
}
