/// One epoch's metrics as the store keeps them: plain values, no training types.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double?
    public var testLoss: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    public var learningRate: Double?
    public var seconds: Double?
    /// Any other named metric of the epoch.
    public var extra: [String: Double]
    /// Per-layer diagnostics, the alerts that fired, and a weight snapshot, written in the same
    /// transaction as the metrics.
    public var layers: [LayerHealthRecord] = []
    public var alerts: [AlertRecord] = []
    public var snapshot: SnapshotRecord?

    public init(epoch: Int, trainLoss: Double? = nil, testLoss: Double? = nil, trainAccuracy: Double? = nil,
                testAccuracy: Double? = nil, learningRate: Double? = nil, seconds: Double? = nil,
                extra: [String: Double] = [:]) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
        self.extra = extra
    }
}
