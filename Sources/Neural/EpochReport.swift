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

    /// The weight matrix at the end of the epoch, row-major.
    public var weights: [Float] { tensors.first { $0.name == "weight" }?.values ?? [] }

    /// ‖ΔW‖ / ‖W‖ over the epoch.
    public var updateRatio: Double { weightNorm > 0 ? updateNorm / weightNorm : 0 }
}
