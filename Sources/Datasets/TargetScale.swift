/// A regression target's mean and deviation over the training part: the network learns the
/// standardised target `(y − mean) / deviation`, and every number Gradbook reports is turned
/// back into the target's own units (a loss in squared units, a prediction in units).
public struct TargetScale: Sendable, Equatable, Codable {
    public let mean: Float
    /// The population standard deviation; 1 for a constant target.
    public let deviation: Float

    public init(mean: Float, deviation: Float) {
        self.mean = mean
        self.deviation = deviation
    }

    /// Fits one output's targets (accumulating in `Double`).
    public init(fitting data: Dataset) {
        let n = Double(max(data.targets.count, 1))
        let sum = data.targets.reduce(0.0) { $0 + Double($1) }
        let mean = sum / n
        let variance = max(0, data.targets.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n)
        self.init(mean: Float(mean), deviation: variance > 1e-24 ? Float(variance.squareRoot()) : 1)
    }

    /// `data` with standardised targets.
    public func apply(to data: Dataset) -> Dataset {
        var out = data
        for i in out.targets.indices { out.targets[i] = (out.targets[i] - mean) / deviation }
        return out
    }

    /// A network output in the target's units.
    public func value(_ output: Float) -> Float { output * deviation + mean }

    /// A squared-error loss of standardised targets in the target's squared units.
    public func loss(_ standardized: Double) -> Double { standardized * Double(deviation) * Double(deviation) }
}
