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

extension RunStore {
    /// Per run, split and class: precision, recall, F1, support and the confusion matrix's row
    /// (`predicted_NAME` columns, by the widest run's classes; empty where a run has fewer).
    public func classes(runs: [Int64]) throws(StoreError) -> ResultTable {
        var rows: [[Cell]] = []
        var width = 0
        var names: [String] = []
        for run in runs {
            let metrics = try classMetrics(run: run)
            guard !metrics.isEmpty else { continue }
            let name = try self.run("\(run)").name
            for split in ["test", "validation"] {
                guard let (_, counts) = try confusion(run: run, split: split) else { continue }
                if counts.count > width {
                    width = counts.count
                    names = (0..<width).map { i in metrics.first { $0.classIndex == i }?.class ?? "\(i)" }
                }
                for m in metrics where m.split == split {
                    rows.append([.integer(run), name.map(Cell.text) ?? .null, .text(split), .integer(Int64(m.epoch)), .text(m.class),
                                 m.precision.map(Cell.real) ?? .null, m.recall.map(Cell.real) ?? .null, m.f1.map(Cell.real) ?? .null,
                                 .integer(Int64(m.support))] + counts[m.classIndex].map { .integer(Int64($0)) })
                }
            }
        }
        let columns = ["run_id", "run_name", "split", "epoch", "class", "precision", "recall", "f1", "support"] + names.map { "predicted_" + $0 }
        return ResultTable(columns: columns, rows: rows.map { $0 + Array(repeating: Cell.null, count: columns.count - $0.count) })
    }
}
