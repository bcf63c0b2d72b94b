import Datasets
public import Neural

/// The whole recipe of one run: its data and its training configuration. Stored as JSON with
/// the run, it is enough to train the run again.
public struct RunConfiguration: Sendable, Hashable, Codable {
    public var data: DataSpec
    public var training: TrainingConfig
    public var tracking: TrackingOptions
    /// The TensorFlow Playground link the run was configured from, if any.
    public var playground: String?

    public init(data: DataSpec = DataSpec(), training: TrainingConfig, tracking: TrackingOptions = TrackingOptions()) {
        self.data = data
        self.training = training
        self.tracking = tracking
    }

    private enum CodingKeys: String, CodingKey { case data, training, tracking, playground }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decode(DataSpec.self, forKey: .data)
        training = try c.decode(TrainingConfig.self, forKey: .training)
        tracking = try c.decodeIfPresent(TrackingOptions.self, forKey: .tracking) ?? TrackingOptions()
        playground = try c.decodeIfPresent(String.self, forKey: .playground)
    }

    /// Loads the data (seeded by the run's seed) and builds a trainer.
    public func makeTrainer() throws -> Trainer {
        let split = try data.load(seed: training.seed)
        return try Trainer(config: training, data: split)
    }
}
