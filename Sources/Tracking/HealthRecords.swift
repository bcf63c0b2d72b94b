/// One layer's health in one epoch, as stored in `layer_health`.
public struct LayerHealthRecord: Sendable, Equatable {
    public var layer: Int
    public var units: Int
    public var activation: String
    public var gradNormMean: Double
    public var gradNormMax: Double
    public var biasGradNormMean: Double
    public var biasGradNormMax: Double
    public var weightNorm: Double
    public var updateRatio: Double
    public var actMean: Double?
    public var actStd: Double?
    public var deadUnits: Int?
    public var deadFraction: Double?
    public var saturatedFraction: Double?
    public var evalActMean: Double?
    public var evalActStd: Double?
    public var evalDeadUnits: Int?
    public var evalSaturatedFraction: Double?

    public init(layer: Int, units: Int, activation: String, gradNormMean: Double, gradNormMax: Double,
                biasGradNormMean: Double, biasGradNormMax: Double, weightNorm: Double, updateRatio: Double,
                actMean: Double? = nil, actStd: Double? = nil, deadUnits: Int? = nil, deadFraction: Double? = nil,
                saturatedFraction: Double? = nil, evalActMean: Double? = nil, evalActStd: Double? = nil,
                evalDeadUnits: Int? = nil, evalSaturatedFraction: Double? = nil) {
        self.layer = layer
        self.units = units
        self.activation = activation
        self.gradNormMean = gradNormMean
        self.gradNormMax = gradNormMax
        self.biasGradNormMean = biasGradNormMean
        self.biasGradNormMax = biasGradNormMax
        self.weightNorm = weightNorm
        self.updateRatio = updateRatio
        self.actMean = actMean
        self.actStd = actStd
        self.deadUnits = deadUnits
        self.deadFraction = deadFraction
        self.saturatedFraction = saturatedFraction
        self.evalActMean = evalActMean
        self.evalActStd = evalActStd
        self.evalDeadUnits = evalDeadUnits
        self.evalSaturatedFraction = evalSaturatedFraction
    }
}

/// An alert as stored: kind (`vanishing`, `exploding`, `dead_relu`, `saturation`, `nan`), the
/// layer (-1 for the whole run), the value, the bound it crossed and a message.
public struct AlertRecord: Sendable, Equatable {
    public var kind: String
    public var layer: Int
    public var value: Double?
    public var threshold: Double?
    public var message: String

    public init(kind: String, layer: Int, value: Double?, threshold: Double?, message: String) {
        self.kind = kind
        self.layer = layer
        self.value = value
        self.threshold = threshold
        self.message = message
    }
}

/// A tensor of a weight snapshot: float32 values, row-major, with the shape.
public struct TensorRecord: Sendable, Equatable {
    public var layer: Int
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(layer: Int, name: String, shape: [Int], values: [Float]) {
        self.layer = layer
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// The weights kept at an epoch, and why: the initial weights (epoch 0), every N epochs, the
/// best test loss so far, the last epoch.
public struct SnapshotRecord: Sendable, Equatable {
    public var epoch: Int
    public var initial = false
    public var every = false
    public var best = false
    public var final = false
    public var tensors: [TensorRecord]

    public init(epoch: Int, initial: Bool = false, every: Bool = false, best: Bool = false, final: Bool = false,
                tensors: [TensorRecord]) {
        self.epoch = epoch
        self.initial = initial
        self.every = every
        self.best = best
        self.final = final
        self.tensors = tensors
    }
}
