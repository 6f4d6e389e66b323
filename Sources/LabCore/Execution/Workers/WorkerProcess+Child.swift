import Foundation
import Glibc

extension WorkerProcess {
    /// The worker's life as timeline events of lane `number - 1`.
    var lifeEvents: [LaneEvent] {
        let lane = number - 1
        let pid = processID
        return [
            (LaneEvent.Kind.spawn, spawnRequestedAt), (.spawned, spawnedAt), (.workerReady, readyAt),
            (.finishRequested, finishRequestedAt), (.workerGone, goneAt),
        ]
        .filter { $0.1 != 0 }
        .map { LaneEvent(lane: lane, kind: $0.0, at: $0.1, processID: pid) }
    }

    /// The worker's process: spawned anew (``SpawnedChild``, reaped when asked whether it
    /// runs), or forked by a fork server (which reaps it and reports its status).
    enum Child {
        case spawned(SpawnedChild)
        case forked(Int32, ForkServer)

        var processID: Int32 {
            switch self {
            case .spawned(let child): child.processID
            case .forked(let processID, _): processID
            }
        }

        var isRunning: Bool {
            switch self {
            case .spawned(let child): child.isRunning
            case .forked(let processID, let server): server.isRunning(processID)
            }
        }

        /// What it used over its whole life as the kernel counted it, once reaped: known for a
        /// forked worker (its server reaps it with `wait4`); a spawned one is counted in this
        /// process's children's usage.
        var lifeUsage: ResourceUsage? {
            switch self {
            case .spawned: nil
            case .forked(let processID, let server): server.exitUsage(of: processID)
            }
        }

        /// How it ended, once it has and its status is known.
        var exitDescription: String? {
            switch self {
            case .spawned(let child): child.status.map(ForkServer.describe(status:))
            case .forked(let processID, let server): server.exitStatus(of: processID).map(ForkServer.describe(status:))
            }
        }
    }
}

extension WorkerProcess.Child {
    /// Starts worker `number`'s child on `connection`: forked by `forkServer`, or spawned
    /// anew from `executablePath` with `arguments`. Returns it with the coordinator's end of
    /// its transport as a link; on failure the transport is released.
    static func start(
        worker number: Int, executablePath: String, arguments: [String], connection: WorkerConnection,
        forkServer: ForkServer?
    ) throws(ExecutionError) -> (child: Self, link: any WorkerLink) {
        if let forkServer {
            let processID: Int32
            do {
                processID = try forkServer.fork(
                    input: connection.standardInput.fileDescriptor, output: connection.standardOutput.fileDescriptor,
                    environment: connection.environment)
            } catch {
                connection.end.endRequests()
                connection.end.release()
                throw .workerStartFailed(worker: number, message: "\(error)")
            }
            return (.forked(processID, forkServer), connection.makeLink(peerAlive: { forkServer.isRunning(processID) }))
        }
        // Standard error is inherited: a crashing worker's last words reach the user (its
        // exit status tells the story; no backtrace).
        let child: SpawnedChild
        do {
            child = try SpawnedChild.start(
                executablePath, arguments: arguments, environment: connection.environment, quietCrashes: true,
                input: connection.standardInput.fileDescriptor, output: connection.standardOutput.fileDescriptor)
        } catch {
            connection.end.endRequests()
            connection.end.release()
            throw .workerStartFailed(worker: number, message: "cannot launch \(executablePath): \(error)")
        }
        return (.spawned(child), connection.makeLink(peerAlive: { child.isRunning }))
    }
}
