import LabCore
import LabReport

extension Calibrator {
    /// What a minor page fault costs on this machine, the unit that turns a cell's page
    /// faults into time: `mebibytes` of fresh memory mapped, then one byte of each page
    /// written, each write a fault (the kernel finds a zeroed page and maps it); the time
    /// over the minor faults the process counted meanwhile, median over `samples` mappings.
    /// Private anonymous memory is what a fresh heap takes (a worker's inputs land there);
    /// a shared memory file is what the shm transport's rings and a mapped dataset take.
    /// Unmapping the private pages again gives what an exiting process pays per MiB touched.
    func pageFaultCosts(mebibytes: Int, samples: Int) throws -> [CalibrationResult] {
        let length = mebibytes << 20
        let page = Platform.pageSize
        func perFault(
            _ map: () throws -> (base: UnsafeMutableRawPointer, release: () -> Void)
        ) throws -> (seconds: Double, faults: Int, release: Double) {
            var costs: [Double] = []
            var counted: [Int] = []
            var releases: [Double] = []
            for _ in 0..<samples {
                let (base, release) = try map()
                var released = false
                defer { if !released { release() } }
                let before = Platform.processUsage().minorFaults
                let clock = Stopwatch()
                var offset = 0
                while offset < length {
                    base.storeBytes(
                        of: UInt8(truncatingIfNeeded: offset >> 12) | 1, toByteOffset: offset, as: UInt8.self)
                    offset += page
                }
                let seconds = clock.elapsedSeconds
                let faults = Platform.processUsage().minorFaults - before
                // The writes stay: a byte read back from every page depends on all of them.
                var sum = 0
                offset = 0
                while offset < length {
                    sum &+= Int(base.load(fromByteOffset: offset, as: UInt8.self))
                    offset += page
                }
                // Giving the touched pages back: what an exiting process does with its heap.
                let releasing = Stopwatch()
                release()
                released = true
                releases.append(releasing.elapsedSeconds)
                guard faults > 0, sum != 0 else { continue }
                costs.append(seconds / Double(faults))
                counted.append(faults)
            }
            guard let median = Statistics.median(costs) else {
                throw LabFailure("no page fault was counted in \(samples) mappings of \(mebibytes) MiB")
            }
            return (median, counted.max() ?? 0, Statistics.median(releases) ?? .nan)
        }
        let anonymous = try perFault {
            let base = try Platform.mapAnonymous(length: length)
            return (base, { Platform.unmap(base, length: length) })
        }
        let shared = try perFault {
            let (descriptor, base) = try Platform.createSharedMemory(named: "lab-calibrate-faults", length: length)
            return (
                base,
                {
                    Platform.unmap(base, length: length)
                    Platform.close(descriptor)
                }
            )
        }
        let pages = length / page
        return [
            CalibrationResult(
                measurement: "minor_fault_anonymous", value: anonymous.seconds * 1e6, unit: "us", samples: samples,
                detail:
                    "a byte written to each of \(pages) fresh pages of private anonymous memory (a heap's), time / "
                    + "minor faults counted (\(anonymous.faults)), median"
            ),
            CalibrationResult(
                measurement: "minor_fault_shared", value: shared.seconds * 1e6, unit: "us", samples: samples,
                detail:
                    "the same in a fresh shared memory file (the shm transport's, a mapped dataset's), "
                    + "\(shared.faults) faults, median"
            ),
            CalibrationResult(
                measurement: "teardown_per_mib", value: anonymous.release / Double(mebibytes) * 1e6, unit: "us",
                samples: samples,
                detail:
                    "munmap of those \(mebibytes) MiB of touched private memory, per MiB, median: what a worker's exit "
                    + "spends on each MiB it touched"
            ),
        ]
    }
}
