import Foundation
import GRDB

extension RunStore {
    /// The tables that hold rows of a run, in the order a deletion report lists them.
    public static let runTables = ["params", "tags", "notes", "epochs", "metrics", "layer_health", "alerts", "snapshots", "snapshot_tensors"]

    /// Sets tags on a run (a new value replaces the old one) and removes others, in one transaction.
    public func tag(run: Int64, set: [String: String], remove: [String] = []) throws(StoreError) {
        try write { db in
            for key in remove { try db.execute(sql: "DELETE FROM tags WHERE run_id = ? AND key = ?", arguments: [run, key]) }
            for (key, value) in set.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value",
                               arguments: [run, key, value])
            }
        }
    }

    /// Adds a note to a run.
    public func addNote(run: Int64, _ text: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT INTO notes (run_id, created_at, text) VALUES (?, \(Timestamp.nowSQL), ?)", arguments: [run, text])
        }
    }

    /// A run's notes, oldest first.
    public func notes(run: Int64) throws(StoreError) -> [(created: String, text: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT created_at, text FROM notes WHERE run_id = ? ORDER BY id", arguments: [run])
                .map { (created: $0["created_at"], text: $0["text"]) }
        }
    }

    /// How many rows each table holds for these runs (`runs` included): what ``delete(runs:)`` removes.
    public func rowCounts(runs: [Int64]) throws(StoreError) -> [(table: String, rows: Int)] {
        try read { db in
            let ids = Self.jsonArray(runs)
            return try (["runs"] + Self.runTables).map { table in
                let column = table == "runs" ? "id" : "run_id"
                return (table, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) IN (SELECT value FROM json_each(?))",
                                                arguments: [ids]) ?? 0)
            }
        }
    }

    /// Deletes runs and every row that belongs to them (params, tags, notes, epochs, metrics,
    /// diagnostics, alerts, snapshots), in one transaction; sweeps and experiments stay.
    ///
    /// - warning: This cannot be undone.
    /// - Returns: the rows removed per table.
    @discardableResult
    public func delete(runs: [Int64]) throws(StoreError) -> [(table: String, rows: Int)] {
        let counts = try rowCounts(runs: runs)
        try write { db in
            // Foreign keys cascade from runs to every table of the run.
            try db.execute(sql: "DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))", arguments: [Self.jsonArray(runs)])
        }
        return counts
    }

    /// Rebuilds the file without its free pages (SQLite's VACUUM) and empties the write-ahead log.
    /// - Returns: the size of the file before and after, in bytes.
    public func vacuum() throws(StoreError) -> (before: Int64, after: Int64) {
        let before = fileSize()
        try write { _ in }
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                _ = try db.checkpoint(.truncate)
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
        return (before, fileSize())
    }

    /// The database file's size with its write-ahead log, in bytes.
    public func fileSize() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Each alert of a run once per kind and layer: first and last epoch, epochs fired, first message.
    public func alertSummary(run: Int64) throws(StoreError) -> [(kind: String, layer: Int, first: Int, last: Int, epochs: Int, message: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_summary WHERE run_id = ? ORDER BY first_epoch, kind, layer", arguments: [run]).map {
                (kind: $0["kind"], layer: $0["layer"], first: $0["first_epoch"], last: $0["last_epoch"], epochs: $0["epochs"],
                 message: $0["first_message"])
            }
        }
    }

    /// A run's per-layer health at one epoch, layer by layer.
    public func layerHealth(run: Int64, epoch: Int) throws(StoreError) -> [LayerHealthRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM layer_health WHERE run_id = ? AND epoch = ? ORDER BY layer", arguments: [run, epoch]).map {
                LayerHealthRecord(layer: $0["layer"], units: $0["units"], activation: $0["activation"],
                                  gradNormMean: $0["grad_norm_mean"] ?? .nan, gradNormMax: $0["grad_norm_max"] ?? .nan,
                                  biasGradNormMean: $0["bias_grad_norm_mean"] ?? .nan, biasGradNormMax: $0["bias_grad_norm_max"] ?? .nan,
                                  weightNorm: $0["weight_norm"] ?? .nan, updateRatio: $0["update_ratio"] ?? .nan,
                                  actMean: $0["act_mean"], actStd: $0["act_std"], deadUnits: $0["dead_units"],
                                  deadFraction: $0["dead_fraction"], saturatedFraction: $0["saturated_fraction"],
                                  evalActMean: $0["eval_act_mean"], evalActStd: $0["eval_act_std"],
                                  evalDeadUnits: $0["eval_dead_units"], evalSaturatedFraction: $0["eval_saturated_fraction"])
            }
        }
    }
}
