/// A workload with its parameters and task count, ready to run: what every mode receives.
///
/// Building one validates the parameters and builds the workload, and starts nothing: a
/// workload's fixture (a local server) runs only inside ``withFixture(_:)``, which the
/// experiment loop calls around a workload's cells.
package struct ConfiguredWorkload: Sendable {
    package let type: any Workload.Type
    /// The validated parameters, with the fixture's values added inside ``withFixture(_:)``.
    package let parameters: Parameters
    package let taskCount: Int
    /// The workload built with these parameters: what runs the tasks.
    package let instance: any Workload
    /// The running fixture, inside ``withFixture(_:)``; `nil` outside it or when the workload
    /// has none.
    package let fixture: (any WorkloadFixture)?
    /// The coordinator's copy of the workload's dataset, built once in a memory file that
    /// `--dataset map` workers map; `nil` for a workload without one.
    package let dataset: Dataset?
    /// For an ``InPlaceWorkload``: the largest input and the largest result of any of its
    /// tasks, which size a worker's shared slots; `nil` for any other workload.
    package let largestInPlaceBytes: (input: Int, result: Int)?

    /// Builds the workload (and its dataset); starts nothing.
    /// - Parameter taskCount: the number of tasks; `nil` takes the workload's default.
    /// - Throws: whatever the workload's initialiser throws for these parameters.
    package init(type: any Workload.Type, parameters: Parameters, taskCount: Int? = nil) throws {
        try self.init(
            type: type, parameters: parameters, taskCount: taskCount, fixture: nil,
            dataset: try Dataset.shared(of: type, parameters: parameters))
    }

    private init(
        type: any Workload.Type, parameters: Parameters, taskCount: Int?, fixture: (any WorkloadFixture)?,
        dataset: Dataset?
    ) throws {
        self.fixture = fixture
        self.type = type
        self.parameters = parameters
        self.dataset = dataset
        self.taskCount = taskCount ?? type.defaultTaskCount(for: parameters)
        let workload = try type.init(parameters: parameters, taskCount: self.taskCount, dataset: dataset)
        self.instance = workload
        let taskCount = self.taskCount
        largestInPlaceBytes = (workload as? any InPlaceWorkload).map { inPlace in
            (0..<taskCount).reduce((input: 0, result: 0)) { largest, index in
                (
                    max(largest.input, inPlace.inputByteCount(forTask: index)),
                    max(largest.result, inPlace.resultByteCount(forTask: index))
                )
            }
        }
    }

    /// Starts the workload's fixture, if it has one, runs `body` with the workload built
    /// again with the fixture's values, and stops the fixture when `body` returns or throws.
    /// - Throws: what starting the fixture, building the workload or `body` throws.
    package func withFixture<T>(_ body: (ConfiguredWorkload) throws -> T) throws -> T {
        guard let fixture = try type.startFixture(parameters: parameters) else { return try body(self) }
        defer { fixture.stop() }
        return try body(
            ConfiguredWorkload(
                type: type, parameters: parameters.adding(fixtureValues: fixture.values), taskCount: taskCount,
                fixture: fixture, dataset: dataset))
    }

    /// ``withFixture(_:)`` for an async `body` (tests and async callers).
    package func withFixture<T>(_ body: (ConfiguredWorkload) async throws -> T) async throws -> T {
        guard let fixture = try type.startFixture(parameters: parameters) else { return try await body(self) }
        defer { fixture.stop() }
        return try await body(
            ConfiguredWorkload(
                type: type, parameters: parameters.adding(fixtureValues: fixture.values), taskCount: taskCount,
                fixture: fixture, dataset: dataset))
    }

    package var name: String { type.name }
}
