public import Foundation
import GRDB

extension RunStore {
    /// The run's latest checkpoint, if it has one.
    public func checkpoint(run: Int64) throws(StoreError) -> (epoch: Int, state: Data)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT epoch, state FROM checkpoints WHERE run_id = ?", arguments: [run]).map { ($0["epoch"], $0["state"]) }
        }
    }

    /// Opens an interrupted or crashed run again to continue it after `epoch` (its checkpoint's),
    /// in one transaction: what it logged after that epoch is dropped (the resumed run trains
    /// those epochs again, to the same numbers), it is `running` in this process, and a note
    /// says what happened.
    /// - Throws: ``StoreError/notResumable(run:status:)`` for a run in another state.
    public func reopenRun(_ run: Int64, after epoch: Int, identity: ProcessIdentity = .current) throws(StoreError) {
        try write { db in try Self.reopen(run, after: epoch, identity: identity, db) }
    }

    /// The latest interrupted or crashed run of a sweep's configuration that has a checkpoint,
    /// opened again to continue after it (as ``reopenRun(_:after:identity:)``), in one
    /// transaction: two processes never resume the same run. `nil` when there is none.
    public func resumeConfiguration(sweep: Int64, index: Int, identity: ProcessIdentity) throws(StoreError) -> (run: Int64, epoch: Int, state: Data)? {
        _ = try reapCrashedRuns(identity: identity)
        let resumable = """
            SELECT r.id, c.epoch, c.state FROM runs r JOIN checkpoints c ON c.run_id = r.id
            WHERE r.sweep_id = ? AND r.sweep_index = ? AND r.status IN ('interrupted', 'crashed')
            ORDER BY r.id DESC LIMIT 1
            """
        // Read first: most configurations have nothing to resume, and a read does not wait for the writer.
        guard try read({ db in try Row.fetchOne(db, sql: resumable, arguments: [sweep, index]) }) != nil else { return nil }
        return try write { db in
            guard let row = try Row.fetchOne(db, sql: resumable, arguments: [sweep, index]) else { return nil }
            let run: Int64 = row["id"], epoch: Int = row["epoch"]
            try Self.reopen(run, after: epoch, identity: identity, db)
            return (run, epoch, row["state"])
        }
    }

    private static func reopen(_ run: Int64, after epoch: Int, identity: ProcessIdentity, _ db: Database) throws {
        let status = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [run])
        guard status == RunStatus.interrupted.rawValue || status == RunStatus.crashed.rawValue else {
            throw StoreError.notResumable(run: run, status: status ?? "missing")
        }
        let dropped = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM epochs WHERE run_id = ? AND epoch > ?", arguments: [run, epoch]) ?? 0
        for table in ["epochs", "extra_metrics", "layer_health", "alerts", "snapshots"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ? AND epoch > ?", arguments: [run, epoch])
        }
        // The selected epoch's confusion matrix stays when that epoch is kept (a later one replaces it).
        try db.execute(sql: "DELETE FROM confusion WHERE run_id = ? AND epoch > ?", arguments: [run, epoch])
        let now = Timestamp.now()
        try db.execute(literal: """
            UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, stop_reason = NULL, heartbeat_at = \(now),
                   pid = \(identity.pid), host = \(identity.host), process_start = \(identity.start)
            WHERE id = \(run)
            """)
        let text = "resumed after epoch \(epoch) from its checkpoint (was \(status ?? "?"))"
            + (dropped > 0 ? "; the \(dropped) epochs logged after it were dropped and trained again" : "")
        try Note(runID: run, text: text).insert(db)
    }
}
