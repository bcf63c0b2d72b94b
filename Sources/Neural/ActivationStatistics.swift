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
    private var batchSquares: [Float]
    private var sum: [Double]
    private var activity: [Double]
    private var totalSquares = 0.0
    private var saturated = 0.0

    init(activation: Activation, units: Int) {
        self.activation = activation
        self.units = units
        batchSum = [Float](repeating: 0, count: units)
        batchSquares = batchSum
        sum = [Double](repeating: 0, count: units)
        activity = sum
    }

    mutating func reset() {
        samples = 0
        saturated = 0
        totalSquares = 0
        for j in 0..<units { sum[j] = 0; activity[j] = 0 }
    }

    /// Whether dead units or saturation must be told apart unit by unit (sigmoid, tanh, leaky
    /// ReLU, ELU): Σy² is then summed per unit. ReLU's outputs are ≥ 0, so a unit is dead exactly
    /// when its Σy is 0, and activations that neither die nor saturate need only Σy per unit.
    private var tellsUnitsApart: Bool { activation.canSaturate || (activation.canDie && activation != .relu) }

    /// Whether a batch's statistics on the fused kernel follow from its per-unit sums alone
    /// (``add(rows:sums:squares:saturated:outputs:)``): always where units are told apart, and
    /// over whole lanes otherwise.
    var takesUnitSums: Bool { tellsUnitsApart || units % 4 == 0 }

    /// The saturated band of `activation`: outputs farther than `bound` from `center` — within
    /// 0.01 of 0 or 1 for sigmoid (|y − 0.5| > 0.49), of ±1 for tanh; `nil` for an activation
    /// that does not saturate.
    static func saturation(of activation: Activation) -> (center: Float, bound: Float)? {
        guard activation.canSaturate else { return nil }
        return activation == .sigmoid ? (0.5, 0.49) : (0, 0.99)
    }

    /// Adds `rows` samples of outputs `y`, summed by BLAS or by the fused loops as the layer's
    /// own products are.
    mutating func add(_ y: UnsafePointer<Float>, rows: Int, kernel: LayerKernel) {
        samples += rows
        let n = units
        guard tellsUnitsApart else {
            batchSum.withUnsafeMutableBufferPointer { sb in
            batchSquares.withUnsafeMutableBufferPointer { qb in
                let s = sb.baseAddress!
                if kernel == .fused && n % 4 == 0 {
                    let total = Kernels.columnStatistics(y, rows: rows, cols: n, sums: s, squares: qb.baseAddress!)
                    totalSquares += Self.squares(total, of: y, count: rows * n)
                } else {
                    totalSquares += kernel.activationSquares(y, count: rows * n)
                    kernel.columnSums(y, rows: rows, cols: n, into: s)
                }
                Self.fold(s, into: &sum)
                Self.fold(s, into: &activity)
            }
            }
            return
        }
        let band = Self.saturation(of: activation)
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
                    if let band { t0 = Self.counted(v0, t0, band); t1 = Self.counted(v1, t1, band) }
                }
                for k in 0..<4 { Self.fold(s0[k], q0[k], t0[k], into: sums + j + k, actives + j + k, &squares, &outside) }
                for k in 0..<4 { Self.fold(s1[k], q1[k], t1[k], into: sums + j + 4 + k, actives + j + 4 + k, &squares, &outside) }
                j += 8
            }
            if j + 4 <= n {
                var s = Lane(), q = Lane(), t = Lane()
                for r in 0..<rows {
                    let v = Lane(y + r * n, j)
                    s += v; q += v * v
                    if let band { t = Self.counted(v, t, band) }
                }
                for k in 0..<4 { Self.fold(s[k], q[k], t[k], into: sums + j + k, actives + j + k, &squares, &outside) }
                j += 4
            }
            while j < n {
                var s: Float = 0, q: Float = 0, t: Float = 0
                for r in 0..<rows {
                    let v = y[r * n + j]
                    s += v
                    q += v * v
                    if let band, abs(v - band.center) > band.bound { t += 1 }
                }
                Self.fold(s, q, t, into: sums + j, actives + j, &squares, &outside)
                j += 1
            }
        }
        }
        saturated += outside
        // Past Float's range (a unit's batch sum overflowed), measured again in Double.
        totalSquares += squares.isFinite ? squares : Kernels.squaresInDouble(y, count: rows * n)
    }

    /// Adds `rows` samples given by their per-unit sums — Σy, Σy² and, for an activation that
    /// saturates, the count of saturated outputs — as ``add(_:rows:kernel:)`` adds them on the
    /// fused kernel from the outputs, to the same bits (a ``Lockstep`` group sums every model's
    /// units at once). `outputs` gives the batch's outputs, row by row, should Σy² pass `Float`'s
    /// range. Only where ``takesUnitSums``.
    mutating func add(rows: Int, sums s: UnsafePointer<Float>, squares q: UnsafePointer<Float>, saturated t: UnsafePointer<Float>,
                      outputs: () -> UnsafePointer<Float>) {
        precondition(takesUnitSums, "the statistics of \(activation) × \(units) do not follow from per-unit sums")
        samples += rows
        let n = units
        guard tellsUnitsApart else {
            Self.fold(s, into: &sum)
            Self.fold(s, into: &activity)
            let total = Kernels.blockSquares(q, cols: n)
            totalSquares += total.isFinite ? Double(total) : Kernels.squaresInDouble(outputs(), count: rows * n)
            return
        }
        var squares = 0.0, outside = 0.0
        sum.withUnsafeMutableBufferPointer { sumBuffer in
        activity.withUnsafeMutableBufferPointer { activityBuffer in
            for j in 0..<n { Self.fold(s[j], q[j], t[j], into: sumBuffer.baseAddress! + j, activityBuffer.baseAddress! + j, &squares, &outside) }
        }
        }
        saturated += outside
        totalSquares += squares.isFinite ? squares : Kernels.squaresInDouble(outputs(), count: rows * n)
    }

    /// Applies the layer's activation to `rows` rows of `x` into `y` and adds the outputs. ReLU,
    /// whose statistics need only Σy per unit and Σy², is applied and summed in one pass
    /// (``Kernels/reluStatistics(_:_:rows:cols:sums:squares:)``) where the layer's width allows
    /// it: the sums the fused kernel's ``add(_:rows:kernel:)`` takes afterwards, in the same order,
    /// without the two further passes over the outputs (BLAS calls on a wide layer).
    mutating func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, kernel: LayerKernel) {
        let n = units
        guard activation == .relu, n % 4 == 0 else {
            activation.forward(x, y, count: rows * n)
            add(y, rows: rows, kernel: kernel)
            return
        }
        samples += rows
        batchSum.withUnsafeMutableBufferPointer { sb in
        batchSquares.withUnsafeMutableBufferPointer { qb in
            let s = sb.baseAddress!
            let total = Kernels.reluStatistics(x, y, rows: rows, cols: n, sums: s, squares: qb.baseAddress!)
            totalSquares += Self.squares(total, of: y, count: rows * n)
            Self.fold(s, into: &sum)
            Self.fold(s, into: &activity)
        }
        }
    }

    /// `t` plus one in each lane where `v` is in the saturated `band`.
    @inline(__always)
    private static func counted(_ v: Lane, _ t: Lane, _ band: (center: Float, bound: Float)) -> Lane {
        let d = v - band.center
        return t.replacing(with: t + 1, where: d .> band.bound .| d .< -band.bound)
    }

    /// Adds a unit's batch sums (Σy, Σy², saturated outputs) to its totals, and its Σy² and
    /// saturated count to the batch's: the units in order, whichever way their sums were taken.
    @inline(__always)
    private static func fold(_ s: Float, _ q: Float, _ t: Float, into sum: UnsafeMutablePointer<Double>,
                             _ activity: UnsafeMutablePointer<Double>, _ squares: inout Double, _ outside: inout Double) {
        sum.pointee += Double(s)
        activity.pointee += Double(q)
        squares += Double(q)
        outside += Double(t)
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
