import Foundation
import GRDB
import Tracking

/// Every row of a store's runs and of every table of a run (``RunTable/all``), for comparing
/// two stores that hold the same runs (a sweep run whole and the same sweep run as shards and
/// merged): each store's own numbering and when and where a run ran are left out.
public enum StoreTables {
    /// Columns that differ between two stores of the same runs.
    public static let local: Set<String> = ["id", "run_id", "uuid", "experiment_id", "sweep_id", "created_at", "started_at", "ended_at",
                                            "heartbeat_at", "recorded_at", "seconds", "pid", "host", "process_start", "gradbook_version"]

    /// Per table, its rows as text, sorted, each run named by `key` (`r.sweep_index`, `r.uuid`).
    public static func rows(_ path: String, key: String = "r.sweep_index") throws -> [String: [String]] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            var out: [String: [String]] = [:]
            for table in ["runs"] + RunTable.all.map(\.name) {
                let columns = try db.columns(in: table).map(\.name).filter { !local.contains($0) }
                let select = columns.map { "t.\"\($0)\"" }.joined(separator: ", ")
                let join = table == "runs" ? "FROM runs t JOIN runs r ON r.id = t.id" : "FROM \"\(table)\" t JOIN runs r ON r.id = t.run_id"
                out[table] = try Row.fetchAll(db, sql: "SELECT \(key) AS run, \(select) \(join)").map { row in
                    row.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
                }.sorted()
            }
            return out
        }
    }
}
