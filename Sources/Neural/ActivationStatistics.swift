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
///
/// Each batch is summed per unit (Σy, Σy², saturated count) in `Float` buffers, a loop with
/// no dependency between units that the compiler vectorises, then folded into `Double` totals.
/// A unit is dead when Σy² stays 0: its output was 0 for every sample.
struct ActivationAccumulator {
    let activation: Activation
    let units: Int
    private var samples = 0
    private var batchSum: [Float]
    private var batchSquares: [Float]
    private var batchSaturated: [Float]
    private var sum: [Double]
    private var squares: [Double]
    private var saturated = 0.0

    init(activation: Activation, units: Int) {
        self.activation = activation
        self.units = units
        batchSum = [Float](repeating: 0, count: units)
        batchSquares = batchSum
        batchSaturated = batchSum
        sum = [Double](repeating: 0, count: units)
        squares = sum
    }

    mutating func reset() {
        samples = 0
        saturated = 0
        for j in 0..<units { sum[j] = 0; squares[j] = 0 }
    }

    /// Adds `rows` samples of outputs `y`.
    mutating func add(_ y: UnsafePointer<Float>, rows: Int) {
        samples += rows
        let n = units, sigmoid = activation == .sigmoid, tanh = activation == .tanh
        batchSum.withUnsafeMutableBufferPointer { s in
        batchSquares.withUnsafeMutableBufferPointer { q in
        batchSaturated.withUnsafeMutableBufferPointer { t in
            for j in 0..<n { s[j] = 0; q[j] = 0; t[j] = 0 }
            for r in 0..<rows {
                let row = y + r * n
                for j in 0..<n { let v = row[j]; s[j] += v; q[j] += v * v }
                if sigmoid {
                    for j in 0..<n { let v = row[j]; t[j] += (v < 0.01 || v > 0.99) ? 1 : 0 }
                } else if tanh {
                    for j in 0..<n { t[j] += abs(row[j]) > 0.99 ? 1 : 0 }
                }
            }
            for j in 0..<n {
                sum[j] += Double(s[j])
                squares[j] += Double(q[j])
                saturated += Double(t[j])
            }
        }
        }
        }
    }

    var statistics: ActivationStatistics {
        let n = Double(max(samples * units, 1))
        let mean = sum.reduce(0, +) / n
        return ActivationStatistics(
            units: units, samples: samples, mean: mean,
            std: max(0, squares.reduce(0, +) / n - mean * mean).squareRoot(),
            deadUnits: activation.canDie ? squares.lazy.filter { $0 == 0 }.count : nil,
            saturatedFraction: activation.canSaturate ? saturated / n : nil)
    }
}
