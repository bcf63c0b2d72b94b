/// The optimisers' element-wise updates (``Optimizer/update(_:lr:step:)``), a ``Lane`` at a
/// time: compiled here for four lanes and again in `WideLanes` (a link to this file) for eight
/// with AVX2, which ``VectorLanes`` picks. Each element is updated by the same operations at
/// either width (the last few one by one, by the same formula), and Σg² keeps the four-lane
/// order whatever the width (``Squares``), so both builds give the same bits.
///
/// Each returns Σg² of the gradient it applied, summed in the same pass.
enum LaneUpdates {
    /// Σg² in the four-lane order: element `i` of the whole groups of four into partial sum
    /// `i mod 4`, in order; the rest (fewer than four) in a tail; the partial sums added, then the tail.
    struct Squares {
        private var four = SIMD4<Float>(), tail: Float = 0

        /// A lane's squares: its four-float quarters (one where a lane is four) into the partial
        /// sums, in order.
        @inline(__always) mutating func add(_ g: Lane) {
            let q = g * g
            for c in stride(from: 0, to: Lane.scalarCount, by: 4) { four += SIMD4(q[c], q[c + 1], q[c + 2], q[c + 3]) }
        }

        /// A group of four's squares, into the partial sums.
        @inline(__always) mutating func add(four group: SIMD4<Float>) { four += group }

        @inline(__always) mutating func add(_ g: Float) { tail += g * g }

        var total: Double { Double(four.sum() + tail) }
    }

    /// Whole lanes by `lane`; the rest — where a lane is eight, a group of four, then fewer than
    /// four — one by one by `one`; each element's square summed in the four-lane order.
    ///
    /// The rest goes first: each element's update is its own, and its squares are kept aside and
    /// added where the four-lane order puts them. Done last, the scalar constants of `one` were
    /// held in registers across the loop, and the partial sums went to the stack, a store and a
    /// load on the loop's chain of additions (57 % on Adam's loop, measured in C).
    @inline(__always)
    private static func each(_ g: UnsafePointer<Float>, _ n: Int, lane: (Int, Lane) -> Void, one: (Int, Float) -> Void) -> Double {
        let whole = n - n % Lane.scalarCount
        var squares = Squares(), lastFour: SIMD4<Float>? = nil, i = whole
        if i + 4 <= n {
            let v = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD4<Float>.self)
            lastFour = v * v
            for k in i..<(i + 4) { one(k, g[k]) }
            i += 4
        }
        while i < n {
            squares.add(g[i])
            one(i, g[i])
            i += 1
        }
        i = 0
        while i < whole {
            let gi = Lane(g, i)
            squares.add(gi)
            lane(i, gi)
            i += Lane.scalarCount
        }
        if let lastFour { squares.add(four: lastFour) }
        return squares.total
    }

    static func sgd(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, lr: Float) -> Double {
        each(g, n) { i, gi in (Lane(w, i) - lr * gi).store(w, i) } one: { i, gi in w[i] -= lr * gi }
    }

    static func momentum(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                         _ n: Int, lr: Float, beta: Float) -> Double {
        each(g, n) { i, gi in
            let mi = beta * Lane(m, i) + gi
            mi.store(m, i)
            (Lane(w, i) - lr * mi).store(w, i)
        } one: { i, gi in
            m[i] = beta * m[i] + gi
            w[i] -= lr * m[i]
        }
    }

    static func nesterov(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                         _ n: Int, lr: Float, beta: Float) -> Double {
        each(g, n) { i, gi in
            let mi = beta * Lane(m, i) + gi
            mi.store(m, i)
            (Lane(w, i) - lr * (gi + beta * mi)).store(w, i)
        } one: { i, gi in
            m[i] = beta * m[i] + gi
            w[i] -= lr * (gi + beta * m[i])
        }
    }

    static func rmsprop(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                        _ n: Int, lr: Float, alpha: Float, eps: Float) -> Double {
        each(g, n) { i, gi in
            let vi = alpha * Lane(v, i) + (1 - alpha) * gi * gi
            vi.store(v, i)
            (Lane(w, i) - lr * (gi / (vi.laneSquareRoot + eps))).store(w, i)
        } one: { i, gi in
            v[i] = alpha * v[i] + (1 - alpha) * gi * gi
            w[i] -= lr * (gi / (v[i].squareRoot() + eps))
        }
    }

    /// Adam's step as PyTorch computes it, `p −= stepSize · m / (√v · inverseRoot2 + ε)` with
    /// `stepSize = lr / (1 − β1ᵗ)` and `inverseRoot2 = 1 / √(1 − β2ᵗ)`: one division per element.
    static func adam(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                     _ v: UnsafeMutablePointer<Float>, _ n: Int, stepSize: Float, inverseRoot2: Float, b1: Float, b2: Float,
                     eps: Float) -> Double {
        each(g, n) { i, gi in
            let mi = b1 * Lane(m, i) + (1 - b1) * gi
            let vi = b2 * Lane(v, i) + (1 - b2) * gi * gi
            mi.store(m, i)
            vi.store(v, i)
            (Lane(w, i) - stepSize * (mi / (vi.laneSquareRoot * inverseRoot2 + eps))).store(w, i)
        } one: { i, gi in
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            w[i] -= stepSize * (m[i] / (v[i].squareRoot() * inverseRoot2 + eps))
        }
    }
}
