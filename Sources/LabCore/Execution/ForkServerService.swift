import CLabSupport
import Glibc

/// The server side of ``ForkServer``: what `lab forkserver` runs. It stays single-threaded
/// (it never touches Dispatch or Swift concurrency), so `fork` leaves each child a whole
/// process: the child takes its two descriptors as standard input and output and becomes a
/// worker (``WorkerService/runAsChildProcess()``) without loading anything again.
///
/// Standard input is the request socket: `fork` with the environment to add (`NAME=value`,
/// NUL-separated) and two descriptors, answered with `pid N` or an error; the end of it ends
/// the server and every worker it still has. Standard output is the notice socket: `exit PID
/// STATUS` (the raw wait status) for each worker it reaps.
public struct ForkServerService: Sendable {
    public let registry: WorkloadRegistry

    public init(registry: WorkloadRegistry) {
        self.registry = registry
    }

    /// Serves until the coordinator closes the request socket; returns the status to exit
    /// with. A forked child never returns from here: it ends the process itself.
    /// - Throws: when the server cannot tie its life to the coordinator's, finds it gone, or
    ///   cannot watch its children; the executable says why on standard error and exits 1.
    public func run() throws -> Int32 {
        // A process started from a thread that blocked signals inherits that mask; the server
        // must hear SIGCHLD (through its descriptor below) and its workers every signal.
        _ = lab_unblock_all_signals()
        Platform.ignoreSignal(SIGINT)
        Platform.ignoreSignal(SIGPIPE)
        try Platform.setParentDeathSignal(SIGKILL)
        if let expected = Platform.environmentValue(WorkerService.coordinatorProcessIDVariable), Int32(expected) != Platform.parentProcessID {
            throw LabFailure("coordinator \(expected) is gone (parent is now \(Platform.parentProcessID))")
        }
        let childSignals = lab_child_signal_descriptor()
        if childSignals < 0 { throw SystemError(call: "signalfd", errno: errno) }
        let requests = STDIN_FILENO
        let notices = STDOUT_FILENO
        try ForkServer.send(requests, "ready")
        var children = Set<Int32>()
        func reap() {
            var status: Int32 = 0
            while true {
                let child = waitpid(-1, &status, WNOHANG)
                guard child > 0 else { return }
                children.remove(child)
                try? ForkServer.send(notices, "exit \(child) \(status)")
            }
        }
        while true {
            var watched = [pollfd(fd: requests, events: Int16(POLLIN), revents: 0), pollfd(fd: childSignals, events: Int16(POLLIN), revents: 0)]
            if poll(&watched, 2, -1) < 0 {
                if errno == EINTR { continue }
                throw SystemError(call: "poll", errno: errno)
            }
            if watched[1].revents != 0 {
                lab_drain_signal_descriptor(childSignals)
                reap()
            }
            guard watched[0].revents != 0 else { continue }
            let request = try ForkServer.receive(requests)
            guard !request.text.isEmpty else {
                // The coordinator is done (or gone): no worker outlives the server.
                for child in children { Platform.sendSignal(SIGKILL, to: child) }
                while !children.isEmpty {
                    var status: Int32 = 0
                    let child = waitpid(-1, &status, 0)
                    if child < 0 { break }
                    children.remove(child)
                }
                return 0
            }
            let parts = request.text.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            guard parts.first == "fork", request.descriptors.count == 2 else {
                request.descriptors.forEach(Platform.close)
                try ForkServer.send(requests, "a request is 'fork' with two descriptors")
                continue
            }
            let child = fork()
            if child == 0 {
                becomeWorker(descriptors: request.descriptors, environment: parts.dropFirst(), closing: childSignals)
            }
            request.descriptors.forEach(Platform.close)
            if child < 0 {
                try ForkServer.send(requests, "fork failed: \(SystemError(call: "fork", errno: errno))")
                continue
            }
            children.insert(child)
            try ForkServer.send(requests, "pid \(child)")
        }
    }

    /// In the forked child: takes the descriptors as standard input and output, the
    /// environment, and every signal back, then serves as a worker and ends the process.
    private func becomeWorker(descriptors: [Int32], environment: ArraySlice<String>, closing childSignals: Int32) -> Never {
        Platform.close(childSignals)
        dup2(descriptors[0], STDIN_FILENO)
        dup2(descriptors[1], STDOUT_FILENO)
        for descriptor in Set(descriptors) where descriptor > STDERR_FILENO { Platform.close(descriptor) }
        for entry in environment {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            setenv(String(entry[..<equals]), String(entry[entry.index(after: equals)...]), 1)
        }
        // Its parent is this server, whose life the worker's is tied to.
        setenv(WorkerService.coordinatorProcessIDVariable, String(Platform.parentProcessID), 1)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGCHLD)
        sigprocmask(SIG_UNBLOCK, &blocked, nil)
        do {
            try WorkerService(registry: registry).runAsChildProcess()
            _exit(0)
        } catch {
            let message = Array("lab worker \(Platform.processID): \(error)\n".utf8)
            _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            _exit(1)
        }
    }
}
