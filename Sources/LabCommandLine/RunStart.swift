import Glibc
import LabCore
import LabReport
import LabStudies

/// How a measuring command starts its run, once its input is valid: the command its worker
/// processes (and the calibration's peer) run, its folder, the machine check, and the
/// ``RunSession`` that owns the folder from then on.
enum RunStart {
    /// The arguments that make the `lab` binary a worker process, and the raw pipe peer of
    /// the calibration: the lab's hidden commands, handed to the engine.
    static let workerArguments = [WorkerServiceCommand.name]
    static let peerArguments = [CalibrationPeerCommand.name]

    /// How worker processes are started: this very binary, as `lab worker`.
    /// - Throws: ``LabFailure`` (exit 1) when the lab cannot find its own executable.
    static func workerCommand() throws -> WorkerCommand {
        do {
            return WorkerCommand(
                executablePath: try Platform.executablePath(), arguments: workerArguments, forkServerArguments: [ForkServerCommand.name])
        } catch {
            throw LabFailure("cannot find the lab's own executable for worker processes: \(error)")
        }
    }

    /// The raw pipe peer of `lab calibrate` and `lab bench`: this binary, as `lab calibrate-peer`.
    static func peerCommand(_ worker: WorkerCommand) -> WorkerCommand {
        WorkerCommand(executablePath: worker.executablePath, arguments: peerArguments)
    }

    /// The start of a command that measures into a folder of its own, once its input is
    /// valid: finds the lab's own binary for the workers, creates the folder (`out`, read by
    /// ``SharedOptions/requestedOut(_:)``, or `Results/<run-id>`), and warns about a debug build.
    /// - Returns: how workers start, the folder's path and the run ID.
    static func prepareOutput(_ out: String?, command: String) throws -> (worker: WorkerCommand, path: String, runID: String) {
        let worker = try workerCommand()
        let (path, runID) = try OutputFolder.create(requested: out)
        warnAboutDebugBuild(command: command)
        return (worker, path, runID)
    }

    /// Always said, even with --quiet: debug timings mislead about every mode.
    static func warnAboutDebugBuild(command: String) {
        #if DEBUG
        Console.error("lab: warning: this is a debug build; its timings are not representative. Use 'swift run -c release lab \(command)'.\n")
        #endif
    }

    /// How long a measuring command watches the rest of the machine before it starts.
    static let machineCheckSeconds = 0.2

    /// The session that owns the run folder at `path` from now on: `run.json` (marked partial
    /// until the end), `results.csv`, Ctrl-C and stuck tasks, which print their message and
    /// end the lab. `command` and `arguments` (the options that chose the plan) are recorded
    /// for `--resume`.
    static func startSession(
        path: String, runID: String, plan: RunDescription.Plan, worker: WorkerCommand, command: String? = nil, arguments: [String]? = nil
    ) throws -> RunSession {
        let check = machineCheck()
        var description = describeRun(runID: runID, plan: plan, worker: worker)
        description.counters = .current()
        description.checks = check.findings
        description.command = command
        description.arguments = arguments
        return try RunSession(path: path, description: description, end: endProcess)
    }

    /// The machine as a run starts (or resumes): its warnings said (the build's is said
    /// already), every finding returned for the record.
    static func machineCheck() -> MachineCheck {
        let check = MachineCheck.current(sampleSeconds: machineCheckSeconds, debugBuild: BuildInfo.configuration == "debug")
        for finding in check.warnings where finding.topic != "build" {
            Console.error("lab: warning: \(finding.topic): \(finding.text)\n")
        }
        return check
    }

    /// A run's description as this build on this machine would write it now.
    static func describeRun(runID: String, plan: RunDescription.Plan, worker: WorkerCommand) -> RunDescription {
        RunDescription(
            runID: runID, labVersion: BuildInfo.labVersion, gitCommit: BuildInfo.gitCommit(executablePath: worker.executablePath),
            swiftVersion: BuildInfo.swiftVersion, buildConfiguration: BuildInfo.configuration, machine: .current(), plan: plan,
            startedAt: RunDescription.now(), endedAt: nil, partial: true)
    }

    static let endProcess: @Sendable (String, Int32) -> Never = { message, status in
        Console.error("\n" + message + "\n")
        Platform.exitImmediately(status)
    }

    /// The session a measuring command writes through, and how its workers start: in the
    /// folder it resumes, or in a new folder (`out`, or `Results/<run-id>`) that records
    /// `command` and the plan options of `arguments`.
    static func openSession(
        _ resumption: Resumption?, missing: Int?, command: String, plan: RunDescription.Plan, arguments: [String], out: String?,
        parser: CommandLineParser
    ) throws -> (worker: WorkerCommand, session: RunSession) {
        if let resumption {
            return (try workerCommand(), try resumption.session(missing: missing))
        }
        let (worker, path, runID) = try prepareOutput(out, command: command)
        let session = try startSession(
            path: path, runID: runID, plan: plan, worker: worker, command: command, arguments: parser.split(arguments, taking: Resumption.notPlanOptions).others)
        return (worker, session)
    }
}
