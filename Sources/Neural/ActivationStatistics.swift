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
/// Each batch gives Σy² and the per-unit sums Σy: BLAS calls, or the fused loops, which sum Σy and
/// Σy² per unit in one pass over whole lanes (ReLU's as it applies it) and, where dead units or
/// saturation must be told apart per element (sigmoid, tanh, leaky ReLU, ELU), count saturated
/// outputs too; every fused path then folds the per-unit sums the same way
/// (``add(rows:unitSums:outputs:)``). Batches are summed in `Float` and folded into
/// `Double` totals. A unit is
/// dead when its activity (Σy for ReLU, whose outputs are ≥ 0; Σy² otherwise) stays 0: its output
/// was 0 for every sample.
struct ActivationAccumulator {
    let activation: Activation
    let units: Int
    private var samples = 0
    /// A batch's per-unit Σy, then Σy², then saturated count (`units` each), as the fused loops
    /// take them.
    private var batch: [Float]
    private var sum: [Double]
    private var activity: [Double]
    private var totalSquares = 0.0
    private var saturated = 0.0

    init(activation: Activation, units: Int) {
        self.activation = activation
        self.units = units
        batch = [Float](repeating: 0, count: 3 * units)
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
    /// (``add(rows:unitSums:outputs:)``): always where units are told apart, and
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
        let n = units
        if tellsUnitsApart {
            let band = Self.saturation(of: activation)
            batch.withUnsafeMutableBufferPointer { b in
                Self.sumUnits(y, rows: rows, cols: n, band: band, sums: b.baseAddress!, squares: b.baseAddress! + n, saturated: b.baseAddress! + 2 * n)
            }
        } else if kernel == .fused && n % 4 == 0 {
            batch.withUnsafeMutableBufferPointer { b in
                Kernels.columnStatistics(y, rows: rows, cols: n, sums: b.baseAddress!, squares: b.baseAddress! + n)
            }
        } else {
            samples += rows
            totalSquares += kernel.sumOfSquares(y, count: rows * n)
            batch.withUnsafeMutableBufferPointer { b in
                kernel.columnSums(y, rows: rows, cols: n, into: b.baseAddress!)
                Self.fold(b.baseAddress!, into: &sum)
                Self.fold(b.baseAddress!, into: &activity)
            }
            return
        }
        addBatch(rows: rows, outputs: y)
    }

    /// Adds `rows` samples given by their per-unit sums — `units` values each of Σy, then Σy²,
    /// then (for an activation that saturates) the count of saturated outputs — as every fused
    /// path does, the units in order (a ``Lockstep`` group sums every model's units at once, to
    /// the bits of the model's own pass). `outputs` gives the batch's outputs, row by row, should
    /// Σy² pass `Float`'s range. Only where ``takesUnitSums``.
    mutating func add(rows: Int, unitSums: UnsafePointer<Float>, outputs: () -> UnsafePointer<Float>) {
        precondition(takesUnitSums, "the statistics of \(activation) × \(units) do not follow from per-unit sums")
        samples += rows
        let n = units, s = unitSums, q = unitSums + n, t = unitSums + 2 * n
        var total = 0.0
        if tellsUnitsApart {
            var outside = 0.0
            sum.withUnsafeMutableBufferPointer { sums in
            activity.withUnsafeMutableBufferPointer { actives in
                for j in 0..<n {
                    sums[j] += Double(s[j])
                    actives[j] += Double(q[j])
                    total += Double(q[j])
                    outside += Double(t[j])
                }
            }
            }
            saturated += outside
        } else {
            Self.fold(s, into: &sum)
            Self.fold(s, into: &activity)
            total = Double(Kernels.blockSquares(q, cols: n))
        }
        // Past Float's range (a unit's Σy² overflowed), measured again in Double.
        totalSquares += total.isFinite ? total : Kernels.squaresInDouble(outputs(), count: rows * n)
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
        batch.withUnsafeMutableBufferPointer { b in
            Kernels.reluStatistics(x, y, rows: rows, cols: n, sums: b.baseAddress!, squares: b.baseAddress! + n)
        }
        addBatch(rows: rows, outputs: y)
    }

    /// Adds the batch's per-unit sums the fused loops left in ``batch`` (read through a copy of
    /// the array, which shares its storage, while the totals change).
    private mutating func addBatch(rows: Int, outputs y: UnsafePointer<Float>) {
        let sums = batch
        sums.withUnsafeBufferPointer { add(rows: rows, unitSums: $0.baseAddress!, outputs: { y }) }
    }

    /// Each unit's Σy, Σy² and outputs in the saturated `band` over the rows in order, eight or
    /// four units at a time with their sums in registers while the rows go by (a pass row by row
    /// loaded and stored every unit's sums at every row).
    private static func sumUnits(_ y: UnsafePointer<Float>, rows: Int, cols n: Int, band: (center: Float, bound: Float)?,
                                 sums s: UnsafeMutablePointer<Float>, squares q: UnsafeMutablePointer<Float>,
                                 saturated t: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 8 <= n {
            var s0 = Lane(), q0 = Lane(), t0 = Lane(), s1 = Lane(), q1 = Lane(), t1 = Lane()
            for r in 0..<rows {
                let v0 = Lane(y + r * n, j), v1 = Lane(y + r * n, j + 4)
                s0 += v0; q0 += v0 * v0
                s1 += v1; q1 += v1 * v1
                if let band { t0 = counted(v0, t0, band); t1 = counted(v1, t1, band) }
            }
            s0.store(s, j); q0.store(q, j); t0.store(t, j)
            s1.store(s, j + 4); q1.store(q, j + 4); t1.store(t, j + 4)
            j += 8
        }
        if j + 4 <= n {
            var s0 = Lane(), q0 = Lane(), t0 = Lane()
            for r in 0..<rows {
                let v = Lane(y + r * n, j)
                s0 += v; q0 += v * v
                if let band { t0 = counted(v, t0, band) }
            }
            s0.store(s, j); q0.store(q, j); t0.store(t, j)
            j += 4
        }
        while j < n {
            var sj: Float = 0, qj: Float = 0, tj: Float = 0
            for r in 0..<rows {
                let v = y[r * n + j]
                sj += v
                qj += v * v
                if let band, abs(v - band.center) > band.bound { tj += 1 }
            }
            (s[j], q[j], t[j]) = (sj, qj, tj)
            j += 1
        }
    }

    /// `t` plus one in each lane where `v` is in the saturated `band`.
    @inline(__always)
    private static func counted(_ v: Lane, _ t: Lane, _ band: (center: Float, bound: Float)) -> Lane {
        let d = v - band.center
        return t.replacing(with: t + 1, where: d .> band.bound .| d .< -band.bound)
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
