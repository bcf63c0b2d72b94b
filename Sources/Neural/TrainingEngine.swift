public import Datasets

/// What a ``Trainer`` drives: a network implementation that runs minibatch steps, evaluates,
/// predicts, and hands out its parameters, tensors and activation statistics.
///
/// The trainer owns the loop (epochs, minibatch order, gradient norms, clipping, the
/// optimiser's step count, reports); an engine owns the arithmetic. ``Network`` (dense layers
/// over BLAS) is one engine; a second one joins by conforming, and the gradient checks and
/// determinism tests run against every engine through this protocol.
///
/// ## Topics
/// - ``computeGradients(_:rows:dropout:)``, ``evaluate(_:collectStatistics:)``, ``predict(_:)``
/// - ``parameters``, ``layers``, ``update(_:learningRate:step:squares:)``
/// - ``collectStatistics(_:)``, ``trainingStatistics()``
/// - ``snapshot()``, ``load(_:)``
public protocol TrainingEngine: AnyObject {
    /// Features per sample.
    var inputs: Int { get }
    /// How the last layer's outputs become predictions and a loss.
    var head: Head { get }
    /// Hidden layers first, the output layer last.
    var layers: [LayerShape] { get }
    /// Every trainable parameter: each layer's weight and bias, then its others (batch norm's
    /// γ and β), layer after layer; ``LayerShape/parameters`` says which are whose.
    var parameters: [Parameter] { get }
    /// OpenBLAS threads the engine's products may use while it trains (`nil`: leave the
    /// process's setting alone).
    var blasThreads: Int? { get }
    /// The threads each step is shared between, when the engine has more than one: the trainer
    /// shares the optimiser's update between them too. `nil` on one thread.
    var workers: WorkerTeam? { get }

    /// One forward and backward pass over the samples `rows` of `data`: every parameter's
    /// gradient becomes that of the batch-mean loss. `dropout` draws the dropout masks.
    /// - Returns: the summed per-sample loss and accuracy of the batch, before any update.
    func computeGradients(_ data: Dataset, rows: ArraySlice<Int>, dropout: inout SeededGenerator) -> BatchResult

    /// The mean loss and accuracy on `data` in evaluation mode (no dropout, batch norm's running
    /// statistics): needs no random generator, so it can never draw a dropout mask.
    func evaluate(_ data: Dataset, collectStatistics: Bool) -> Evaluation

    /// Predictions (values or probabilities) for the rows of `x`, in evaluation mode.
    func predict(_ x: Matrix) -> Matrix

    /// Each hidden layer's outputs (after its activation) for the rows of `x`, in evaluation
    /// mode: one `rows × units` matrix per hidden layer — what a picture of each unit draws.
    func hiddenOutputs(_ x: Matrix) -> [Matrix]

    /// Starts (or stops) summing the hidden layers' activation statistics over training passes,
    /// from zero.
    func collectStatistics(_ on: Bool)

    /// The hidden layers' activation statistics summed since ``collectStatistics(_:)``.
    func trainingStatistics() -> [ActivationStatistics]

    /// Every tensor that determines the predictions, copied.
    func snapshot() -> [TensorSnapshot]

    /// Loads tensors taken by ``snapshot()`` from an engine of the same shape.
    func load(_ tensors: [TensorSnapshot]) throws(TrainingError)
}

/// One layer of an engine, as a trainer reports it.
public struct LayerShape: Sendable, Equatable {
    public var units: Int
    public var activation: Activation
    /// Indices into ``TrainingEngine/parameters``: the weight, the bias, then any others.
    public var parameters: Range<Int>
    /// How the layer computes its products.
    public var kernel: LayerKernel

    public init(units: Int, activation: Activation, parameters: Range<Int>, kernel: LayerKernel = .blas) {
        self.units = units
        self.activation = activation
        self.parameters = parameters
        self.kernel = kernel
    }
}

/// The summed loss and accuracy of one minibatch.
public struct BatchResult: Sendable, Equatable {
    public var loss: Double
    public var correct: Double

    public init(loss: Double, correct: Double) {
        self.loss = loss
        self.correct = correct
    }
}

/// A pass over a data set in evaluation mode.
public struct Evaluation: Sendable, Equatable {
    /// Mean loss per sample.
    public var loss: Double
    /// Share of samples classified right; `nil` for regression.
    public var accuracy: Double?
    /// The hidden layers' activation statistics of this pass, when asked for.
    public var statistics: [ActivationStatistics]
    /// What the task's own metrics (F1, AUC, RMSE, …) are computed from.
    public var scores: TaskScores?

    public init(loss: Double, accuracy: Double?, statistics: [ActivationStatistics] = [], scores: TaskScores? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.statistics = statistics
        self.scores = scores
    }
}

extension TrainingEngine {
    /// Width of the output layer.
    public var outputs: Int { layers.last?.units ?? 0 }

    /// The regularisation penalty `λ1·Σ|w| + λ2/2·Σw²` over the weights (not biases).
    public func penalty(l1: Float, l2: Float) -> Double {
        guard l1 != 0 || l2 != 0 else { return 0 }
        var total = 0.0
        for p in parameters where p.regularized {
            for i in 0..<p.count {
                let w = p.values[i]
                total += Double(l1) * Double(abs(w)) + Double(l2) / 2 * Double(w) * Double(w)
            }
        }
        return total
    }

    /// Adds the penalty's gradient `λ1·sign(w) + λ2·w` to the weights' gradients.
    public func addPenaltyGradients(l1: Float, l2: Float) {
        guard l1 != 0 || l2 != 0 else { return }
        for p in parameters where p.regularized {
            let w = p.values, g = p.gradients
            for i in 0..<p.count { g[i] += l2 * w[i] + (w[i] > 0 ? l1 : (w[i] < 0 ? -l1 : 0)) }
        }
    }

    /// Multiplies every gradient by `scale` (gradient clipping).
    public func scaleGradients(by scale: Float) {
        for p in parameters { Kernels.scale(p.gradients, p.count, by: scale) }
    }

    /// Σg² of each parameter's gradient into `squares`, in the order of ``parameters``.
    public func squaredGradientNorms(into squares: inout [Double]) {
        for (i, p) in parameters.enumerated() { squares[i] = p.squaredGradientNorm }
    }

    /// Applies one optimiser step to every parameter; `step` counts updates from 1. Σg² of each
    /// parameter's gradient, summed in the same pass, goes into `squares` (no allocation).
    /// A ``Trainer`` walks a list of the parameters' spans it made once instead.
    public func update(_ optimizer: Optimizer, learningRate: Float, step: Int, squares: inout [Double]) {
        if step == 1 { optimizer.markMoments(of: parameters) }
        for (i, p) in parameters.enumerated() { squares[i] = optimizer.update(p.span, lr: learningRate, step: step) }
    }
}

extension TrainingEngine {
    /// The weight matrix of layer `i` (`inputs × units`, row-major; 0 = first hidden layer).
    public func weight(ofLayer i: Int) -> Parameter { parameters[layers[i].parameters.lowerBound] }

    /// The bias vector of layer `i`.
    public func bias(ofLayer i: Int) -> Parameter { parameters[layers[i].parameters.lowerBound + 1] }
}

extension TrainingEngine {
    /// The mean loss and accuracy on `data`, in evaluation mode.
    public func evaluate(_ data: Dataset) -> Evaluation { evaluate(data, collectStatistics: false) }
}
