import Glibc
import LabCore

/// `download`'s image server in a process of its own (`lab imageserver`), so that a cell's
/// threads, memory and CPU are its client's alone: the server's event loop, its connections
/// and the bytes it sends are another process's. Started with the run's first `download`
/// cell, stopped after its last, and never left behind: it dies with the lab
/// (`PR_SET_PDEATHSIG`), and ends when its standard input does.
package final class ImageServerProcess: WorkloadFixture, @unchecked Sendable {
    // @unchecked: `child` and `input` are set once in init; stop() runs once (the fixture's
    // contract).

    package let port: UInt16
    private let child: SpawnedChild
    /// The write end of the server's standard input: closing it stops the server.
    private let input: Int32

    /// Starts `executable imageserver` and waits for the port it listens on. It is started
    /// with `posix_spawn` (``SpawnedChild``), not Foundation's `Process`, which keeps two
    /// threads of its own (a run loop and a socket manager) to watch its children: they were
    /// two of the nine threads of an async cell that needs one.
    /// - Throws: ``LabFailure`` when it cannot start or does not say its port.
    package init(executable: String, latencySeconds: Double, bodyBytes: Int, failEvery: Int) throws {
        let arguments = [ImageServerProcess.command, String(latencySeconds), String(bodyBytes), String(failEvery)]
        let toServer = try Platform.makePipe()
        let fromServer: (read: Int32, write: Int32)
        do { fromServer = try Platform.makePipe() } catch {
            Platform.close(toServer.read)
            Platform.close(toServer.write)
            throw error
        }
        let child: SpawnedChild
        do {
            child = try SpawnedChild.start(
                executable, arguments: arguments, input: toServer.read, output: fromServer.write)
        } catch {
            [toServer.read, toServer.write, fromServer.read, fromServer.write].forEach(Platform.close)
            throw LabFailure("cannot start the image server (\(executable) \(ImageServerProcess.command)): \(error)")
        }
        ChildProcessRegistry.shared.register(child.processID)
        Platform.close(toServer.read)
        Platform.close(fromServer.write)
        self.child = child
        input = toServer.write
        // Its first line says where it listens; nothing more comes on that pipe (a line
        // longer than 64 bytes is no port).
        let said = (try? Platform.readAll(fromServer.read, limit: 64)) ?? nil
        Platform.close(fromServer.read)
        let line = String(decoding: said ?? [], as: UTF8.self)
        guard line.hasPrefix("port "), let port = UInt16(line.dropFirst(5).trimmingWhitespace()) else {
            ChildProcessRegistry.shared.kill(child.processID)
            child.waitUntilExit()
            ChildProcessRegistry.shared.unregister(child.processID)
            Platform.close(input)
            throw LabFailure("the image server did not start: it said '\(line.trimmingWhitespace().shownInMessage)'")
        }
        self.port = port
    }

    package var values: [String: String] { ["port": String(port)] }

    /// The server's process ID (for tests that look at it in /proc).
    package var processID: Int32 { child.processID }

    /// The server died while the run still needs it.
    package var failure: String? {
        guard !child.isRunning else { return nil }
        return
            "the image server process \(child.processID) ended early "
            + "(\(child.status.map(ForkServer.describe(status:)) ?? "status unknown"))"
    }

    /// The server process's CPU time so far (/proc/PID/stat).
    package var processCPUSeconds: Double? { Platform.processCPUSeconds(child.processID) }

    package func stop() {
        // The end of its standard input is its signal to stop; a server that does not is killed.
        Platform.close(input)
        if !Platform.wait(seconds: 2, while: { child.isRunning }) {
            ChildProcessRegistry.shared.kill(child.processID)
            child.waitUntilExit()
        }
        ChildProcessRegistry.shared.unregister(child.processID)
    }

    /// The hidden command's name.
    package static let command = "imageserver"

    /// What `lab imageserver LATENCY_S BYTES FAIL_EVERY` does: serve on 127.0.0.1 until
    /// standard input ends. Returns the exit status.
    /// - Throws: for bad arguments, a coordinator already gone, or a server that cannot start.
    package static func serve(_ arguments: [String]) throws -> Int32 {
        Platform.ignoreSignal(SIGINT)
        Platform.ignoreSignal(SIGPIPE)
        try Platform.setParentDeathSignal(SIGKILL)
        if let expected = Platform.environmentValue(WorkerService.coordinatorProcessIDVariable),
            Int32(expected) != Platform.parentProcessID
        {
            throw LabFailure("coordinator \(expected) is gone (parent is now \(Platform.parentProcessID))")
        }
        guard arguments.count == 3, let latency = Double(arguments[0]), latency >= 0, latency.isFinite,
            let bytes = Int(arguments[1]), bytes >= 0,
            let failEvery = Int(arguments[2]), failEvery >= 0
        else {
            throw LabFailure(
                "usage: lab imageserver LATENCY_S BYTES FAIL_EVERY (started by the lab for download, not by hand)")
        }
        let server = try LocalImageServer(latencySeconds: latency, bodyBytes: bytes, failEvery: failEvery)
        try Platform.writeAll(STDOUT_FILENO, Array("port \(server.port)\n".utf8))
        Platform.close(STDOUT_FILENO)
        // Until the lab closes our standard input (or dies, and the kernel closes it).
        var byte: UInt8 = 0
        while (try? withUnsafeMutableBytes(of: &byte) { try Platform.read(STDIN_FILENO, into: $0) }) ?? 0 > 0 {}
        server.stop()
        return 0
    }
}
