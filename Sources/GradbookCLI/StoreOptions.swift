import ArgumentParser
import Experiments
import Foundation
import Tracking

/// `--db`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "The database file. (default: $GRADBOOK_DB, else ./gradbook.sqlite)")
    var db: String?

    @Option(name: .customLong("busy-timeout"), help: "Seconds a write waits for another process's write before it fails (at most a day).")
    var busyTimeout: Double = 10

    @Option(name: .customLong("lock-wait"), help: ArgumentHelp(
        "run and sweep: seconds a training run keeps its epochs in memory and tries again when another command holds the store "
            + "(a large delete, a merge) before it fails (at most a day).", valueName: "seconds"))
    var lockWait: Double = Runner.defaultLockWait

    /// The longest `--busy-timeout` or `--lock-wait` taken: a day.
    static let longestWait = 86_400.0

    func validate() throws {
        guard busyTimeout > 0, busyTimeout <= Self.longestWait else {
            throw ValidationError("invalid --busy-timeout \(busyTimeout): expected a number of seconds above 0 and at most \(Int(Self.longestWait))")
        }
        guard lockWait >= 0, lockWait <= Self.longestWait else {
            throw ValidationError("invalid --lock-wait \(lockWait): expected a number of seconds from 0 to \(Int(Self.longestWait))")
        }
    }

    /// The path in force: `--db`, else `GRADBOOK_DB`, else `./gradbook.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["GRADBOOK_DB"], !env.isEmpty { return env }
        return RunStore.defaultPath
    }

    /// Opens the store for `access`, and closes as `crashed` any run whose process is gone.
    /// Commands that record (`run`, `sweep`, `merge`) create a new store; the others need one
    /// to exist.
    func open(_ access: StoreAccess = .write) throws -> RunStore {
        let store = try RunStore(path: path, busyTimeout: busyTimeout, access: access)
        // Best effort: a store we can read but not write still lists runs (the views show
        // stale runs as crashed anyway).
        _ = try? store.reapCrashedRuns()
        return store
    }
}
