/// The fused small-layer products (``Kernels/forward(x:w:b:a:rows:inputs:outputs:columns:)``,
/// ``Kernels/weightGradients(x:d:gw:gb:rows:inputs:outputs:columns:)`` and
/// ``Kernels/inputGradient(d:w:wt:dx:rows:inputs:outputs:columns:)``) and the lane-wise
/// activations, written for a ``Lane`` of any width: this file is compiled here, for four
/// lanes, and again in `WideLanes` (a link to it), for eight with AVX2, which ``VectorLanes``
/// picks at run time.
///
/// Each output takes the same steps whatever the width: a sum over its terms in order from
/// its first, the same whether it falls in a block of two lanes, of one, of four (where eight
/// are a lane) or goes alone. So both builds give the same bits (`EngineEndToEndTests` trains
/// with each and compares).
enum LaneKernels {
    /// How many rows (or inputs) a product's loop takes side by side (``blocks(count:terms:instances:from:_:)``).
    private static let group = 4

    /// The most weights (floats) of a layer's columns the forward product takes in one pass over
    /// its inputs: 256 KB, half of a second-level cache. Wider, it takes ``termBlock`` inputs a
    /// pass (``wideForward(x:w:b:a:rows:inputs:outputs:columns:)``).
    private static let cachedWeights = 1 << 16

    /// The inputs a pass of a wide layer's forward product takes (a block of w: 64 rows of its columns).
    private static let termBlock = 64

    /// `y[i] = tanh(x[i])` over the whole lanes of `count` values; returns how many it did
    /// (the rest are the caller's, through the same formula).
    static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Int {
        var i = 0
        while i + Lane.scalarCount <= count { Lane(x, i).laneTanh.store(y, i); i += Lane.scalarCount }
        return i
    }

    /// `y[i] = 1 / (1 + e^−x[i])` over the whole lanes of `count` values; returns how many it did.
    static func logistic(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) -> Int {
        var i = 0
        while i + Lane.scalarCount <= count { Lane(x, i).laneLogistic.store(y, i); i += Lane.scalarCount }
        return i
    }

    /// A binary head's lane: for logits `z` and targets `y`, each value's loss
    /// −[y·log σ(z) + (1−y)·log(1−σ(z))] = max(z, 0) − z·y + log(1 + e^−|z|), its probability
    /// σ(z) (1/(1 + e^−|z|), or e^−|z|/(1 + e^−|z|) below 0: from the same e^−|z|) and the
    /// gradient `scale·(σ(z) − y)`.
    @inline(__always)
    static func binaryCrossEntropy(_ z: Lane, _ y: Lane, scale: Float) -> (loss: Lane, probability: Lane, gradient: Lane) {
        let e = (-z.laneMagnitude).laneExp
        let loss = z.replacing(with: 0, where: z .< 0) - z * y + e.laneLog1p
        let q = 1 / (1 + e)
        let p = q.replacing(with: e * q, where: z .< 0)
        return (loss, p, scale * (p - y))
    }

    /// ``binaryCrossEntropy(_:_:scale:)`` over the whole lanes of `count` logits `z` against
    /// targets `y`: the probabilities into `p`, the gradients into `g` when given, each loss
    /// added to `loss` in order (in `Double`) and the right answers (σ(z) ≥ ½ where y ≥ ½) to
    /// `right`. Returns how many values it did (the rest are the caller's, through the same lanes).
    static func binaryHead(_ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>,
                           _ g: UnsafeMutablePointer<Float>?, count: Int, scale: Float, loss: inout Double, right: inout Int) -> Int {
        var i = 0, hits = LaneInts()
        while i + Lane.scalarCount <= count {
            let yl = Lane(y, i), (terms, pl, gl) = binaryCrossEntropy(Lane(z, i), yl, scale: scale)
            pl.store(p, i)
            if let g { gl.store(g, i) }
            hits &+= LaneInts().replacing(with: 1, where: .!((pl .>= 0.5) .^ (yl .>= 0.5)))
            for j in 0..<Lane.scalarCount { loss += Double(terms[j]) }
            i += Lane.scalarCount
        }
        right += Int(hits.wrappedSum())
        return i
    }

