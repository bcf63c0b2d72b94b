/// What one epoch of training produced: the metrics, and per layer the raw material of the
/// gradient-health diagnostics.
public struct EpochReport: Sendable {
    /// 1 for the first epoch.
    public var epoch: Int
    /// Mean training loss (see ``TrainingConfig/evaluateTrainingSet`` for how it is measured).
    public var trainLoss: Double
    public var testLoss: Double
    /// Accuracies for classification; `nil` for regression.
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    /// Loss and accuracy on the validation part, when the data has one.
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// What the task's own metrics come from, on the test and the validation part.
    public var testScores: TaskScores? = nil
    public var validationScores: TaskScores? = nil
    public var learningRate: Double
    /// Parameter updates made in this epoch.
    public var steps: Int
    /// Wall time of the epoch: training steps plus the evaluation passes.
    public var seconds: Double
    /// The global L2 norm of the gradient, per step (before clipping, without the penalty).
    public var gradientNorms: [Float]
    /// Hidden layers first, output layer last.
    public var layers: [LayerReport]

    /// A report as a trainer makes it (also for a recorder's tests, which need reports of their
    /// own making).
    public init(epoch: Int, trainLoss: Double, testLoss: Double, trainAccuracy: Double? = nil, testAccuracy: Double? = nil,
                validationLoss: Double? = nil, validationAccuracy: Double? = nil, testScores: TaskScores? = nil,
                validationScores: TaskScores? = nil, learningRate: Double, steps: Int, seconds: Double, gradientNorms: [Float],
                layers: [LayerReport]) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.testScores = testScores
        self.validationScores = validationScores
        self.learningRate = learningRate
        self.steps = steps
        self.seconds = seconds
        self.gradientNorms = gradientNorms
        self.layers = layers
    }
}

/// One layer's share of an ``EpochReport``.
public struct LayerReport: Sendable {
    /// 0 for the first hidden layer; the output layer comes last.
    public var index: Int
    public var units: Int
    /// The layer's activation (`identity` for the output layer, whose head is separate).
    public var activation: Activation
    /// L2 norm of ∂loss/∂W and ∂loss/∂b at each step of the epoch (without the penalty).
    public var weightGradientNorms: [Float]
    public var biasGradientNorms: [Float]
    /// Norms at the end of the epoch, and ‖W_end − W_start‖ over the epoch.
    public var weightNorm: Double
    public var biasNorm: Double
    public var updateNorm: Double
    /// Activations seen by the epoch's training forward passes (hidden layers only).
    public var activations: ActivationStatistics?
    /// Activations of the end-of-epoch pass over the training set with the final weights, when
    /// ``TrainingConfig/evaluateTrainingSet`` is on (hidden layers only).
    public var evaluationActivations: ActivationStatistics?
    /// The layer's tensors at the end of the epoch: weight (`inputs × units`, row-major), bias,
    /// and batch norm's gamma, beta and running statistics when present.
    public var tensors: [TensorSnapshot]

    public init(index: Int, units: Int, activation: Activation, weightGradientNorms: [Float], biasGradientNorms: [Float],
                weightNorm: Double, biasNorm: Double, updateNorm: Double, activations: ActivationStatistics? = nil,
                evaluationActivations: ActivationStatistics? = nil, tensors: [TensorSnapshot] = []) {
        self.index = index
        self.units = units
        self.activation = activation
        self.weightGradientNorms = weightGradientNorms
        self.biasGradientNorms = biasGradientNorms
        self.weightNorm = weightNorm
        self.biasNorm = biasNorm
        self.updateNorm = updateNorm
        self.activations = activations
        self.evaluationActivations = evaluationActivations
        self.tensors = tensors
    }

    /// The weight matrix at the end of the epoch, row-major.
    public var weights: [Float] { tensors.first { $0.name == "weight" }?.values ?? [] }

    /// ‖ΔW‖ / ‖W‖ over the epoch.
    public var updateRatio: Double { weightNorm > 0 ? updateNorm / weightNorm : 0 }
}
