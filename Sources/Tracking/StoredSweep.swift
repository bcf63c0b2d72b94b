/// A sweep as stored: its identity, how it ranks runs, and its expanded configurations.
public struct StoredSweep: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var experiment: String?
    public var status: String
    public var method: String
    public var metric: String
    public var goal: String
    public var specJSON: String
    /// Per configuration index: the varying options (JSON) and the whole run configuration (JSON).
    public var configs: [SweepConfig]

    public struct SweepConfig: Sendable, Equatable {
        public var index: Int
        public var settingsJSON: String
        public var configJSON: String

        public init(index: Int, settingsJSON: String, configJSON: String) {
            self.index = index
            self.settingsJSON = settingsJSON
            self.configJSON = configJSON
        }
    }
}

/// A sweep to store before its first run starts.
public struct NewSweep: Sendable {
    public var name: String
    public var experiment: String?
    public var method: String
    public var metric: String
    public var goal: String
    public var specJSON: String
    public var configs: [StoredSweep.SweepConfig]

    public init(name: String, experiment: String?, method: String, metric: String, goal: String, specJSON: String,
                configs: [StoredSweep.SweepConfig]) {
        self.name = name
        self.experiment = experiment
        self.method = method
        self.metric = metric
        self.goal = goal
        self.specJSON = specJSON
        self.configs = configs
    }
}
