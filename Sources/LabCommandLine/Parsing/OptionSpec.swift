/// One option a command accepts, with what its help shows.
struct OptionSpec {
    /// `--workers`.
    let name: String
    /// `LIST`, `N`; `nil` for a flag that takes no value.
    let valueName: String?
    /// What a valid value looks like, for errors.
    let expected: String
    /// Whether it may be given more than once (like `--set`).
    let repeatable: Bool
    /// One or two lines of help.
    let help: String
    /// The default, as help shows it; `nil` when none is worth saying.
    let defaultDescription: String?
    /// The default as a page says it, when help says it with this machine's numbers ("2, the
    /// number of cores" here, "the number of cores" on a page read on any machine).
    let portableDefault: String?

    init(
        _ name: String, value: String? = nil, expected: String = "", repeatable: Bool = false,
        default defaultDescription: String? = nil, portableDefault: String? = nil, help: String
    ) {
        self.name = name
        self.valueName = value
        self.expected = expected
        self.repeatable = repeatable
        self.help = help
        self.defaultDescription = defaultDescription
        self.portableDefault = portableDefault
    }
}
