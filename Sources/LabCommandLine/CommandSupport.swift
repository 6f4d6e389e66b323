import Glibc
import LabCore
import LabReport

/// What the measuring commands do alike around their measuring, written once: start a
/// study, build a workload from the user's parameters, and turn the records into an exit
/// status and warnings. The options they share are ``SharedOptions``.
enum CommandSupport {
    /// Makes room for the descriptors the plan's widest cell holds at once in this process
    /// (a socket per download in flight, say): raises the soft open-file limit as far as
    /// needed, and says so, within the hard limit. An `lab imageserver` the run starts
    /// inherits the limit.
    /// - Throws: ``UsageError`` (exit 2), naming the limit, when even the hard limit is too low.
    static func makeRoomForDescriptors(_ plan: ExperimentPlan) throws {
        var widest: (need: Int, cell: Cell)?
        for cell in plan.cells {
            let inFlight = cell.mode == .threads || cell.mode == .async ? cell.workers : 1
            var need = cell.workload.type.descriptorsPerTask * inFlight
            if cell.mode == .processes {
                // Each worker's pidfd and the coordinator's ends of its transport (two pipes at
                // most), and the child's ends of a window of workers being started.
                need += 3 * cell.workers + 2 * ProcessPoolRunner.forkWindow
            }
            if need > 0, need > widest?.need ?? 0 { widest = (need, cell) }
        }
        guard let widest else { return }
        // What is open now, and a margin for the run's own files, pipes and workers.
        let total = widest.need + ((try? Platform.openDescriptorCount()) ?? 0) + 64
        let limit = try Platform.openFileLimit()
        guard total > limit.soft else { return }
        let what =
            widest.cell.mode == .processes
            ? "\(widest.cell.workload.name) on \(widest.cell.workers) worker processes (\(widest.cell.label))"
            : "\(widest.cell.workload.name) with \(widest.cell.workers) tasks in flight (\(widest.cell.label))"
        guard total <= limit.hard else {
            throw UsageError.other(
                "\(what) needs \(total) open files, more than this process may open (its hard limit is \(limit.hard): "
                    + "ulimit -Hn); give fewer --workers, or raise the limit"
            )
        }
        try Platform.setOpenFileLimit(soft: total, hard: limit.hard)
        Console.error("lab: raised the open-file limit from \(limit.soft) to \(total) for \(what)\n")
    }

    /// Raises the soft open-file limit above the highest descriptor this process inherited,
    /// within the hard limit, once before `lab calibrate` starts anything. Foundation's
    /// `Process.run` (which the calibrator's peers and timed spawns use; the lab's own starts
    /// are `posix_spawn` with `closefrom`) closes every descriptor up to the highest one open
    /// in the child it starts, and glibc refuses (`EBADF`) to close one at or above the soft
    /// limit: a lab started from a shell that opened a descriptor and then lowered `ulimit -n`
    /// could start no such child. Once is enough: the kernel opens no descriptor at or above
    /// the soft limit, and the lab only ever raises it.
    /// - Throws: ``LabFailure`` naming the descriptor when even the hard limit is below it.
    static func coverInheritedDescriptors() throws {
        guard let highest = try Platform.highestOpenDescriptor() else { return }
        let limit = try Platform.openFileLimit()
        // Room for the pipes and the socket pair a start opens after this check.
        let wanted = Int(highest) + 1 + 16
        guard wanted > limit.soft else { return }
        guard wanted <= limit.hard else {
            throw LabFailure(
                "cannot start a child process: descriptor \(highest) is open, above this process's hard open-file "
                    + "limit \(limit.hard) (ulimit -Hn); start the lab from a shell without it"
            )
        }
        try Platform.setOpenFileLimit(soft: wanted, hard: limit.hard)
    }

    /// The start of a study of one workload (`lab scale`, `lab crossover`): the folder to
    /// resume (`--resume`), the arguments it runs with, parsed, and the workload that
    /// `--workload` names.
    /// - Throws: ``UsageError`` for a positional argument or a missing or unknown `--workload`.
    static func study(
        _ given: [String], parser: CommandLineParser, registry: WorkloadRegistry
    ) throws -> (resumption: ResumedRun?, arguments: [String], parsed: ParsedArguments, type: any Workload.Type) {
        let resumption = try ResumedRun.read(given, parser: parser, command: parser.command)
        let arguments = resumption?.arguments ?? given
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError.unexpectedArgument(extra, command: parser.command) }
        guard let name = parsed.value("--workload") else {
            throw UsageError.other(
                "lab \(parser.command) needs --workload; workloads: \(registry.names.joined(separator: ", "))")
        }
        return (resumption, arguments, parsed, try registry.type(named: name))
    }

    /// A workload built from the user's parameters. Building one starts nothing (its fixture
    /// runs only around its cells), so whatever its initialiser refuses is the user's input:
    /// a configuration error as it is, anything else as a usage error naming the workload.
    static func configuredWorkload(
        _ type: any Workload.Type, parameters: Parameters, tasks: Int?
    ) throws -> ConfiguredWorkload {
        do {
            return try ConfiguredWorkload(type: type, parameters: parameters, taskCount: tasks)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as SystemError {
            // Its dataset's memory file could not be made: the machine's failure, not the input's.
            throw LabFailure("cannot build the dataset of \(type.name): \(error)")
        } catch {
            throw UsageError.other("workload '\(type.name)' refuses its parameters: \(error)")
        }
    }

    /// The exit status of a measuring command from its records: 1, with a line on standard
    /// error for each reason, when repetitions failed or a mode's checksum disagrees (the
    /// modes did other work); 0 otherwise.
    static func failureStatus(of records: [RepetitionRecord], resultsPath: String) -> Int32 {
        var status: Int32 = 0
        let failed = records.filter { $0.status == .failed }.count
        if failed > 0 {
            Console.error(
                "lab: \(failed) of \(counted(records.count, "repetition")) failed; see the error column of "
                    + "\(resultsPath)\n"
            )
            status = 1
        }
        for diagnosis in ChecksumProof.diagnoses(in: records) {
            Console.error("lab: \(diagnosis)\n")
            status = 1
        }
        return status
    }

    /// One warning line, after a measuring command's results, naming the cells whose
    /// repetitions the rest of the machine disturbed and by how much; nothing when none was.
    static func warnAboutDisturbance(_ records: [RepetitionRecord], folder: String) {
        if let warning = CellSummary.disturbanceWarning(
            CellSummary.summarize(records), report: "\(folder)/\(RunFolder.reportName)")
        {
            Console.error("lab: warning: \(warning)\n")
        }
    }

    /// One warning line for each record a run folder's readers left out because its file was
    /// cut short there (a full disk, a crash); nothing for a whole folder.
    static func warnAboutLeftOut(_ notes: [String]) {
        for note in notes {
            Console.error("lab: warning: \(note)\n")
        }
    }

    /// What `--dry-run` prints: the command's plan in one line.
    static func dryRun(_ plan: String) -> Int32 {
        Console.output("lab: dry run: \(plan); every option is valid; nothing was measured or created\n")
        return 0
    }
}
