public import GRDB

/// A run as stored, with the names of its experiment and sweep.
public struct StoredRun: Sendable, Equatable, Codable, FetchableRecord {
    public var id: Int64
    public var uuid: String
    public var name: String?
    public var experiment: String?
    public var sweep: String?
    public var sweepIndex: Int?
    public var status: RunStatus
    public var createdAt: String
    public var startedAt: String?
    public var endedAt: String?
    public var heartbeatAt: String?
    public var pid: Int32?
    public var host: String?
    /// When its process started (``ProcessIdentity/start``), where known.
    public var processStart: String?
    public var seed: Int64?
    public var epochsPlanned: Int?
    /// The last epoch recorded (0 before the first).
    public var epochsDone: Int
    /// The whole configuration as JSON: enough to train the run again.
    public var configJSON: String
    public var error: String?
    /// Why a `finished` run ended before its planned last epoch (early stopping).
    public var stopReason: String?
    /// What turned the raw data into the network's inputs, as JSON (`nil` for runs recorded
    /// before Gradbook stored it).
    public var inputTransformJSON: String?
    public var gradbookVersion: String

    private enum CodingKeys: String, CodingKey {
        case id, uuid, name, experiment, sweep, sweepIndex, status, createdAt, startedAt, endedAt, heartbeatAt, pid, host, processStart, seed
        case epochsPlanned, epochsDone, configJSON = "config", error, stopReason, inputTransformJSON = "inputTransform", gradbookVersion
    }

    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .custom(ColumnKey.init(column:)) }

    /// The columns and joins this type reads.
    static let select: SQL = """
        SELECT r.id, r.uuid, r.name, x.name AS experiment, s.name AS sweep, r.sweep_index, r.status, r.created_at, r.started_at,
               r.ended_at, r.heartbeat_at, r.pid, r.host, r.process_start, r.seed, r.epochs_planned,
               (SELECT COALESCE(MAX(e.epoch), 0) FROM epochs e WHERE e.run_id = r.id) AS epochs_done, r.config, r.error,
               r.stop_reason, r.input_transform, r.gradbook_version
        FROM runs r
        LEFT JOIN experiments x ON x.id = r.experiment_id
        LEFT JOIN sweeps s ON s.id = r.sweep_id
        """
}

/// A row of `runs` as written when a run opens.
struct RunRow: StoredRecord {
    static let databaseTableName = "runs"
    var uuid: String
    var name: String?
    var experimentID: Int64?
    var sweepID: Int64?
    var sweepIndex: Int?
    var status: RunStatus
    var createdAt: String
    var startedAt: String?
    var heartbeatAt: String?
    var pid: Int32?
    var host: String?
    var processStart: String?
    var seed: Int64?
    var epochsPlanned: Int?
    var config: String
    var gradbookVersion: String
}
