import Foundation
import Glibc
import LabCore

/// `download`'s image server in a process of its own (`lab imageserver`), so that a cell's
/// threads, memory and CPU are its client's alone: the server's event loop, its connections
/// and the bytes it sends are another process's. Started with the run's first `download`
/// cell, stopped after its last, and never left behind: it dies with the lab
/// (`PR_SET_PDEATHSIG`), and ends when its standard input does.
package final class ImageServerProcess: WorkloadFixture, @unchecked Sendable {
    // @unchecked: `process` and the pipe are set once in init; stop() runs once (the
    // fixture's contract) and the rest is read-only.

    package let port: UInt16
    private let process: Process
    private let input: FileHandle

    /// Starts `executable imageserver` and waits for the port it listens on.
    /// - Throws: ``LabFailure`` when it cannot start or does not say its port.
    package init(executable: String, latencySeconds: Double, bodyBytes: Int, failEvery: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [ImageServerProcess.command, String(latencySeconds), String(bodyBytes), String(failEvery)]
        var environment = ProcessInfo.processInfo.environment
        environment[WorkerService.coordinatorProcessIDVariable] = String(Platform.processID)
        process.environment = environment
        let toServer = Pipe()
        let fromServer = Pipe()
        process.standardInput = toServer
        process.standardOutput = fromServer
        do {
            try ProcessLauncher.shared.run { try process.run() }
        } catch {
            throw LabFailure("cannot start the image server (\(executable) \(ImageServerProcess.command)): \(error)")
        }
        ChildProcessRegistry.shared.register(process.processIdentifier)
        self.process = process
        input = toServer.fileHandleForWriting
        // Its first line says where it listens; nothing more comes on that pipe.
        let line = String(decoding: fromServer.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard line.hasPrefix("port "), let port = UInt16(line.dropFirst(5).trimmingWhitespace()) else {
            ChildProcessRegistry.shared.kill(process.processIdentifier)
            process.waitUntilExit()
            ChildProcessRegistry.shared.unregister(process.processIdentifier)
            throw LabFailure("the image server did not start: it said '\(line.trimmingWhitespace().shownInMessage)'")
        }
        self.port = port
    }

    package var values: [String: String] { ["port": String(port)] }

    /// The server died while the run still needs it.
    package var failure: String? {
        process.isRunning ? nil : "the image server process \(process.processIdentifier) ended early (status \(process.terminationStatus))"
    }

    /// The server process's CPU time so far (/proc/PID/stat).
    package var processCPUSeconds: Double? { Platform.processCPUSeconds(process.processIdentifier) }

    package func stop() {
        // The end of its standard input is its signal to stop; a server that does not is killed.
        try? input.close()
        if !Platform.wait(seconds: 2, while: { process.isRunning }) {
            ChildProcessRegistry.shared.kill(process.processIdentifier)
            process.waitUntilExit()
        }
        ChildProcessRegistry.shared.unregister(process.processIdentifier)
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
        if let expected = Platform.environmentValue(WorkerService.coordinatorProcessIDVariable), Int32(expected) != Platform.parentProcessID {
            throw LabFailure("coordinator \(expected) is gone (parent is now \(Platform.parentProcessID))")
        }
        guard arguments.count == 3, let latency = Double(arguments[0]), latency >= 0, latency.isFinite, let bytes = Int(arguments[1]), bytes >= 0,
            let failEvery = Int(arguments[2]), failEvery >= 0
        else {
            throw LabFailure("usage: lab imageserver LATENCY_S BYTES FAIL_EVERY (started by the lab for download, not by hand)")
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
