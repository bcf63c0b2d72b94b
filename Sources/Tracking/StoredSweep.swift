import GRDB

/// A sweep as stored: its identity, how it ranks runs, and its expanded configurations.
public struct StoredSweep: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var experiment: String?
    public var status: SweepStatus
    public var method: String
    /// The metric that ranks its runs, and which way is better.
    public var metric: String
    public var goal: Goal
    public var specJSON: String
    /// Per configuration index: the varying options (JSON) and the whole run configuration (JSON).
    public var configs: [SweepConfig]
}

/// One configuration of a sweep (a row of `sweep_configs`).
public struct SweepConfig: StoredRecord, Sendable, Equatable {
    public static let databaseTableName = "sweep_configs"
    public var sweepID: Int64 = 0
    public var index: Int
    /// The options that vary, by flag name, as JSON.
    public var settingsJSON: String
    /// The whole run configuration, as JSON.
    public var configJSON: String

    private enum CodingKeys: String, CodingKey {
        case sweepID, index = "idx", settingsJSON = "settings", configJSON = "config"
    }

    public init(index: Int, settingsJSON: String, configJSON: String) {
        self.index = index
        self.settingsJSON = settingsJSON
        self.configJSON = configJSON
    }
}

/// A row of `sweeps`.
struct SweepRow: StoredRecord {
    static let databaseTableName = "sweeps"
    var id: Int64?
    var name: String
    var experimentID: Int64?
    var status: SweepStatus
    var method: String
    var metric: String
    var goal: Goal
    var spec: String
    var createdAt: String
    var updatedAt: String
}

/// A sweep to store before its first run starts.
public struct NewSweep: Sendable {
    public var name: String
    public var experiment: String?
    public var method: String
    public var metric: String
    public var goal: Goal
    public var specJSON: String
    public var configs: [SweepConfig]

    public init(name: String, experiment: String?, method: String, metric: String, goal: Goal, specJSON: String,
                configs: [SweepConfig]) {
        self.name = name
        self.experiment = experiment
        self.method = method
        self.metric = metric
        self.goal = goal
        self.specJSON = specJSON
        self.configs = configs
    }
}
