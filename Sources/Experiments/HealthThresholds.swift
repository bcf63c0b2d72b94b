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
    /// `saturation` is a warning, not a note, when the layer's mean derivative is below this share
    /// of its activation's largest.
    public var saturationGain: Double

    public init(vanishingRatio: Double, vanishingFloor: Double, explodingNorm: Double, explodingGrowth: Double,
                explodingWindow: Int, deadFraction: Double, saturationFraction: Double, saturationGain: Double) {
        self.vanishingRatio = vanishingRatio
        self.vanishingFloor = vanishingFloor
        self.explodingNorm = explodingNorm
        self.explodingGrowth = explodingGrowth
        self.explodingWindow = explodingWindow
        self.deadFraction = deadFraction
        self.saturationFraction = saturationFraction
        self.saturationGain = saturationGain
    }

    private enum CodingKeys: String, CodingKey {
        case vanishingRatio, vanishingFloor, explodingNorm, explodingGrowth, explodingWindow, deadFraction, saturationFraction, saturationGain
    }

    /// Configurations stored before `saturationGain` existed read back with the option's default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vanishingRatio: try c.decode(Double.self, forKey: .vanishingRatio), vanishingFloor: try c.decode(Double.self, forKey: .vanishingFloor),
                  explodingNorm: try c.decode(Double.self, forKey: .explodingNorm), explodingGrowth: try c.decode(Double.self, forKey: .explodingGrowth),
                  explodingWindow: try c.decode(Int.self, forKey: .explodingWindow), deadFraction: try c.decode(Double.self, forKey: .deadFraction),
                  saturationFraction: try c.decode(Double.self, forKey: .saturationFraction),
                  saturationGain: try c.decodeIfPresent(Double.self, forKey: .saturationGain) ?? RunConfiguration.defaults.tracking.thresholds.saturationGain)
    }
}
