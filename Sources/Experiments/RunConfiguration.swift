import Datasets
public import Neural

/// The whole recipe of one run: its data and its training configuration. Stored as JSON with
/// the run, it is enough to train the run again.
public struct RunConfiguration: Sendable, Hashable, Codable {
    public var data: DataSpec
    public var training: TrainingConfig

    public init(data: DataSpec = DataSpec(), training: TrainingConfig) {
        self.data = data
        self.training = training
    }

    /// Loads the data (seeded by the run's seed) and builds a trainer.
    public func makeTrainer() throws -> Trainer {
        let split = try data.load(seed: training.seed)
        return try Trainer(config: training, data: split)
    }
}
