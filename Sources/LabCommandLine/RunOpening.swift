import Glibc
import LabCore
import LabReport
import LabStudies
import Workloads

/// How a measuring command starts its run, once its input is valid: the command its worker
/// processes (and the calibration's peer) run, its folder, the machine check, and the
/// ``RunSession`` that owns the folder from then on.
enum RunOpening {
    /// The arguments that make the `lab` binary a worker process, and the raw pipe peer of
    /// the calibration: the lab's hidden commands, handed to the engine.
    static let workerArguments = [WorkerServiceCommand.name]
    static let peerArguments = [CalibrationPeerCommand.name]

    /// How worker processes are started: this very binary, as `lab worker`.
    /// - Throws: ``LabFailure`` (exit 1) when the lab cannot find its own executable.
    static func workerExecutable() throws -> WorkerExecutable {
        do {
            return WorkerExecutable(
                executablePath: try Platform.executablePath(), arguments: workerArguments,
                forkServerArguments: [ForkServerCommand.name])
        } catch {
            throw LabFailure("cannot find the lab's own executable for worker processes: \(error)")
        }
    }

    /// The raw pipe peer of `lab calibrate` and `lab bench`: this binary, as `lab calibrate-peer`.
    static func peerCommand(_ worker: WorkerExecutable) -> WorkerExecutable {
        WorkerExecutable(executablePath: worker.executablePath, arguments: peerArguments)
    }

    /// The start of a command that measures into a folder of its own, once its input is
    /// valid: finds the lab's own binary for the workers, creates the folder (`out`, read by
    /// ``SharedOptions/requestedOut(_:)``, or `Results/<run-id>`), and warns about a debug build.
    /// - Returns: how workers start, the folder's path and the run ID.
    static func prepareOutput(
        _ out: String?, command: String
    ) throws -> (worker: WorkerExecutable, path: String, runID: String) {
        let worker = try workerExecutable()
        let (path, runID) = try OutputFolder.create(requested: out)
        warnAboutDebugBuild(command: command)
        return (worker, path, runID)
    }

    /// Always said, even with --quiet: debug timings mislead about every mode.
    static func warnAboutDebugBuild(command: String) {
        #if DEBUG
        Console.error(
            "lab: warning: this is a debug build; its timings are not representative. Use 'swift run -c release lab "
                + "\(command)'.\n"
        )
        #endif
    }

    /// How long a measuring command watches the rest of the machine before it starts.
    static let machineCheckSeconds = 0.2

    /// The session that owns the run folder at `path` from now on: `run.json` (marked partial
    /// until the end), `results.csv`, Ctrl-C and stuck tasks, which print their message and
    /// end the lab. `command` and `arguments` (the options that chose the plan) are recorded
    /// for `--resume`.
    static func startSession(
        path: String, runID: String, plan: RunDescription.Plan, worker: WorkerExecutable, command: String? = nil,
        arguments: [String]? = nil
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
        let check = MachineCheck.current(
            sampleSeconds: machineCheckSeconds, debugBuild: BuildInfo.configuration == "debug")
        for finding in check.warnings where finding.topic != "build" {
            Console.error("lab: warning: \(finding.topic): \(finding.text)\n")
        }
        return check
    }

    /// A run's description as this build on this machine would write it now.
    static func describeRun(runID: String, plan: RunDescription.Plan, worker: WorkerExecutable) -> RunDescription {
        RunDescription(
            runID: runID, labVersion: BuildInfo.labVersion,
            gitCommit: BuildInfo.gitCommit(executablePath: worker.executablePath),
            swiftVersion: BuildInfo.swiftVersion, buildConfiguration: BuildInfo.configuration, machine: .current(),
            plan: plan,
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
        _ resumption: ResumedRun?, missing: Int?, command: String, plan: RunDescription.Plan, arguments: [String],
        out: String?,
        parser: CommandLineParser, calibration: SharedOptions.GivenCalibration?, quiet: Bool
    ) throws -> (worker: WorkerExecutable, session: RunSession) {
        if let resumption {
            let (worker, session) = (try workerExecutable(), try resumption.session(missing: missing))
            if session.unitCosts == nil {
                priceCounters(
                    session, command: command, calibration: calibration, plan: plan, worker: worker, quiet: quiet)
            }
            return (worker, session)
        }
        let (worker, path, runID) = try prepareOutput(out, command: command)
        let session = try startSession(
            path: path, runID: runID, plan: plan, worker: worker, command: command,
            arguments: parser.split(arguments, taking: ResumedRun.notPlanOptions).others)
        priceCounters(session, command: command, calibration: calibration, plan: plan, worker: worker, quiet: quiet)
        return (worker, session)
    }

    /// Records the run's unit costs: `calibration`'s, or measured quickly now for the modes,
    /// transports and starts of `plan` (said on standard error unless `quiet`). A quick
    /// measurement that fails leaves the run without them, with a warning: the stacks then
    /// leave the exchange unaccounted for, and the measurements are not at stake.
    static func priceCounters(
        _ session: RunSession, command: String, calibration: SharedOptions.GivenCalibration?, plan: RunDescription.Plan,
        worker: WorkerExecutable, quiet: Bool
    ) {
        if let calibration {
            var costs = calibration.costs
            // The folder keeps the file it was explained with, whatever becomes of the path.
            if (try? Platform.replaceFile(
                atPath: session.folder.path + "/" + CalibrationReport.fileName, with: Array(calibration.text.utf8)))
                != nil
            {
                costs.source = "\(CalibrationReport.fileName) in this folder, given with --calibration"
            }
            session.setUnitCosts(costs)
            return
        }
        let modes = plan.modes.compactMap(ExecutionMode.init(rawValue:))
        let transports = (plan.transports ?? [Transport.default.rawValue]).compactMap(Transport.init(rawValue:))
        // A folder from before `--start` says none: its workers were all spawned, whatever
        // the default is now.
        let starts = (plan.starts ?? [WorkerStart.spawn.rawValue]).compactMap(WorkerStart.init(rawValue:))
        let clock = Stopwatch()
        do {
            let results = try Calibrator(
                worker: worker, peer: peerCommand(worker), noop: Noop.self,
                spinPolls: plan.spin ?? Transport.defaultSpinPolls
            )
            .quickUnitCosts(modes: modes, transports: transports, starts: starts)
            session.setUnitCosts(UnitCosts(source: "measured quickly by lab \(command)", results: results))
            if !quiet {
                Console.error(
                    "lab: unit costs measured quickly (\(NumberFormatting.duration(clock.elapsedSeconds))); for "
                        + "steadier ones give --calibration FILE from lab calibrate\n"
                )
            }
        } catch {
            Console.error(
                "lab: warning: the unit costs could not be measured (\(error)); the speedup stacks will leave the "
                    + "exchange unaccounted for\n"
            )
        }
    }
}
