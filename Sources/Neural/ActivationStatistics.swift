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
/// Each batch gives Σy² and the per-unit sums Σy (BLAS calls, or the fused kernel's loops, which
/// take both in one pass over whole lanes and sum ReLU's as it applies it); where dead units or
/// saturation must be told apart per element (sigmoid, tanh, leaky ReLU, ELU) one pass, four or
/// eight units at a time with their sums in registers, sums Σy and Σy² per unit and counts
/// saturated outputs. Batches are summed in `Float` and folded into `Double` totals. A unit is
/// dead when its activity (Σy for ReLU, whose outputs are ≥ 0; Σy² otherwise) stays 0: its output
/// was 0 for every sample.
struct ActivationAccumulator {
    let activation: Activation
    let units: Int
    private var samples = 0
    private var batchSum: [Float]
    private var sum: [Double]
    private var activity: [Double]
    private var totalSquares = 0.0
    private var saturated = 0.0

    init(activation: Activation, units: Int) {
        self.activation = activation
        self.units = units
        batchSum = [Float](repeating: 0, count: units)
        sum = [Double](repeating: 0, count: units)
        activity = sum
    }

    mutating func reset() {
        samples = 0
        saturated = 0
        totalSquares = 0
        for j in 0..<units { sum[j] = 0; activity[j] = 0 }
    }

    /// Adds `rows` samples of outputs `y`, summed by BLAS or by the fused loops as the layer's
    /// own products are.
    mutating func add(_ y: UnsafePointer<Float>, rows: Int, kernel: LayerKernel) {
        samples += rows
        let n = units
        // ReLU outputs are ≥ 0, so a unit is dead exactly when its Σy is 0, and other activations
        // that neither die nor saturate need only Σy: the per-unit sums alone.
        guard activation.canSaturate || (activation.canDie && activation != .relu) else {
            batchSum.withUnsafeMutableBufferPointer { sb in
                let s = sb.baseAddress!
                if kernel == .fused && n % 4 == 0 {
                    totalSquares += Self.squares(Kernels.columnStatistics(y, rows: rows, cols: n, sums: s), of: y, count: rows * n)
                } else {
                    totalSquares += kernel.activationSquares(y, count: rows * n)
                    kernel.columnSums(y, rows: rows, cols: n, into: s)
                }
                Self.fold(s, into: &sum)
                Self.fold(s, into: &activity)
            }
            return
        }
        let saturates = activation.canSaturate
        // Saturated: within 0.01 of 0 or 1 for sigmoid (|y − 0.5| > 0.49), of ±1 for tanh.
        let center: Float = activation == .sigmoid ? 0.5 : 0, bound: Float = activation == .sigmoid ? 0.49 : 0.99
        var squares = 0.0, outside = 0.0
        sum.withUnsafeMutableBufferPointer { sumBuffer in
        activity.withUnsafeMutableBufferPointer { activityBuffer in
            let sums = sumBuffer.baseAddress!, actives = activityBuffer.baseAddress!
            // Four units (one lane) or eight at a time, their sums in registers while the rows go by.
            var j = 0
            while j + 8 <= n {
                var s0 = Lane(), q0 = Lane(), t0 = Lane(), s1 = Lane(), q1 = Lane(), t1 = Lane()
                for r in 0..<rows {
                    let v0 = Lane(y + r * n, j), v1 = Lane(y + r * n, j + 4)
                    s0 += v0; q0 += v0 * v0
                    s1 += v1; q1 += v1 * v1
                    if saturates { t0 = Self.counted(v0, t0, center, bound); t1 = Self.counted(v1, t1, center, bound) }
                }
                Self.fold(s0, q0, t0, into: sums + j, actives + j, &squares, &outside)
                Self.fold(s1, q1, t1, into: sums + j + 4, actives + j + 4, &squares, &outside)
                j += 8
            }
            if j + 4 <= n {
                var s = Lane(), q = Lane(), t = Lane()
                for r in 0..<rows {
                    let v = Lane(y + r * n, j)
                    s += v; q += v * v
                    if saturates { t = Self.counted(v, t, center, bound) }
                }
                Self.fold(s, q, t, into: sums + j, actives + j, &squares, &outside)
                j += 4
            }
            while j < n {
                var s: Float = 0, q: Float = 0, t: Float = 0
                for r in 0..<rows {
                    let v = y[r * n + j]
                    s += v
                    q += v * v
                    if saturates && abs(v - center) > bound { t += 1 }
                }
                sums[j] += Double(s)
                actives[j] += Double(q)
                squares += Double(q)
                outside += Double(t)
                j += 1
            }
        }
        }
        saturated += outside
        // Past Float's range (a unit's batch sum overflowed), measured again in Double.
        totalSquares += squares.isFinite ? squares : Kernels.squaresInDouble(y, count: rows * n)
    }

