import CLabSupport
import Glibc

extension Platform {
    /// Waits while `condition` holds, at most `seconds`; returns whether it stopped holding.
    /// For a child that another thread reaps (Foundation's, or a fork server's reader): polling
    /// with a short pause is the bounded wait that allows.
    package static func wait(seconds: Double, while condition: () -> Bool) -> Bool {
        let deadline = Platform.monotonicSeconds() + seconds
        while condition() {
            if Platform.monotonicSeconds() > deadline { return false }
            Platform.sleep(seconds: 0.0005)
        }
        return true
    }

    /// Whether process `processID` is still there (reaped or not, as long as its ID is taken).
    /// The corresponding C call is `kill(pid, 0)`.
    package static func processExists(_ processID: Int32) -> Bool {
        kill(processID, 0) == 0
    }

    /// Forks this process. Returns 0 in the child and the child's process ID in the parent.
    /// Only for a single-threaded process: a child of a threaded one has one thread left and
    /// whatever locks the others held. The corresponding C function is `fork`.
    package static func fork() throws(SystemError) -> Int32 {
        let child = Glibc.fork()
        if child < 0 { throw SystemError(call: "fork", errno: errno) }
        return child
    }

    /// Starts `executable` with `arguments` and `environment`, reading `input` and writing
    /// `output` as its standard input and output, every other descriptor closed, no signal
    /// blocked. Unlike Foundation's `Process`, which keeps two threads to watch its children,
    /// nothing watches it: the caller reaps it (``reap(_:blocking:)``).
    /// The corresponding C function is `posix_spawn`.
    package static func spawn(
        _ executable: String, arguments: [String], environment: [String: String], input: Int32, output: Int32
    ) throws(SystemError) -> Int32 {
        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        var processID: Int32 = 0
        let error = (argv + [nil]).withUnsafeBufferPointer { arguments in
            (envp + [nil]).withUnsafeBufferPointer { environment in
                lab_spawn(executable, arguments.baseAddress, environment.baseAddress, input, output, &processID)
            }
        }
        if error != 0 { throw SystemError(call: "posix_spawn", errno: error) }
        return processID
    }

    /// Reaps child `processID` once it has ended: its raw wait status, or `nil` while it runs
    /// (without `blocking`). The corresponding C function is `waitpid`.
    package static func reap(_ processID: Int32, blocking: Bool) throws(SystemError) -> Int32? {
        var status: Int32 = 0
        while true {
            let child = waitpid(processID, &status, blocking ? 0 : WNOHANG)
            if child == processID { return status }
            if child == 0 { return nil }
            if errno == EINTR { continue }
            throw SystemError(call: "waitpid", errno: errno)
        }
    }

    /// Reaps one ended child: its process ID, raw wait status and what it used over its whole
    /// life (the peak is ru_maxrss, which a spawned child starts at its parent's size), `nil`
    /// when no child has ended (or, when `blocking`, when there is no child left). With
    /// `blocking` it waits for one. The corresponding C function is `wait4(-1)`.
    package static func reapChild(blocking: Bool) -> (processID: Int32, status: Int32, usage: ResourceUsage)? {
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let child = wait4(-1, &status, blocking ? 0 : WNOHANG, &usage)
            if child > 0 { return (child, status, ResourceUsage(usage)) }
            if child < 0, errno == EINTR { continue }
            return nil
        }
    }

    /// Ends the process at once with `status`: no exit handlers, no buffers flushed. For a
    /// forked child and for a signal handler. The corresponding C function is `_exit`.
    package static func exitImmediately(_ status: Int32) -> Never {
        _exit(status)
    }

    /// Ends the process with `status`, running its exit handlers. The corresponding C function is `exit`.
    package static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }

    /// Sleeps until a signal's handler has run. The corresponding C function is `pause`.
    package static func waitForSignal() {
        pause()
    }

    /// Unblocks every signal for the calling thread (a process started from a thread that
    /// blocked some inherits that mask). The corresponding C function is `sigprocmask`.
    package static func unblockAllSignals() {
        _ = lab_unblock_all_signals()
    }

    /// Unblocks `number` for the calling thread. The corresponding C function is `sigprocmask`.
    package static func unblockSignal(_ number: Int32) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// A descriptor that is readable when a child has ended (SIGCHLD is blocked and delivered
    /// through it instead). The corresponding C function is `signalfd`.
    package static func childSignalDescriptor() throws(SystemError) -> Int32 {
        let descriptor = lab_child_signal_descriptor()
        if descriptor < 0 { throw SystemError(call: "signalfd", errno: errno) }
        return descriptor
    }

    /// Reads and discards what a ``childSignalDescriptor()`` holds.
    package static func drainSignalDescriptor(_ descriptor: Int32) {
        lab_drain_signal_descriptor(descriptor)
    }

    /// Waits until at least one of `descriptors` is readable (or at its end), or until
    /// `timeoutMilliseconds` have passed (never, by default; 0 only looks); returns which are.
    /// The corresponding C function is `poll`.
    package static func waitReadable(
        _ descriptors: [Int32], timeoutMilliseconds: Int32 = -1
    ) throws(SystemError) -> [Bool] {
        var watched = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while poll(&watched, nfds_t(watched.count), timeoutMilliseconds) < 0 {
            if errno == EINTR { continue }
            throw SystemError(call: "poll", errno: errno)
        }
        return watched.map { $0.revents != 0 }
    }

    /// Sets an environment variable of this process. The corresponding C function is `setenv`.
    package static func setEnvironmentValue(_ name: String, _ value: String) {
        setenv(name, value, 1)
    }

    /// Whether `descriptor` is a terminal. The corresponding C function is `isatty`.
    package static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }
}

extension Platform {
    /// A descriptor that names `processID` while it is open, even once the process ended and
    /// its number went to another: signals sent through it reach that process or none. `nil`
    /// where the kernel has no pidfds (before Linux 5.3) or the process is gone. Close-on-exec.
    /// The corresponding C function is `pidfd_open`.
    package static func openProcessHandle(_ processID: Int32) -> Int32? {
        let descriptor = lab_pidfd_open(processID)
        return descriptor >= 0 ? descriptor : nil
    }

    /// Sends a signal through a pidfd; a process that is already gone is not an error.
    /// The corresponding C function is `pidfd_send_signal`.
    package static func sendSignal(_ number: Int32, toHandle handle: Int32) {
        _ = lab_pidfd_send_signal(handle, number)
    }

    /// Closes every descriptor from `lowest` up: what a forked child does with what it was not
    /// given. Where `close_range` is missing (before Linux 5.9) it closes those `/proc/self/fd`
    /// lists. The corresponding C function is `close_range`.
    package static func closeDescriptors(from lowest: Int32) {
        if lab_close_from(lowest) == 0 { return }
        for name in (try? directoryEntries("/proc/self/fd")) ?? [] {
            if let descriptor = Int32(name), descriptor >= lowest { close(descriptor) }
        }
    }
}
