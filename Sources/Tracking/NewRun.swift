import GRDB

/// What the store needs to open a run.
public struct NewRun: Sendable {
    public var name: String?
    public var experiment: String?
    public var seed: Int64?
    public var epochsPlanned: Int?
    /// The whole configuration as JSON, enough to repeat the run.
    public var configJSON: String
    /// Every hyperparameter that shaped the run, defaults included.
    public var params: [String: ParamValue]
    public var tags: [String: String]
    public var gradbookVersion: String
    /// The sweep and the index of its configuration this run carries out, if any.
    public var sweepID: Int64?
    public var sweepIndex: Int?

    public init(name: String? = nil, experiment: String? = nil, seed: Int64? = nil, epochsPlanned: Int? = nil,
                configJSON: String, params: [String: ParamValue], tags: [String: String] = [:], gradbookVersion: String,
                sweepID: Int64? = nil, sweepIndex: Int? = nil) {
        self.name = name
        self.experiment = experiment
        self.seed = seed
        self.epochsPlanned = epochsPlanned
        self.configJSON = configJSON
        self.params = params
        self.tags = tags
        self.gradbookVersion = gradbookVersion
        self.sweepID = sweepID
        self.sweepIndex = sweepIndex
    }
}

/// A hyperparameter of a run (a row of `params`).
struct ParamRow: StoredRecord, PreparedInsert {
    static let databaseTableName = "params"
    var runID: Int64
    var name: String
    var value: ParamValue

    static let columns: [InsertColumn<ParamRow>] = [
        .init("run_id", { $0.runID }), .init("name", { $0.name }), .init("value", { $0.value }),
    ]
    static let insertSQL = makeInsertSQL()
}

/// A tag of a run (a row of `tags`).
struct TagRow: StoredRecord, PreparedInsert {
    static let databaseTableName = "tags"
    var runID: Int64
    var key: String
    var value: String

    static let columns: [InsertColumn<TagRow>] = [
        .init("run_id", { $0.runID }), .init("key", { $0.key }), .init("value", { $0.value }),
    ]
    static let insertSQL = makeInsertSQL()
}