    /// A layer's forward product in one pass over the rows, for the outputs `columns` (all of
    /// them, or a ``WorkerTeam`` worker's part): `a[r, j] = b[j] + x[r, :]·w[:, j]`, four rows at
    /// a time (``blocks(count:terms:instances:from:_:)``); the last few outputs (fewer than
    /// four: a binary head's one logit) sum their inputs four at a time. Parts of a layer that
    /// start at multiples of four sum each output as the whole layer does.
    static func forward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>, a: UnsafeMutablePointer<Float>,
                        rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        let n = outputs, c0 = columns.lowerBound
        var narrow = columns.upperBound
        if inputs * columns.count <= cachedWeights {
            for r in stride(from: 0, to: rows, by: group) {
                constant(min(group, rows - r)) { g in
                    narrow = c0 + blocks(count: columns.count, terms: inputs, instances: g, from: .shared(b + c0),
                                         Strided(s: x + r * inputs, sq: inputs, st: 1, v: w + c0, vt: n, y: a + r * n + c0, yq: n))
                }
            }
        } else {
            narrow = c0 + wideForward(x: x, w: w, b: b, a: a, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        }
        guard narrow < columns.upperBound else { return }
        var r = 0
        while r < rows {
            // A last row alone goes through the same code as its own partner, stored once.
            let pair = r + 1 < rows
            let x0 = x + r * inputs, x1 = pair ? x0 + inputs : x0, a0 = a + r * n, a1 = a0 + n
            for j in narrow..<columns.upperBound {
                // The inputs four at a time against a column of w (w itself when it is one column).
                var lanes0 = SIMD4<Float>(), lanes1 = SIMD4<Float>(), tail0: Float = 0, tail1: Float = 0, p = 0
                while p + 4 <= inputs {
                    let column = n == 1 ? four(w, p) : SIMD4(w[p * n + j], w[(p + 1) * n + j], w[(p + 2) * n + j], w[(p + 3) * n + j])
                    lanes0 += four(x0, p) * column
                    lanes1 += four(x1, p) * column
                    p += 4
                }
                while p < inputs {
                    tail0 += x0[p] * w[p * n + j]
                    tail1 += x1[p] * w[p * n + j]
                    p += 1
                }
                a0[j] = b[j] + (lanes0.sum() + tail0)
                if pair { a1[j] = b[j] + (lanes1.sum() + tail1) }
            }
            r += pair ? 2 : 1
        }
    }

