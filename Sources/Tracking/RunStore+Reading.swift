import Foundation
import GRDB

extension RunStore {
    /// Every run, newest first.
    public func runs() throws(StoreError) -> [StoredRun] {
        try read { db in try StoredRun.fetchAll(db, sql: StoredRun.selectSQL + " ORDER BY r.id DESC") }
    }

    /// The run with this short id or uuid (a unique uuid prefix of at least 4 characters works too).
    public func run(_ reference: String) throws(StoreError) -> StoredRun {
        let found = try read { db -> [StoredRun] in
            // A short id first; a uuid prefix can be all digits too, so fall through to it.
            if let id = Int64(reference) {
                let byID = try StoredRun.fetchAll(db, sql: StoredRun.selectSQL + " WHERE r.id = ?", arguments: [id])
                if !byID.isEmpty { return byID }
            }
            guard reference.count >= 4 else { return [] }
            return try StoredRun.fetchAll(db, sql: StoredRun.selectSQL + " WHERE r.uuid LIKE ? ESCAPE '\\' LIMIT 2",
                                          arguments: [escapeLike(reference.lowercased()) + "%"])
        }
        guard found.count == 1 else { throw .unknownRun(reference) }
        return found[0]
    }

    /// A run's epochs in order, with their extra metrics.
    public func epochs(run: Int64) throws(StoreError) -> [EpochRecord] {
        try read { db in
            var records = try Row.fetchAll(db, sql: "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [run]).map { row in
                EpochRecord(epoch: row["epoch"], trainLoss: row["train_loss"], testLoss: row["test_loss"],
                            trainAccuracy: row["train_accuracy"], testAccuracy: row["test_accuracy"],
                            learningRate: row["learning_rate"], seconds: row["seconds"])
            }
            let index = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.epoch, $0) })
            for row in try Row.fetchAll(db, sql: "SELECT epoch, name, value FROM metrics WHERE run_id = ?", arguments: [run]) {
                if let i = index[row["epoch"]] { records[i].extra[row["name"]] = row["value"] }
            }
            return records
        }
    }

    /// A run's hyperparameters by name.
    public func params(run: Int64) throws(StoreError) -> [String: ParamValue] {
        try read { db in
            var out: [String: ParamValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM params WHERE run_id = ?", arguments: [run]) {
                out[row["name"]] = ParamValue(row["value"] as DatabaseValue)
            }
            return out
        }
    }

    /// A run's tags.
    public func tags(run: Int64) throws(StoreError) -> [String: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key, value FROM tags WHERE run_id = ?", arguments: [run])
                .map { ($0["key"], $0["value"]) })
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
func escapeLike(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
}
