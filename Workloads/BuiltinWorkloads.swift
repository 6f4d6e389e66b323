import LabCore

/// The one list of workloads the lab knows. To add your own, put its file in `Workloads/` and
/// its type on a line here; `lab list`, `lab run` and every worker process pick it up.
public let builtinWorkloads = WorkloadRegistry([
    Primes.self,
    Sleep.self,
])