    /// ``forward(x:w:b:a:rows:inputs:outputs:columns:)``'s product for columns of w too many to
    /// stay in the second-level cache: ``termBlock`` inputs a pass, each pass adding to the sums
    /// the last one stored (the same additions in the same order: the same bits), so that a
    /// block of w stays cached while every row group goes through it, instead of all of w
    /// streaming in from memory for each (W3's 784 × 256 layer: 14 → 24 G multiply-adds/s on
    /// one core). Returns how many columns it did (all but fewer than four). A function of its
    /// own: choosing the pass inside ``forward(x:w:b:a:rows:inputs:outputs:columns:)``'s loop
    /// made the compiler stop inlining the tile there (+0.7 % of W1's instructions).
    @inline(never)
    private static func wideForward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                    a: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) -> Int {
        let n = outputs, c0 = columns.lowerBound
        var done = 0
        for t0 in stride(from: 0, to: inputs, by: termBlock) {
            for r in stride(from: 0, to: rows, by: group) {
                constant(min(group, rows - r)) { g in
                    done = blocks(count: columns.count, terms: min(termBlock, inputs - t0), instances: g, from: t0 == 0 ? .shared(b + c0) : .stored,
                                  Strided(s: x + r * inputs + t0, sq: inputs, st: 1, v: w + t0 * n + c0, vt: n, y: a + r * n + c0, yq: n))
                }
            }
        }
        return done
    }

    /// A layer's weight and bias gradients for the outputs `columns` (all, or a worker's part),
    /// in place of two products: `gw[:, j] = xᵀ·d[:, j]` (`gw` is `inputs × outputs`) and
    /// `gb[j] = Σ_r d[r, j]`, each a sum over the rows in order from 0, held in registers and
    /// written once — as ``LockstepNetwork`` sums them. (Summed in memory instead, one row at a
    /// time, every step waited on the store before it.)
    static func weightGradients(x: UnsafePointer<Float>, d: UnsafePointer<Float>, gw: UnsafeMutablePointer<Float>,
                                gb: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        guard !columns.isEmpty else { return }
        if outputs == 1 {
            // One output: gw is a row over the inputs, d a column.
            var sum: Float = 0
            for r in 0..<rows { sum += d[r] }
            gb[0] = sum
            sums(count: inputs, terms: rows, instances: 1, Strided(s: d, sq: 0, st: 1, v: x, vt: inputs, y: gw, yq: 0))
            return
        }
        let c0 = columns.lowerBound
        withUnsafePointer(to: Float(1)) { one in
            sums(count: columns.count, terms: rows, instances: 1, Strided(s: one, sq: 0, st: 0, v: d + c0, vt: outputs, y: gb + c0, yq: 0))
        }
        for i in stride(from: 0, to: inputs, by: group) {
            constant(min(group, inputs - i)) { g in
                sums(count: columns.count, terms: rows, instances: g,
                     Strided(s: x + i, sq: 1, st: inputs, v: d + c0, vt: outputs, y: gw + i * outputs + c0, yq: outputs))
            }
        }
    }

    /// The input gradient's columns `columns` (all, or a worker's part) in place of a product:
    /// `dx[r, i] = d[r, :]·w[i, :]`, each a sum over the outputs in order from 0, read from `wt`
    /// where this call first transposes `w`'s rows `columns` (a single output, a binary head,
    /// reads `w` itself as `wᵀ`'s one row).
    static func inputGradient(d: UnsafePointer<Float>, w: UnsafePointer<Float>, wt: UnsafeMutablePointer<Float>,
                              dx: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        guard !columns.isEmpty else { return }
        let rowsOfWT: UnsafePointer<Float>
        if outputs == 1 {
            rowsOfWT = w
        } else {
            for i in columns { for j in 0..<outputs { wt[j &* inputs &+ i] = w[i &* outputs &+ j] } }
            rowsOfWT = UnsafePointer(wt)
        }
        let k0 = columns.lowerBound
        for r in stride(from: 0, to: rows, by: group) {
            constant(min(group, rows - r)) { g in
                sums(count: columns.count, terms: outputs, instances: g,
                     Strided(s: d + r * outputs, sq: outputs, st: 1, v: rowsOfWT + k0, vt: inputs, y: dx + r * inputs + k0, yq: inputs))
            }
        }
    }

    /// Where ``blocks(count:terms:instances:from:_:)`` reads and writes: instance `q`'s `t`-th
    /// scalar at `s[q·sq + t·st]`, the `t`-th vector at `v + t·vt`, instance `q`'s sums at
    /// `y + q·yq`.
    struct Strided {
        let s: UnsafePointer<Float>, sq: Int, st: Int
        let v: UnsafePointer<Float>, vt: Int
        let y: UnsafeMutablePointer<Float>, yq: Int

        @inline(__always) func scalar(_ q: Int, _ t: Int) -> Float { s[q &* sq &+ t &* st] }
        @inline(__always) func vector(_ t: Int) -> UnsafePointer<Float> { v + t &* vt }
        @inline(__always) func sums(_ q: Int) -> UnsafeMutablePointer<Float> { y + q &* yq }
    }

    /// ``blocks(count:terms:instances:from:_:)`` from 0, and the values it leaves (fewer than
    /// four) one at a time, each summed over `t` in order from 0.
    @inline(__always)
    private static func sums(count: Int, terms: Int, instances: Int, _ m: Strided) {
        let done = blocks(count: count, terms: terms, instances: instances, from: .zero, m)
        for q in 0..<instances {
            for k in done..<count {
                var acc: Float = 0
                for t in 0..<terms { acc += m.scalar(q, t) * m.vector(t)[k] }
                m.sums(q)[k] = acc
            }
        }
    }

    /// Where each sum of ``blocks(count:terms:instances:from:_:)`` starts.
    enum Start {
        /// 0.
        case zero
        /// `initial[k]`, the same for every instance (a layer's bias).
        case shared(UnsafePointer<Float>)
        /// The instance's own sum already at `y(q)[k]`: the terms are the next block of a longer sum.
        case stored
    }

    /// `y(q)[k] = start + Σ_t s(q, t) · v(t)[k]` (``Strided``) for up to four `instances`
    /// `q` that share the vectors `v(t)` (rows of a matrix, consecutive in `k`): two lanes, then one, then four
    /// floats of `k` at a time, every instance's sums in registers at once while the terms go by
    /// (each sum alone is a chain of dependent additions: side by side the processor overlaps
    /// them, and each `v(t)` is loaded once for all). Each sum starts from `start` (``Start``)
    /// and adds its terms in order from `t = 0`, whatever the width and however many
    /// instances; the missing instances repeat the last, unstored.
    /// - Returns: how many values of `k` it did (all but fewer than four).
    @inline(__always)
    private static func blocks(count: Int, terms: Int, instances: Int, from: Start, _ m: Strided) -> Int {
        let width = Lane.scalarCount
        let q1 = min(1, instances - 1), q2 = min(2, instances - 1), q3 = min(3, instances - 1)
        @inline(__always) func start(_ q: Int, _ k: Int) -> Lane {
            switch from {
            case .zero: Lane()
            case let .shared(initial): Lane(initial, k)
            case .stored: Lane(UnsafePointer(m.sums(q)), k)
            }
        }
        @inline(__always) func startFour(_ q: Int, _ k: Int) -> SIMD4<Float> {
            switch from {
            case .zero: SIMD4<Float>()
            case let .shared(initial): four(initial, k)
            case .stored: four(UnsafePointer(m.sums(q)), k)
            }
        }
        @inline(__always) func keep(_ lanes: (Lane, Lane, Lane, Lane), _ k: Int) {
            lanes.0.store(m.sums(0), k)
            if instances > 1 { lanes.1.store(m.sums(1), k) }
            if instances > 2 { lanes.2.store(m.sums(2), k) }
            if instances > 3 { lanes.3.store(m.sums(3), k) }
        }
        var k = 0
        while k + 2 * width <= count {
            var lo0 = start(0, k), lo1 = start(q1, k), lo2 = start(q2, k), lo3 = start(q3, k)
            var hi0 = start(0, k + width), hi1 = start(q1, k + width), hi2 = start(q2, k + width), hi3 = start(q3, k + width)
            for t in 0..<terms {
                let vt = m.vector(t) + k, lo = Lane(vt, 0), hi = Lane(vt, width)
                let s0 = m.scalar(0, t), s1 = m.scalar(q1, t), s2 = m.scalar(q2, t), s3 = m.scalar(q3, t)
                lo0 += s0 * lo; hi0 += s0 * hi
                lo1 += s1 * lo; hi1 += s1 * hi
                lo2 += s2 * lo; hi2 += s2 * hi
                lo3 += s3 * lo; hi3 += s3 * hi
            }
            keep((lo0, lo1, lo2, lo3), k)
            keep((hi0, hi1, hi2, hi3), k + width)
            k += 2 * width
        }
        while k + width <= count {
            var a0 = start(0, k), a1 = start(q1, k), a2 = start(q2, k), a3 = start(q3, k)
            for t in 0..<terms {
                let vt = Lane(m.vector(t), k)
                a0 += m.scalar(0, t) * vt
                a1 += m.scalar(q1, t) * vt
                a2 += m.scalar(q2, t) * vt
                a3 += m.scalar(q3, t) * vt
            }
            keep((a0, a1, a2, a3), k)
            k += width
        }
        while k + 4 <= count {
            // Where a lane is eight: four floats as the four-lane build takes them.
            var a0 = startFour(0, k), a1 = startFour(q1, k), a2 = startFour(q2, k), a3 = startFour(q3, k)
            for t in 0..<terms {
                let vt = four(m.vector(t), k)
                a0 += m.scalar(0, t) * vt
                a1 += m.scalar(q1, t) * vt
                a2 += m.scalar(q2, t) * vt
                a3 += m.scalar(q3, t) * vt
            }
            store(a0, m.sums(0), k)
            if instances > 1 { store(a1, m.sums(1), k) }
            if instances > 2 { store(a2, m.sums(2), k) }
            if instances > 3 { store(a3, m.sums(3), k) }
            k += 4
        }
        return k
    }

    /// Calls `body` with `count` (1 to 4) as a constant: each inlined copy of a group's loop then
    /// keeps only the sums it stores (a group of two computing four wasted half its work).
    @inline(__always)
    private static func constant(_ count: Int, _ body: (Int) -> Void) {
        switch count {
        case 4: body(4)
        case 3: body(3)
        case 2: body(2)
        default: body(1)
        }
    }

    /// The four values at `p[i..<i+4]`, whatever ``Lane``'s width.
    @inline(__always)
    private static func four(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD4<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD4<Float>.self)
    }
}
