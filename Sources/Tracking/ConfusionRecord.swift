import GRDB

/// A run's confusion matrices at its selected epoch (the `best` snapshot's): counts of samples
/// by actual and predicted class, on the test part and the validation part. Precision, recall
/// and F1 per class are derived from them by the `class_metrics` view.
public struct ConfusionRecord: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        /// `test` or `validation`.
        public var split: String
        /// Class indices, in the order of the run's classes.
        public var actual: Int
        public var predicted: Int
        public var count: Int

        public init(split: String, actual: Int, predicted: Int, count: Int) {
            self.split = split
            self.actual = actual
            self.predicted = predicted
            self.count = count
        }
    }

    public var epoch: Int
    public var cells: [Cell]

    public init(epoch: Int, cells: [Cell]) {
        self.epoch = epoch
        self.cells = cells
    }
}

/// A cell of a run's confusion matrix as `confusion` stores it.
struct ConfusionRow: TableRecord, PreparedInsert {
    static let databaseTableName = "confusion"
    var runID: Int64
    var epoch: Int
    var cell: ConfusionRecord.Cell

    static let columns: [InsertColumn<ConfusionRow>] = [
        .init("run_id", { $0.runID }), .init("split", { $0.cell.split }), .init("epoch", { $0.epoch }), .init("actual", { $0.cell.actual }),
        .init("predicted", { $0.cell.predicted }), .init("count", { $0.cell.count }),
    ]
    static let insertSQL = makeInsertSQL()
}
