import LabCore

/// The one list of workloads the lab knows, in the order `lab list` shows and `lab run` runs
/// them. To add your own, put its file in `Workloads/` and its type on a line here (or run
/// `Scripts/new-workload.sh NAME KIND`, which does both); `lab list`, `lab run` and every
/// worker process pick it up.
package let builtinWorkloads = WorkloadRegistry([
    Noop.self,
    Primes.self,
    Mandelbrot.self,
    Digest.self,
    Sort.self,
    Sleep.self,
    FileIO.self,
    Download.self,
    Allocate.self,
    Contention.self,
    Bandwidth.self,
    Slices.self,
    Blend.self,
    Fault.self,
        // New workloads go above this line.
])
