import LabCore

/// One lab per folder: the exclusive lock a command holds on a run folder for as long as it
/// writes there (`lab run` and its `--resume`, `lab report`, the folder of an `--embed`
/// target). A second lab is refused at once, by the process's number, instead of racing the
/// first one's rows. The lock is `flock` on the folder itself: nothing is written into the
/// folder for it, and the kernel releases it when the process ends, however it ends.
package final class RunFolderLock: Sendable {
    package let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock on the folder at `path`, then removes the temporary files that a writer
    /// killed mid-write left (`<name>.tmp-…`): holding the lock, no other writer's can be there.
    /// - Throws: ``RunFolderError/busy(path:holder:)`` when another process holds it;
    ///   ``RunFolderError/noFolder(path:)`` when there is no folder at `path`.
    package static func acquire(_ path: String) throws(RunFolderError) -> RunFolderLock {
        let descriptor: Int32?
        do {
            descriptor = try Platform.lockFolder(path)
        } catch {
            throw .noFolder(path: path)
        }
        guard let descriptor else {
            let holder = Platform.lockHolder(ofFolder: path)
            throw .busy(
                path: path,
                holder: holder.map { "process \($0)" + (Platform.commandLine(of: $0).map { ", \($0)" } ?? "") })
        }
        let lock = RunFolderLock(path: path, descriptor: descriptor)
        lock.removeLeftoverTemporaries()
        return lock
    }

    /// Removes `*.tmp-*` files of the folder: what a writer killed between writing a file and
    /// renaming it left behind.
    private func removeLeftoverTemporaries() {
        for name in (try? Platform.directoryEntries(path)) ?? [] where name.contains(Platform.temporaryInfix) {
            Platform.removeFile(atPath: path + "/" + name)
        }
    }

    deinit {
        Platform.close(descriptor)
    }
}
