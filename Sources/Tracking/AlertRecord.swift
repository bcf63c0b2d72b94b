public import GRDB

/// An alert as stored in `alerts`: one row per kind, layer and epoch while it holds.
public struct AlertRecord: StoredRecord, Sendable, Equatable {
    public static let databaseTableName = "alerts"

    /// The run; set by the store when the alert is recorded.
    public var runID: Int64 = 0
    public var epoch: Int
    public var kind: AlertKind
    /// How grave this one is: the kind's usual severity unless the monitor judged otherwise.
    public var severity: AlertKind.Severity
    /// The layer (0 = first hidden), or -1 for the whole run.
    public var layer: Int
    /// The measured value and the bound it crossed.
    public var value: Double?
    public var threshold: Double?
    /// What happened, in words, with the numbers.
    public var message: String

    public init(epoch: Int, kind: AlertKind, severity: AlertKind.Severity? = nil, layer: Int, value: Double?, threshold: Double?,
                message: String) {
        self.epoch = epoch
        self.kind = kind
        self.severity = severity ?? kind.severity
        self.layer = layer
        self.value = finite(value)
        self.threshold = finite(threshold)
        self.message = message
    }
}

/// A run whose health stays poor raises an alert or two every epoch (a learning rate that
/// saturates a tanh layer, one of a sweep's many): written through a prepared statement, as an
/// epoch's other rows are. An alert raised again at the same epoch, kind and layer replaces it.
extension AlertRecord: PreparedInsert {
    static let columns: [InsertColumn<AlertRecord>] = [
        .init("run_id", { $0.runID }), .init("epoch", { $0.epoch }), .init("kind", { $0.kind }), .init("severity", { $0.severity }),
        .init("layer", { $0.layer }), .init("value", { $0.value }), .init("threshold", { $0.threshold }), .init("message", { $0.message }),
    ]
    static let insertSQL = makeInsertSQL(replacing: true)
}

/// Each alert of a run once per kind and layer (the view `alert_summary`).
public struct AlertSummary: Sendable, Equatable, Codable, FetchableRecord {
    public var runID: Int64
    public var kind: AlertKind
    public var layer: Int
    public var firstEpoch: Int
    public var lastEpoch: Int
    /// Epochs in which it held.
    public var epochs: Int
    public var firstMessage: String
    /// The gravest severity it reached.
    public var severity: AlertKind.Severity

    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .custom(ColumnKey.init(column:)) }
}
