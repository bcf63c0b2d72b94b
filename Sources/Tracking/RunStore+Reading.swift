import Foundation
import GRDB

extension RunStore {
    /// Every run, newest first.
    public func runs() throws(StoreError) -> [StoredRun] {
        try read { db in try SQLRequest<StoredRun>(literal: StoredRun.select + " ORDER BY r.id DESC").fetchAll(db) }
    }

    /// The run with this short id, uuid (or a unique uuid prefix of at least 4 characters), or
    /// name — in that order, so an id always wins.
    /// - Throws: ``StoreError/unknownRun(_:)``, or ``StoreError/ambiguousRun(_:matches:)`` listing
    ///   the runs a shared name or uuid prefix matches.
    public func run(_ reference: String) throws(StoreError) -> StoredRun {
        let found = try read { db -> [StoredRun] in
            // A short id first; a uuid prefix can be all digits too, so fall through to it.
            if let id = Int64(reference) {
                let byID = try SQLRequest<StoredRun>(literal: StoredRun.select + " WHERE r.id = \(id)").fetchAll(db)
                if !byID.isEmpty { return byID }
            }
            if reference.count >= 4 {
                let pattern = escapeLike(reference.lowercased()) + "%"
                let byUUID = try SQLRequest<StoredRun>(literal: StoredRun.select + " WHERE r.uuid LIKE \(pattern) ESCAPE '\\' ORDER BY r.id LIMIT 11")
                    .fetchAll(db)
                if !byUUID.isEmpty { return byUUID }
            }
            return try SQLRequest<StoredRun>(literal: StoredRun.select + " WHERE r.name = \(reference) ORDER BY r.id LIMIT 11").fetchAll(db)
        }
        guard let first = found.first else { throw .unknownRun(reference) }
        guard found.count == 1 else {
            throw .ambiguousRun(reference, matches: found.prefix(10).map { "\($0.id) (\($0.uuid.prefix(8)), \($0.createdAt))" }
                + (found.count > 10 ? ["…"] : []))
        }
        return first
    }

    /// A run's epochs in order, with their extra metrics.
    public func epochs(run: Int64) throws(StoreError) -> [EpochRecord] {
        try read { db in
            var records = try EpochRecord.filter(Column("run_id") == run).order(Column("epoch")).fetchAll(db)
            let index = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.epoch, $0) })
            for row in try MetricRow.filter(Column("run_id") == run).fetchAll(db) {
                if let i = index[row.epoch], let value = row.value { records[i].extra[row.name] = value }
            }
            return records
        }
    }

    /// A run's hyperparameters by name.
    public func params(run: Int64) throws(StoreError) -> [String: ParamValue] {
        try read { db in
            Dictionary(try ParamRow.filter(Column("run_id") == run).fetchAll(db).map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// A run's tags.
    public func tags(run: Int64) throws(StoreError) -> [String: String] {
        try read { db in
            Dictionary(try TagRow.filter(Column("run_id") == run).fetchAll(db).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
func escapeLike(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
}
