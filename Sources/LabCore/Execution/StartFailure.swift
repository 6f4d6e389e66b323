/// A cell whose workers cannot start at all (its fork server did not start): every task fails
/// with that reason, as when spawning fails.
struct StartFailure: TaskRunner {
    let error: ExecutionError

    func run(_ workload: ConfiguredWorkload) -> ExecutionResult {
        ExecutionResult(startupSeconds: 0, tally: TaskTally(), failure: error, failureCount: 1)
    }
}
