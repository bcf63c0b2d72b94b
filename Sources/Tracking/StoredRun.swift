public import GRDB

/// A run as stored, with the status a reader should see (`crashed` for a `running` run whose
/// heartbeat went stale).
public struct StoredRun: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var uuid: String
    public var name: String?
    public var experiment: String?
    public var sweep: String?
    public var status: RunStatus
    public var createdAt: String
    public var startedAt: String?
    public var endedAt: String?
    public var heartbeatAt: String?
    public var pid: Int32?
    public var host: String?
    public var seed: Int64?
    public var epochsPlanned: Int?
    /// The last epoch recorded (0 before the first).
    public var epochsDone: Int
    public var configJSON: String
    public var error: String?
    public var gradbookVersion: String

    /// The columns and joins that ``init(row:)`` reads.
    static let selectSQL = """
        SELECT r.id, r.uuid, r.name, x.name AS experiment, s.name AS sweep, st.status, r.created_at, r.started_at,
               r.ended_at, r.heartbeat_at, r.pid, r.host, r.seed, r.epochs_planned,
               (SELECT COALESCE(MAX(e.epoch), 0) FROM epochs e WHERE e.run_id = r.id) AS epochs_done, r.config, r.error,
               r.gradbook_version
        FROM runs r
        JOIN run_status st ON st.run_id = r.id
        LEFT JOIN experiments x ON x.id = r.experiment_id
        LEFT JOIN sweeps s ON s.id = r.sweep_id
        """

    public init(row: Row) throws {
        id = row["id"]
        uuid = row["uuid"]
        name = row["name"]
        experiment = row["experiment"]
        sweep = row["sweep"]
        status = RunStatus(rawValue: row["status"]) ?? .failed
        createdAt = row["created_at"]
        startedAt = row["started_at"]
        endedAt = row["ended_at"]
        heartbeatAt = row["heartbeat_at"]
        pid = row["pid"]
        host = row["host"]
        seed = row["seed"]
        epochsPlanned = row["epochs_planned"]
        epochsDone = row["epochs_done"]
        configJSON = row["config"]
        error = row["error"]
        gradbookVersion = row["gradbook_version"]
    }
}
