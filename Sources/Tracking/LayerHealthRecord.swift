import GRDB

/// One layer's health in one epoch, as stored in `layer_health`. Non-finite values are kept as
/// `nil` (NULL).
public struct LayerHealthRecord: StoredRecord, Sendable, Equatable {
    public static let databaseTableName = "layer_health"

    /// The run and the epoch; set by the store when the epoch is recorded.
    public var runID: Int64 = 0
    public var epoch: Int = 0
    /// 0 for the first hidden layer; the output layer last.
    public var layer: Int
    public var units: Int
    public var activation: String
    public var gradNormMean: Double?
    public var gradNormMax: Double?
    public var biasGradNormMean: Double?
    public var biasGradNormMax: Double?
    public var weightNorm: Double?
    public var updateRatio: Double?
    public var actMean: Double?
    public var actStd: Double?
    public var deadUnits: Int?
    public var deadFraction: Double?
    public var saturatedFraction: Double?
    public var evalActMean: Double?
    public var evalActStd: Double?
    public var evalDeadUnits: Int?
    public var evalSaturatedFraction: Double?

    public init(layer: Int, units: Int, activation: String, gradNormMean: Double?, gradNormMax: Double?,
                biasGradNormMean: Double?, biasGradNormMax: Double?, weightNorm: Double?, updateRatio: Double?,
                actMean: Double? = nil, actStd: Double? = nil, deadUnits: Int? = nil, deadFraction: Double? = nil,
                saturatedFraction: Double? = nil, evalActMean: Double? = nil, evalActStd: Double? = nil,
                evalDeadUnits: Int? = nil, evalSaturatedFraction: Double? = nil) {
        self.layer = layer
        self.units = units
        self.activation = activation
        self.gradNormMean = finite(gradNormMean)
        self.gradNormMax = finite(gradNormMax)
        self.biasGradNormMean = finite(biasGradNormMean)
        self.biasGradNormMax = finite(biasGradNormMax)
        self.weightNorm = finite(weightNorm)
        self.updateRatio = finite(updateRatio)
        self.actMean = finite(actMean)
        self.actStd = finite(actStd)
        self.deadUnits = deadUnits
        self.deadFraction = finite(deadFraction)
        self.saturatedFraction = finite(saturatedFraction)
        self.evalActMean = finite(evalActMean)
        self.evalActStd = finite(evalActStd)
        self.evalDeadUnits = evalDeadUnits
        self.evalSaturatedFraction = finite(evalSaturatedFraction)
    }
}

/// `nil` for a missing or non-finite value: SQLite has no NaN, and GRDB refuses it.
func finite(_ v: Double?) -> Double? {
    guard let v, v.isFinite else { return nil }
    return v
}

extension LayerHealthRecord: PreparedInsert {
    /// `layer_health`'s columns (decoding stays `Codable`'s, by ``ColumnKey``; a row written
    /// here and read back is the same record: `RunStoreTests`).
    static let columns: [InsertColumn<LayerHealthRecord>] = [
        .init("run_id", { $0.runID }), .init("epoch", { $0.epoch }), .init("layer", { $0.layer }), .init("units", { $0.units }),
        .init("activation", { $0.activation }), .init("grad_norm_mean", { $0.gradNormMean }), .init("grad_norm_max", { $0.gradNormMax }),
        .init("bias_grad_norm_mean", { $0.biasGradNormMean }), .init("bias_grad_norm_max", { $0.biasGradNormMax }),
        .init("weight_norm", { $0.weightNorm }), .init("update_ratio", { $0.updateRatio }), .init("act_mean", { $0.actMean }),
        .init("act_std", { $0.actStd }), .init("dead_units", { $0.deadUnits }), .init("dead_fraction", { $0.deadFraction }),
        .init("saturated_fraction", { $0.saturatedFraction }), .init("eval_act_mean", { $0.evalActMean }),
        .init("eval_act_std", { $0.evalActStd }), .init("eval_dead_units", { $0.evalDeadUnits }),
        .init("eval_saturated_fraction", { $0.evalSaturatedFraction }),
    ]
    static let insertSQL = makeInsertSQL()
}

