extension LabCommandLine {
    /// Every command, in the order `lab --help` lists them; the hidden ones (the lab starts
    /// them itself) last.
    static var commands: [any Command.Type] {
        [
            RunCommand.self, ListCommand.self, CheckCommand.self, ReportCommand.self, ExplainCommand.self,
            PredictCommand.self, CompareCommand.self, ABCommand.self, SensitivityCommand.self,
            CalibrateCommand.self, BenchCommand.self, CrossoverCommand.self, ScaleCommand.self, HelpCommand.self,
            WorkerServiceCommand.self, ForkServerCommand.self, CalibrationPeerCommand.self, ImageServerCommand.self,
            RefreshDocsCommand.self,
        ]
    }

    /// The names of the commands a user may type, for errors.
    static var listedNames: [String] { commands.filter { !$0.isHidden }.map { $0.name } }
}
