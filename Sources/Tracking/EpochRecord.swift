public import GRDB

/// One epoch as the store keeps it: the catalogue's metrics (a row of `epochs`), any other named
/// metric (rows of `extra_metrics`), and the per-layer health, alerts and snapshot written in the
/// same transaction. Plain values, no training types; non-finite values are kept as `nil`.
public struct EpochRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "epochs"

    /// The run; set by the store when the epoch is recorded.
    public var runID: Int64 = 0
    public var epoch: Int
    public var trainLoss: Double?
    public var testLoss: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    public var learningRate: Double?
    public var seconds: Double?
    /// When the store received it (UTC text); set by the store.
    public var recordedAt: String?
    /// Any other named metric of the epoch (`grad_norm`, `val_loss`, a metric of the run's own):
    /// the catalogue's are columns of `epochs` (``columns``), the others rows of `extra_metrics`.
    public var extra: [String: Double]
    /// Per-layer diagnostics, the alerts that fired, and a weight snapshot.
    public var layers: [LayerHealthRecord] = []
    public var alerts: [AlertRecord] = []
    public var snapshot: SnapshotRecord?

    public init(epoch: Int, trainLoss: Double? = nil, testLoss: Double? = nil, trainAccuracy: Double? = nil,
                testAccuracy: Double? = nil, learningRate: Double? = nil, seconds: Double? = nil,
                extra: [String: Double] = [:]) {
        self.epoch = epoch
        self.trainLoss = finite(trainLoss)
        self.testLoss = finite(testLoss)
        self.trainAccuracy = finite(trainAccuracy)
        self.testAccuracy = finite(testAccuracy)
        self.learningRate = finite(learningRate)
        self.seconds = finite(seconds)
        self.extra = extra
    }

    /// The value of a metric stored in `epochs` or in ``extra``.
    public func value(of metric: String) -> Double? {
        switch metric {
        case Metric.trainLoss.name: trainLoss
        case Metric.testLoss.name: testLoss
        case Metric.trainAccuracy.name: trainAccuracy
        case Metric.testAccuracy.name: testAccuracy
        case Metric.learningRate.name: learningRate
        case Metric.seconds.name: seconds
        default: extra[metric]
        }
    }

    /// Reads a row of `epochs` (without its extra metrics, layers, alerts or snapshot).
    public init(row: Row) throws {
        runID = row["run_id"]
        epoch = row["epoch"]
        trainLoss = row["train_loss"]
        testLoss = row["test_loss"]
        trainAccuracy = row["train_accuracy"]
        testAccuracy = row["test_accuracy"]
        learningRate = row["learning_rate"]
        seconds = row["seconds"]
        recordedAt = row["recorded_at"]
        extra = [:]
        for name in Self.extraColumns { if let value: Double = row[name] { extra[name] = value } }
    }

    /// The columns of `epochs` and how each is read from a record: GRDB's encoding and the
    /// prepared insert both come from this one list. After the record's own fields, a column per
    /// metric of the catalogue stored in `epochs` (``Metric/Source/epochs``), from ``extra``.
    static let columns = fieldColumns + extraColumns.map { name in InsertColumn<EpochRecord>(name, { finite($0.extra[name]) }) }
    private static let fieldColumns: [InsertColumn<EpochRecord>] = [
        .init("run_id", { $0.runID }), .init("epoch", { $0.epoch }), .init("train_loss", { $0.trainLoss }), .init("test_loss", { $0.testLoss }),
        .init("train_accuracy", { $0.trainAccuracy }), .init("test_accuracy", { $0.testAccuracy }), .init("learning_rate", { $0.learningRate }),
        .init("seconds", { $0.seconds }), .init("recorded_at", { $0.recordedAt ?? Timestamp.now() }),
    ]

    /// The catalogue's metrics with a column of `epochs` but no field of their own: kept in ``extra``.
    static let extraColumns = Metric.catalogue.filter { $0.source == .epochs }.map(\.name).filter { name in
        !fieldColumns.contains { $0.name == name }
    }
    /// ``extraColumns`` as a set: the names ``RunStore/recordEpochs(run:_:)`` does not write as rows.
    static let extraColumnSet = Set(extraColumns)

    static let insertSQL = makeInsertSQL()

    /// The row of `epochs`.
    public func encode(to container: inout PersistenceContainer) throws { encodeColumns(to: &container) }
}

extension EpochRecord: PreparedInsert {}

/// A metric of `extra_metrics` (one outside the catalogue's columns of `epochs`) at one epoch.
struct MetricRow: StoredRecord, PreparedInsert {
    static let databaseTableName = "extra_metrics"
    var runID: Int64
    var epoch: Int
    var name: String
    var value: Double?

    static let columns: [InsertColumn<MetricRow>] = [
        .init("run_id", { $0.runID }), .init("epoch", { $0.epoch }), .init("name", { $0.name }), .init("value", { $0.value }),
    ]
    static let insertSQL = makeInsertSQL()
}
