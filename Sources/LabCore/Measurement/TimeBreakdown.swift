/// The wall time of one repetition, cut into measured parts that add up to it.
///
/// Every part but teardown is the average over lanes of that lane's own time: a lane's window
/// runs from the moment the cell began until the cell's last result, and is cut into its
/// start-up (until the lane could claim), the work (task bodies), the exchange (busy with its
/// tasks but not in their bodies: claiming and making inputs, for processes writing to the
/// pipe, the worker waking, reading and answering, and the result coming back) and the idle
/// time (nothing claimed: the tail, or waiting for the rest of the pool). Teardown runs from
/// the last result until the pool is gone. What no part covers (the lab's own bookkeeping
/// around the cell) is the residual, shown rather than spread over the parts.
package struct TimeBreakdown: Sendable, Equatable {
    package var startupSeconds: Double
    package var workSeconds: Double
    package var exchangeSeconds: Double
    package var idleSeconds: Double
    package var teardownSeconds: Double
    package var residualSeconds: Double

    package init(
        startupSeconds: Double, workSeconds: Double, exchangeSeconds: Double, idleSeconds: Double,
        teardownSeconds: Double, residualSeconds: Double
    ) {
        self.startupSeconds = startupSeconds
        self.workSeconds = workSeconds
        self.exchangeSeconds = exchangeSeconds
        self.idleSeconds = idleSeconds
        self.teardownSeconds = teardownSeconds
        self.residualSeconds = residualSeconds
    }

    /// The parts, in order, with their column names' stems.
    package var parts: [(name: String, seconds: Double)] {
        [
            ("startup", startupSeconds), ("work", workSeconds), ("exchange", exchangeSeconds), ("idle", idleSeconds),
            ("teardown", teardownSeconds), ("residual", residualSeconds),
        ]
    }

    /// The sum of the parts, residual included: the wall time they were cut from.
    package var totalSeconds: Double { parts.reduce(0) { $0 + $1.seconds } }

    /// The part named `name` (as in ``parts``), 0 for an unknown name.
    package func seconds(of name: String) -> Double {
        parts.first { $0.name == name }?.seconds ?? 0
    }
}
