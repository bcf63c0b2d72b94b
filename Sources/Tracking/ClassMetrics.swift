import GRDB

/// One class's precision, recall, F1 and support at a run's selected epoch, on one part: a
/// row of the `class_metrics` view, derived from the stored confusion matrix.
public struct ClassMetrics: StoredRecord, Sendable, Equatable {
    public static let databaseTableName = "class_metrics"
    public var runID: Int64
    /// `test` or `validation`.
    public var split: String
    public var epoch: Int
    public var classIndex: Int
    /// The class's name, as the run's data had it.
    public var `class`: String
    /// `nil` when no sample was predicted as the class.
    public var precision: Double?
    public var recall: Double?
    public var f1: Double?
    public var support: Int
}

extension RunStore {
    /// A classifier's per-class metrics at its selected epoch: test first, then validation, by class.
    public func classMetrics(run: Int64) throws(StoreError) -> [ClassMetrics] {
        try read { db in
            try SQLRequest<ClassMetrics>(literal: "SELECT * FROM class_metrics WHERE run_id = \(run) ORDER BY split = 'validation', class_index")
                .fetchAll(db)
        }
    }

    /// A classifier's confusion matrix at its selected epoch on one part (`test` or
    /// `validation`): `counts[actual][predicted]`, or nil when none is stored.
    public func confusion(run: Int64, split: String) throws(StoreError) -> (epoch: Int, counts: [[Int]])? {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT epoch, actual, predicted, count FROM confusion WHERE run_id = ? AND split = ?",
                                        arguments: [run, split])
            guard let first = rows.first else { return nil }
            let k = (rows.map { max($0["actual"] as Int, $0["predicted"] as Int) }.max() ?? 0) + 1
            var counts = Array(repeating: Array(repeating: 0, count: k), count: k)
            for row in rows { counts[row["actual"] as Int][row["predicted"] as Int] = row["count"] }
            return (first["epoch"], counts)
        }
    }
}
