import Synchronization

/// Where the lab's own helper processes come from: the executable that, given a hidden
/// command (`lab imageserver`, ...), serves as one. The command line sets it to its own
/// binary as it starts; a program that never does (a test binary) has none, and a fixture
/// then runs its server inside the process instead.
package enum HelperProcesses {
    private static let executable = Mutex<String?>(nil)

    /// The lab binary that serves hidden commands, once the command line said which.
    package static var executablePath: String? {
        get { executable.withLock { $0 } }
        set { executable.withLock { $0 = newValue } }
    }
}
