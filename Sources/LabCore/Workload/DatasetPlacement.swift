/// Where the worker processes of a process cell get the workload's ``Dataset`` (`--dataset`).
public enum DatasetPlacement: String, Sendable, CaseIterable, Codable {
    /// Every worker builds a copy of its own while it starts: a second heap each, and its
    /// building is part of every worker's start-up (what a process pool does by default).
    case copy
    /// The coordinator's copy, which it built once for the whole run in an anonymous memory
    /// file, is mapped read-only by every worker: the pages exist once for every process.
    case map

    /// The one place that says which placement is the default (`--dataset`).
    package static let `default` = DatasetPlacement.copy

    /// What a cell label adds for it: nothing for the default copy, `, mapped` for map.
    public var labelSuffix: String { self == .map ? ", mapped" : "" }
}
