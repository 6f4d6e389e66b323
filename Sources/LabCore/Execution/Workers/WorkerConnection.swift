import Foundation
import Glibc

/// What a transport gives a child at its start, and the end it leaves the coordinator: the
/// one place that sets up each transport, for the worker pools and for `lab calibrate`'s
/// raw round trips.
package struct WorkerConnection {
    /// The coordinator's end of a transport.
    package enum CoordinatorEnd {
        /// A request pipe and a reply pipe, or one socket both ways (`requests == replies`).
        case descriptors(requests: Int32, replies: Int32)
        /// The rings of a shared region.
        case region(SharedRegion)

        /// No more requests: the worker reads the end of its request stream (the request pipe
        /// is closed, the socket's writing side shut, the request ring closed).
        package func endRequests() {
            switch self {
            case .descriptors(let requests, let replies) where requests == replies: Platform.shutdownWriting(requests)
            case .descriptors(let requests, _): Platform.close(requests)
            case .region(let region): region.requests.close()
            }
        }

        /// Writes `frame` before any link reads or writes here (the setup, before the child
        /// starts): a frame that fits an empty transport's buffer goes in at once.
        /// - Throws: ``SystemError`` when it cannot.
        package func write(_ frame: Frame) throws(SystemError) {
            switch self {
            case .descriptors(let requests, _):
                var writer = FrameWriter(descriptor: requests)
                try writer.write(frame)
            case .region(let region):
                // Nobody to wait for: a ring without room for it fails at once.
                var writer = FrameWriter(
                    sink: RingSink(
                        region.requests, of: region, waiting: RingWaiting(spinPolls: 0, peerAlive: { false })))
                try writer.write(frame)
            }
        }

        /// Releases what ``endRequests()`` left: the reply descriptor (a region is unmapped
        /// when the last reference to it goes).
        package func release() {
            if case .descriptors(_, let replies) = self { Platform.close(replies) }
        }
    }

    package var standardInput: FileHandle
    package var standardOutput: FileHandle
    /// Descriptors of the child's ends, closed in the coordinator once the child runs.
    package var childDescriptors: [Int32]
    package var environment: [String: String]
    package var end: CoordinatorEnd
    /// How a side of `shm` polls before it sleeps.
    package var settings: TransportSettings

    /// Creates the transport's descriptors (close-on-exec; the spawn duplicates the child's
    /// ends onto its standard descriptors). A shared region gets slots of `slotBytes` for an
    /// in-place workload's input and result.
    /// A shared region comes from `regions` when given (a spare of the run's, or a new one it
    /// then keeps), or is made for this worker alone.
    package static func make(
        _ settings: TransportSettings, slotBytes: (input: Int, result: Int)? = nil, regions: SharedRegionPool? = nil
    ) throws(SystemError) -> WorkerConnection {
        var environment = [Transport.environmentVariable: settings.kind.rawValue]
        switch settings.kind {
        case .pipe:
            let requests = try Platform.makePipe()
            let replies: (read: Int32, write: Int32)
            do {
                replies = try Platform.makePipe()
            } catch {
                [requests.read, requests.write].forEach(Platform.close)
                throw error
            }
            return WorkerConnection(
                standardInput: FileHandle(fileDescriptor: requests.read),
                standardOutput: FileHandle(fileDescriptor: replies.write),
                childDescriptors: [requests.read, replies.write], environment: environment,
                end: .descriptors(requests: requests.write, replies: replies.read), settings: settings)
        case .socketpair:
            let (mine, theirs) = try Platform.makeSocketPair()
            let handle = FileHandle(fileDescriptor: theirs)
            return WorkerConnection(
                standardInput: handle, standardOutput: handle, childDescriptors: [theirs], environment: environment,
                end: .descriptors(requests: mine, replies: mine), settings: settings)
        case .shm:
            let (input, result) = slotBytes ?? (0, 0)
            let (region, descriptor) =
                if let regions {
                    try regions.lend(inputSlotBytes: input, resultSlotBytes: result)
                } else {
                    try SharedRegion.create(inputSlotBytes: input, resultSlotBytes: result)
                }
            environment[Transport.spinEnvironmentVariable] = String(settings.spinPolls)
            if settings.sharesCores { environment[Transport.crowdingEnvironmentVariable] = String(settings.crowding) }
            return WorkerConnection(
                standardInput: FileHandle(fileDescriptor: descriptor), standardOutput: FileHandle.standardError,
                childDescriptors: [descriptor],
                environment: environment, end: .region(region), settings: settings)
        }
    }

    /// Releases both ends of a connection whose child never started: the child's descriptors,
    /// and the coordinator's end as a finished worker's is released.
    func abandon() {
        childDescriptors.forEach(Platform.close)
        end.endRequests()
        end.release()
    }

    /// The coordinator's frame link over this connection; `peerAlive` says whether the child
    /// still runs.
    func makeLink(peerAlive: @escaping () -> Bool) -> any WorkerLink {
        switch end {
        case .descriptors(let requests, let replies):
            StreamLink.descriptors(requests: requests, replies: replies, end: end)
        case .region(let region):
            StreamLink.sharedMemory(region, waiting: RingWaiting(settings, peerAlive: peerAlive), end: end)
        }
    }
}
