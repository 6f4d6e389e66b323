/// The workloads a lab knows, by name, in the order they are listed and run.
/// The coordinator and every worker process are given the same registry.
package struct WorkloadRegistry: Sendable {
    /// The registered workload types, in listing order.
    package let types: [any Workload.Type]

    /// - Precondition: names are unique and keep ``WorkloadName``'s rule (a duplicate or a bad
    ///   name is a programmer error in the list; `LabCommandLine.main(adding:)` checks a
    ///   package's own names first and says so in one line).
    package init(_ types: [any Workload.Type]) {
        var seen = Set<String>()
        for type in types {
            precondition(
                WorkloadName.isValid(type.name), "workload name '\(type.name)' breaks the rule: \(WorkloadName.rule)")
            precondition(seen.insert(type.name).inserted, "workload '\(type.name)' is registered twice")
        }
        self.types = types
    }

    /// The registered names, in listing order.
    package var names: [String] { types.map { $0.name } }

    /// The names `lab run` runs when no `--workloads` is given.
    package var defaultPlanNames: [String] { types.filter { $0.isInDefaultPlan }.map { $0.name } }

    /// The workload type called `name`.
    /// - Throws: ``ConfigurationError/unknownWorkload(_:known:)`` listing the known names.
    package func type(named name: String) throws(ConfigurationError) -> any Workload.Type {
        guard let type = types.first(where: { $0.name == name }) else {
            throw .unknownWorkload(name, known: names)
        }
        return type
    }

    /// Builds the workload called `name` from its canonical parameter text (what a worker
    /// process receives), with its dataset mapped from `datasetPath` (another process's
    /// ``Dataset/sharedPath``), or built here when there is none.
    package func makeWorkload(
        named name: String, canonicalParameters: String, fixtureValues: [String: String] = [:], taskCount: Int,
        datasetPath: String? = nil
    ) throws -> any Workload {
        let type = try type(named: name)
        let parameters = try Parameters(workload: name, specs: type.parameters, canonicalText: canonicalParameters)
        var dataset: Dataset?
        if let datasetPath, let count = type.datasetBytes(for: parameters) {
            do {
                dataset = try Dataset.mapping(datasetPath, count: count)
            } catch {
                throw LabFailure("cannot map the dataset of \(name) from \(datasetPath): \(error)")
            }
        } else {
            dataset = Dataset.inHeap(of: type, parameters: parameters)
        }
        return try type.init(
            parameters: parameters.adding(fixtureValues: fixtureValues), taskCount: taskCount, dataset: dataset)
    }
}
