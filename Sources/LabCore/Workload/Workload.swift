/// What a workload mostly exercises; it decides which mode a reader expects to win.
public enum WorkloadKind: String, Sendable, CaseIterable, Codable {
    /// Computation: threads and processes both scale with cores.
    case cpu
    /// Waiting on sleep, disk or network: every concurrent mode overlaps the waits.
    case io
    /// Memory bandwidth, allocation or shared-state contention.
    case memory
    /// A mix of waiting and computing.
    case mixed
}

/// One kind of work the lab can run in every mode.
///
/// A workload is a value built from its validated ``Parameters`` and the number of tasks of the
/// run. The coordinator gives each task its index (`0..<taskCount`) and the bytes that
/// ``input(forTask:)`` produced for it, and receives a ``TaskOutput``.
///
/// What a body may and may not do:
/// - It must be deterministic: the same parameters and task index give the same checksum and
///   the same output bytes in every mode. That is how the lab proves that sequential, thread
///   and process runs did the same work, and that the pipe carried every byte faithfully.
/// - It must not touch global mutable state: in thread mode several tasks run at once in one
///   address space, in process mode each runs in a different one, and the two must agree.
/// - It must not write to standard output: in a worker process that descriptor is redirected to
///   standard error so that stray prints cannot corrupt the protocol, but they are still noise.
/// - It must consume what it computes (fold it into the checksum), or a release build may
///   optimise the work away.
/// - It may throw; the task is then recorded as failed with the error's description.
public protocol Workload: Sendable {
    /// The name users type (`--workloads primes`): lowercase letters, digits and dashes.
    static var name: String { get }
    /// What the workload mostly exercises.
    static var kind: WorkloadKind { get }
    /// One line saying what it does and what it shows.
    static var summary: String { get }
    /// The parameters it accepts, in the order they are shown and written.
    static var parameters: [ParameterSpec] { get }

    /// How many tasks a run has when the user does not say (`--tasks`).
    static func defaultTaskCount(for parameters: Parameters) -> Int

    /// Builds the workload for a run of `taskCount` tasks from validated parameters.
    /// - Throws: an error whose description says what is wrong when a combination of values
    ///   makes no sense; the run is refused before anything starts.
    init(parameters: Parameters, taskCount: Int) throws

    /// Builds the workload around its ``Dataset``, built (or mapped) by the runtime: the one
    /// the lab calls for a workload that has a dataset. The default ignores the dataset and
    /// calls ``init(parameters:taskCount:)``.
    init(parameters: Parameters, taskCount: Int, dataset: Dataset?) throws

    /// The bytes of the dataset every task reads, or `nil` (the default) for a workload
    /// without one. A dataset is built once per process (`--dataset copy`), or once by the
    /// coordinator and mapped by every worker (`--dataset map`).
    static func datasetBytes(for parameters: Parameters) -> Int?

    /// Writes the dataset into `buffer` (``datasetBytes(for:)`` bytes, zeroed): from the
    /// parameters alone, the same bytes in every process.
    static func fillDataset(_ buffer: UnsafeMutableRawBufferPointer, parameters: Parameters)

    /// The bytes task `index` receives. The coordinator's side calls this in every mode; in
    /// process mode the bytes then cross the request pipe. The default is no input.
    func input(forTask index: Int) -> [UInt8]

    /// Runs task `index` on `input` and returns its checksum, counts and result bytes.
    func run(task index: Int, input: [UInt8]) throws -> TaskOutput

    /// The body the `async` mode runs. A workload that waits (sleeping, downloading) should
    /// provide one that suspends instead of blocking a thread; it must return exactly what
    /// ``run(task:input:)`` returns. The default calls ``run(task:input:)``.
    func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput

    /// Starts what the workload needs on the coordinator's side for the whole run, such as a
    /// local server; `nil` (the default) when it needs nothing.
    static func startFixture(parameters: Parameters) throws -> (any WorkloadFixture)?

    /// Why these parameters cannot run in `mode`, or `nil` (the default) when they can. The
    /// run is refused before it starts.
    static func refusal(for mode: ExecutionMode, parameters: Parameters) -> String?

    /// The integer parameter a task's work grows with (doubling it should about double a
    /// task's time), or `nil` when the task count is the size. `lab bench` doubles it to check
    /// that the work was not removed by the optimiser. The default is the first integer
    /// parameter.
    static var sizeParameter: String? { get }

    /// Whether `lab run` without `--workloads` runs it (the default is true; a demonstration
    /// that fails on purpose, like `fault`, says false and runs only when named).
    static var isInDefaultPlan: Bool { get }

    /// How many descriptors one task in flight holds open in the process that runs it (a
    /// socket, say; the default is none): the lab raises its open-file limit to what its
    /// widest cell needs, or says in one line that the system's limit is too low.
    static var descriptorsPerTask: Int { get }
}

extension Workload {
    public func input(forTask index: Int) -> [UInt8] { [] }

    public init(parameters: Parameters, taskCount: Int, dataset: Dataset?) throws {
        try self.init(parameters: parameters, taskCount: taskCount)
    }

    public static func datasetBytes(for parameters: Parameters) -> Int? { nil }

    public static func fillDataset(_ buffer: UnsafeMutableRawBufferPointer, parameters: Parameters) {}

    public func runAsync(task index: Int, input: [UInt8]) async throws -> TaskOutput {
        try run(task: index, input: input)
    }

    public static func startFixture(parameters: Parameters) throws -> (any WorkloadFixture)? { nil }

    public static func refusal(for mode: ExecutionMode, parameters: Parameters) -> String? { nil }

    public static var isInDefaultPlan: Bool { true }

    public static var descriptorsPerTask: Int { 0 }

    public static var sizeParameter: String? {
        parameters.first { $0.integerRange != nil }?.name
    }

    /// The validated parameters this workload type would get from `overrides` alone.
    public static func parameters(
        overriding overrides: [String: String] = [:], quick: Bool = false
    ) throws(ConfigurationError) -> Parameters {
        try Parameters(workload: name, specs: parameters, overrides: overrides, quick: quick)
    }
}
