public import Datasets
import Foundation
public import Neural

/// The whole recipe of one run: its data and its training configuration. Stored as JSON with
/// the run, it is enough to train the run again.
public struct RunConfiguration: Sendable, Hashable, Codable {
    public var data: DataSpec
    public var training: TrainingConfig
    public var tracking: TrackingOptions
    /// The TensorFlow Playground link the run was configured from, if any.
    public var playground: String?
    /// When to end the run before its last epoch (`--early-stop`); `nil`: never.
    public var earlyStopping: EarlyStopping?

    public init(data: DataSpec, training: TrainingConfig, tracking: TrackingOptions) {
        self.data = data
        self.training = training
        self.tracking = tracking
    }

    /// Every option at its default (``RunOption/defaultValue``): what `gradbook run` trains with
    /// no flags.
    public static let defaults: RunConfiguration = {
        do { return try RunSettings().configuration() } catch { fatalError("the run options' defaults do not make a run: \(error)") }
    }()

    /// The configuration every option's value is applied to: placeholders only, each replaced
    /// by an option's value or default (``RunSettings/configuration()``).
    static let blank = RunConfiguration(
        data: DataSpec(dataset: "", samples: 0, noise: 0, trainRatio: 0, validationRatio: nil, label: nil, labelKind: .auto, standardize: nil,
                       stratified: false, classes: 0, features: 0, crosses: nil),
        training: TrainingConfig(hidden: [], initializer: .zeros, optimizer: .sgd, learningRate: 0, batchSize: 0, epochs: 0,
                                 l1: 0, l2: 0, clipNorm: nil, seed: 0, evaluateTrainingSet: false, playgroundLoss: nil),
        tracking: TrackingOptions(thresholds: HealthThresholds(vanishingRatio: 0, vanishingFloor: 0, explodingNorm: 0, explodingGrowth: 0,
                                                               explodingWindow: 0, deadFraction: 0, saturationFraction: 0, saturationGain: 0),
                                  snapshotEvery: 0, snapshots: false, stopOnExploding: false))

    private enum CodingKeys: String, CodingKey { case data, training, tracking, playground, earlyStopping }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decode(DataSpec.self, forKey: .data)
        training = try c.decode(TrainingConfig.self, forKey: .training)
        // Stores written before tracking options existed: the defaults.
        tracking = try c.decodeIfPresent(TrackingOptions.self, forKey: .tracking) ?? Self.defaults.tracking
        playground = try c.decodeIfPresent(String.self, forKey: .playground)
        earlyStopping = try c.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping)
    }

    /// Loads the data (seeded by the run's seed) and builds a trainer, each checked against
    /// `memory` before it is allocated.
    /// - Parameter transform: a stored run's input transform, applied instead of fitted again.
    public func makeTrainer(blasThreads: Int? = nil, memory: MemoryBudget = .standard, transform: InputTransform? = nil) throws -> Trainer {
        try memory.checkData(data)
        let split = try data.load(seed: training.seed, maxValues: memory.maxDataValues(), transform: transform)
        try memory.checkNetwork(training, inputs: split.train.featureCount, outputs: split.train.task.outputCount, samples: split.train.count)
        return try Trainer(config: training, data: split, blasThreads: blasThreads)
    }
}

extension RunConfiguration {
    /// What configurations that may train together share: the data and every training choice
    /// but the seed, the learning rate, its schedule and warm-up, and the epochs
    /// (``Lockstep/obstacle(_:)`` has the last word, on the trainers made).
    var lockstepKey: String? {
        var shared = RunConfiguration(data: data, training: training, tracking: Self.blank.tracking)
        shared.training.seed = 0
        shared.training.learningRate = 0
        shared.training.schedule = nil
        shared.training.warmupEpochs = nil
        shared.training.epochs = 0
        return (try? JSONEncoder.sorted.encode(shared)).map { String(decoding: $0, as: UTF8.self) }
    }
}
