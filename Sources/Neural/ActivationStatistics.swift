/// A summary of one layer's activations over the samples of an epoch.
public struct ActivationStatistics: Sendable, Equatable, Codable {
    /// The number of units in the layer.
    public var units: Int
    /// The number of samples the summary covers.
    public var samples: Int
    /// Mean and (population) standard deviation of all (sample, unit) outputs.
    public var mean: Double
    public var std: Double
    /// Units whose output was 0 for every sample, for the ReLU family (ReLU, leaky ReLU, ELU);
    /// `nil` otherwise.
    public var deadUnits: Int?
    /// Share of (sample, unit) outputs in a flat tail, for sigmoid and tanh; `nil` otherwise.
    public var saturatedFraction: Double?

    /// `deadUnits / units`, when dead units are tracked.
    public var deadFraction: Double? { deadUnits.map { Double($0) / Double(max(units, 1)) } }
}

/// Accumulates ``ActivationStatistics`` from the activations the forward passes compute anyway.
struct ActivationAccumulator {
    let activation: Activation
    let units: Int
    private var samples = 0
    private var sum = 0.0
    private var sumSquares = 0.0
    private var saturated = 0
    private var active: [Bool]

    init(activation: Activation, units: Int) {
        self.activation = activation
        self.units = units
        active = [Bool](repeating: false, count: units)
    }

    mutating func reset() {
        samples = 0; sum = 0; sumSquares = 0; saturated = 0
        for j in 0..<units { active[j] = false }
    }

    /// Adds `rows` samples with pre-activations `x` and outputs `y`.
    mutating func add(x: UnsafePointer<Float>, y: UnsafePointer<Float>, rows: Int) {
        samples += rows
        var s: Float = 0, s2: Float = 0
        for r in 0..<rows {
            // Sum one row in Float, then carry the total in Double: accurate and fast.
            s = 0; s2 = 0
            for j in 0..<units { let v = y[r * units + j]; s += v; s2 += v * v }
            sum += Double(s); sumSquares += Double(s2)
        }
        if activation.canDie {
            active.withUnsafeMutableBufferPointer { a in
                for r in 0..<rows { for j in 0..<units where !activation.isInactive(y: y[r * units + j]) { a[j] = true } }
            }
        }
        if activation.canSaturate {
            for i in 0..<(rows * units) where activation.isSaturated(y: y[i]) { saturated += 1 }
        }
    }

    var statistics: ActivationStatistics {
        let n = Double(max(samples * units, 1))
        let mean = sum / n
        return ActivationStatistics(
            units: units, samples: samples, mean: mean, std: max(0, sumSquares / n - mean * mean).squareRoot(),
            deadUnits: activation.canDie ? active.lazy.filter { !$0 }.count : nil,
            saturatedFraction: activation.canSaturate ? Double(saturated) / n : nil)
    }
}
