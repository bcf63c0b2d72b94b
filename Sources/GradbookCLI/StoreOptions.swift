import ArgumentParser
import Foundation
import Tracking

/// `--db`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "The database file. (default: $GRADBOOK_DB, else ./gradbook.sqlite)")
    var db: String?

    @Option(name: .customLong("busy-timeout"), help: "Seconds a write waits for another process's write before it fails.")
    var busyTimeout: Double = 10

    func validate() throws {
        guard busyTimeout > 0, busyTimeout.isFinite else { throw ValidationError("invalid --busy-timeout \(busyTimeout): expected a positive number of seconds") }
    }

    /// The path in force: `--db`, else `GRADBOOK_DB`, else `./gradbook.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["GRADBOOK_DB"], !env.isEmpty { return env }
        return RunStore.defaultPath
    }

    /// Opens the store, and closes as `crashed` any run whose process is gone.
    func open() throws -> RunStore {
        let store = try RunStore(path: path, busyTimeout: busyTimeout)
        // Best effort: a store we can read but not write still lists runs (the views show
        // stale runs as crashed anyway).
        _ = try? store.reapCrashedRuns()
        return store
    }
}
