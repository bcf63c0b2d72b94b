/// The bounds at which gradient-health alerts fire (their defaults are the options'). Recorded
/// with every run, so a stored alert can always be read against the bound that raised it.
public struct HealthThresholds: Sendable, Hashable, Codable {
    /// `vanishing`: the first hidden layer's mean gradient norm below this fraction of the
    /// output layer's…
    public var vanishingRatio: Double
    /// …or below this absolute floor.
    public var vanishingFloor: Double
    /// `exploding`: a layer's mean gradient norm above this bound…
    public var explodingNorm: Double
    /// …or grown by this factor over ``explodingWindow`` epochs.
    public var explodingGrowth: Double
    public var explodingWindow: Int
    /// `dead_relu`: the share of dead units in a ReLU-family layer above this bound.
    public var deadFraction: Double
    /// `saturation`: the share of saturated sigmoid/tanh outputs in a layer above this bound.
    public var saturationFraction: Double

    public init(vanishingRatio: Double, vanishingFloor: Double, explodingNorm: Double, explodingGrowth: Double,
                explodingWindow: Int, deadFraction: Double, saturationFraction: Double) {
        self.vanishingRatio = vanishingRatio
        self.vanishingFloor = vanishingFloor
        self.explodingNorm = explodingNorm
        self.explodingGrowth = explodingGrowth
        self.explodingWindow = explodingWindow
        self.deadFraction = deadFraction
        self.saturationFraction = saturationFraction
    }
}