    /// Applies the layer's activation to `rows` rows of `x` into `y` and adds the outputs. ReLU,
    /// whose statistics need only Σy per unit and Σy², is applied and summed in one pass
    /// (``Kernels/reluStatistics(_:_:rows:cols:sums:)``) where the layer's width allows it: the
    /// sums the fused kernel's ``add(_:rows:kernel:)`` takes afterwards, in the same order, without
    /// the two further passes over the outputs (BLAS calls on a wide layer).
    mutating func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, kernel: LayerKernel) {
        let n = units
        guard activation == .relu, n % 4 == 0 else {
            activation.forward(x, y, count: rows * n)
            add(y, rows: rows, kernel: kernel)
            return
        }
        samples += rows
        batchSum.withUnsafeMutableBufferPointer { sb in
            let s = sb.baseAddress!
            totalSquares += Self.squares(Kernels.reluStatistics(x, y, rows: rows, cols: n, sums: s), of: y, count: rows * n)
            Self.fold(s, into: &sum)
            Self.fold(s, into: &activity)
        }
    }

    /// `t` plus one in each lane where `v` is saturated: farther than `bound` from `center`.
    @inline(__always)
    private static func counted(_ v: Lane, _ t: Lane, _ center: Float, _ bound: Float) -> Lane {
        let d = v - center
        return t.replacing(with: t + 1, where: d .> bound .| d .< -bound)
    }

    /// Adds a lane's batch sums (Σy, Σy², saturated outputs) to the totals of its four units.
    @inline(__always)
    private static func fold(_ s: Lane, _ q: Lane, _ t: Lane, into sums: UnsafeMutablePointer<Double>, _ actives: UnsafeMutablePointer<Double>,
                             _ squares: inout Double, _ outside: inout Double) {
        for k in 0..<4 {
            sums[k] += Double(s[k])
            actives[k] += Double(q[k])
            squares += Double(q[k])
            outside += Double(t[k])
        }
    }

    /// A batch's Σy² summed in `Float`, measured again in `Double` past `Float`'s range.
    private static func squares(_ total: Float, of y: UnsafePointer<Float>, count: Int) -> Double {
        total.isFinite ? Double(total) : Kernels.squaresInDouble(y, count: count)
    }

    /// Adds a batch's per-unit sums to the epoch's, through a pointer: indexing the arrays
    /// checked their uniqueness at every unit, a third of a one-pass ReLU's time.
    private static func fold(_ batch: UnsafePointer<Float>, into totals: inout [Double]) {
        totals.withUnsafeMutableBufferPointer { t in
            for j in t.indices { t[j] += Double(batch[j]) }
        }
    }

    var statistics: ActivationStatistics {
        let n = Double(max(samples * units, 1))
        let mean = sum.reduce(0, +) / n
        return ActivationStatistics(
            units: units, samples: samples, mean: mean,
            std: max(0, totalSquares / n - mean * mean).squareRoot(),
            deadUnits: activation.canDie ? activity.lazy.filter { $0 == 0 }.count : nil,
            saturatedFraction: activation.canSaturate ? saturated / n : nil)
    }
}
