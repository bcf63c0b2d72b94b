/// Everything that shapes a training run apart from the data: the network, the optimiser,
/// regularisation, and the seed.
public struct TrainingConfig: Sendable, Hashable, Codable {
    /// Hidden layers, input side first (empty: a linear or logistic model).
    public var hidden: [LayerSpec]
    public var initializer: Initializer
    public var optimizer: Optimizer
    public var learningRate: Float
    public var batchSize: Int
    public var epochs: Int
    /// L1 and L2 penalty rates on the weights (`λ1·Σ|w| + λ2/2·Σw²`).
    public var l1: Float
    public var l2: Float
    /// Rescales the gradient when its global L2 norm exceeds this bound.
    public var clipNorm: Float?
    /// Drives initialisation, minibatch order and dropout.
    public var seed: UInt64
    /// Measure train loss and accuracy with a full pass over the training set at the end of each
    /// epoch (as the TensorFlow Playground shows them), which also gives activation statistics
    /// of the final weights. Off: the mean over the epoch's minibatches, as PyTorch loops print.
    public var evaluateTrainingSet: Bool
    /// Train and report with the TensorFlow Playground's loss (``Head/init(playgroundFor:)``)
    /// instead of cross-entropy or MSE. Optional so that stored configurations without it read back.
    public var playgroundLoss: Bool?
    /// How the rate moves over the epochs (`nil`: constant), after ``warmupEpochs`` of linear
    /// warm-up (`nil`: none). Optional so that stored configurations without them read back, and
    /// hash, as before.
    public var schedule: LearningRateSchedule?
    public var warmupEpochs: Int?
    /// The engine (`nil`: ``EngineKind/blas``, what every run before the choice trained with,
    /// so that a stored configuration resumes on the engine it started on).
    public var engine: EngineKind?

    /// Every field given: the defaults users see are the run options' (in `Experiments`).
    public init(hidden: [LayerSpec], initializer: Initializer, optimizer: Optimizer, learningRate: Float, batchSize: Int,
                epochs: Int, l1: Float, l2: Float, clipNorm: Float?, seed: UInt64, evaluateTrainingSet: Bool,
                playgroundLoss: Bool?, schedule: LearningRateSchedule? = nil, warmupEpochs: Int? = nil, engine: EngineKind? = nil) {
        self.engine = engine
        self.hidden = hidden
        self.initializer = initializer
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.l1 = l1
        self.l2 = l2
        self.clipNorm = clipNorm
        self.seed = seed
        self.evaluateTrainingSet = evaluateTrainingSet
        self.playgroundLoss = playgroundLoss
        self.schedule = schedule
        self.warmupEpochs = warmupEpochs
    }

    /// Checks every value, naming the first bad one and what is accepted.
    public func validate() throws(TrainingError) {
        func bad(_ name: String, _ value: Any, _ expected: String) -> TrainingError {
            .invalidConfiguration(name: name, value: "\(value)", expected: expected)
        }
        guard learningRate.isFinite && learningRate > 0 else { throw bad("lr", learningRate, "a positive number") }
        guard batchSize >= 1 else { throw bad("batch-size", batchSize, "a whole number of at least 1") }
        guard epochs >= 1 else { throw bad("epochs", epochs, "a whole number of at least 1") }
        guard l1.isFinite && l1 >= 0 else { throw bad("l1", l1, "a number ≥ 0") }
        guard l2.isFinite && l2 >= 0 else { throw bad("l2", l2, "a number ≥ 0") }
        if let w = warmupEpochs, w < 0 { throw bad("warmup", w, "a whole number of epochs ≥ 0") }
        if let c = clipNorm, !(c.isFinite && c > 0) { throw bad("clip-norm", c, "a positive number") }
        for (i, layer) in hidden.enumerated() {
            guard layer.units >= 1 else { throw bad("layers", layer.units, "a positive width for hidden layer \(i + 1)") }
            guard layer.dropout >= 0 && layer.dropout < 1 else {
                throw bad("dropout", layer.dropout, "a probability in [0, 1) for hidden layer \(i + 1)")
            }
        }
    }
}
