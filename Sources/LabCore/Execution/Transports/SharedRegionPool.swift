import Synchronization

/// The shared regions of a run's `shm` workers, kept for the run: a worker that is gone hands
/// its region to the next worker of the same shape, as a thread pool's next task finds the
/// heap its last one warmed. A fresh region's pages are faulted in as its rings go round and
/// its slots fill, a cost a thread never pays twice; a kept one's pages are already there.
///
/// A region is taken back only once its worker is gone (``give(_:)``), and reset before it is
/// lent again, so no two processes ever share one's rings. ``drain()`` ends the run's regions.
package final class SharedRegionPool: Sendable {
    private struct Shape: Equatable {
        let capacity: Int
        let inputSlot: Int
        let resultSlot: Int
    }

    private struct State {
        var spares: [(region: SharedRegion, descriptor: Int32)] = []
        /// The memory file of every region lent and not given back.
        var lent: [ObjectIdentifier: Int32] = [:]
    }

    private let state = Mutex(State())
    /// Spares kept at most; the oldest goes first.
    private let limit: Int

    package init(limit: Int = 8) {
        self.limit = limit
    }

    /// A region for a worker, with a descriptor of its memory file that the caller owns and
    /// closes once the child has it: a spare of the same shape if one is kept, or a new one.
    package func lend(
        inputSlotBytes: Int, resultSlotBytes: Int
    ) throws(SystemError) -> (region: SharedRegion, descriptor: Int32) {
        let shape = Shape(
            capacity: SharedRegion.defaultCapacity, inputSlot: SharedRegion.wholePages(inputSlotBytes),
            resultSlot: SharedRegion.wholePages(resultSlotBytes))
        let spare: (region: SharedRegion, descriptor: Int32)? = state.withLock { state in
            guard let position = state.spares.firstIndex(where: { Self.shape(of: $0.region) == shape }) else {
                // A run's cells come one after another: a spare of another shape will not be asked for again soon.
                state.spares.forEach { Platform.close($0.descriptor) }
                state.spares.removeAll()
                return nil
            }
            return state.spares.remove(at: position)
        }
        let lent: (region: SharedRegion, descriptor: Int32)
        if let spare {
            spare.region.reset()
            lent = spare
        } else {
            lent = try SharedRegion.create(
                capacity: shape.capacity, inputSlotBytes: shape.inputSlot, resultSlotBytes: shape.resultSlot)
        }
        let copy: Int32
        do {
            copy = try Platform.duplicate(lent.descriptor, closeOnExec: true)
        } catch {
            Platform.close(lent.descriptor)
            throw error
        }
        state.withLock { $0.lent[ObjectIdentifier(lent.region)] = lent.descriptor }
        return (lent.region, copy)
    }

    /// Takes back a region whose worker is gone.
    package func give(_ region: SharedRegion) {
        state.withLock { state in
            guard let descriptor = state.lent.removeValue(forKey: ObjectIdentifier(region)) else { return }
            state.spares.append((region, descriptor))
            if state.spares.count > limit { Platform.close(state.spares.removeFirst().descriptor) }
        }
    }

    /// Lets every region go (their memory goes with the last mapping).
    package func drain() {
        state.withLock { state in
            state.spares.forEach { Platform.close($0.descriptor) }
            state.lent.values.forEach(Platform.close)
            state = State()
        }
    }

    private static func shape(of region: SharedRegion) -> Shape {
        Shape(capacity: region.capacity, inputSlot: region.inputSlot.count, resultSlot: region.resultSlot.count)
    }
}
