internal import WideLanes

/// Gradbook's own products and sums, a ``Lane`` at a time: what runs a layer when no BLAS
/// library is loaded, and the fused small-layer passes (``Dense/Kernel/fused``), where a BLAS
/// call costs more than the arithmetic it does.
///
/// Every loop reads and writes through unsafe pointers into buffers made once; nothing here
/// allocates.
enum Kernels {
    /// `c = alpha · op(a) · op(b) + beta · c` for row-major `op(a)` of `m × k`, `op(b)` of
    /// `k × n`, `c` of `m × n` (BLAS's `sgemm` with `lda`, `ldb` the stored rows' lengths).
    static func gemm(_ a: UnsafePointer<Float>, lda: Int, transposeA: Bool, _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                     _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, alpha: Float, beta: Float) {
        for i in 0..<m {
            let ci = c + i * ldc
            // BLAS's rule: with beta = 0, c is overwritten, whatever it held (NaN included).
            if beta == 0 { ci.update(repeating: 0, count: n) } else if beta != 1 { scale(ci, n, by: beta) }
            if !transposeB {
                // Row i of c gathers the rows of b, weighted by row i of op(a).
                for p in 0..<k {
                    let s = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
                    axpy(s, b + p * ldb, ci, n)
                }
            } else if !transposeA {
                // c[i, j] = a[i, :] · b[j, :]: both rows contiguous.
                for j in 0..<n { ci[j] += alpha * dot(a + i * lda, b + j * ldb, k) }
            } else {
                for j in 0..<n {
                    var s: Float = 0
                    for p in 0..<k { s += a[p * lda + i] * b[j * ldb + p] }
                    ci[j] += alpha * s
                }
            }
        }
    }

    /// `y[0..<n] += s · x[0..<n]`.
    @inline(__always)
    static func axpy(_ s: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var j = 0
        while j + 4 <= n {
            (Lane(y, j) + s * Lane(x, j)).store(y, j)
            j += 4
        }
        while j < n { y[j] += s * x[j]; j += 1 }
    }

    /// `Σ x[j]·y[j]` over `n` values, four partial sums.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var lanes = Lane(), tail: Float = 0, j = 0
        while j + 4 <= n {
            lanes += Lane(x, j) * Lane(y, j)
            j += 4
        }
        while j < n { tail += x[j] * y[j]; j += 1 }
        return lanes.sum() + tail
    }

    @inline(__always)
    static func scale(_ x: UnsafeMutablePointer<Float>, _ n: Int, by s: Float) {
        var j = 0
        while j + 4 <= n { (s * Lane(x, j)).store(x, j); j += 4 }
        while j < n { x[j] *= s; j += 1 }
    }

    /// `Σ x[i]²`, in `Float` lanes, measured again in `Double` when that overflows (as
    /// `snrm2` scales).
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let squares = dot(x, x, count)
        return squares.isFinite ? Double(squares) : squaresInDouble(x, count: count)
    }

    /// `Σ x[i]²` summed in `Double`: where the `Float` sums overflow.
    static func squaresInDouble(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i]) * Double(x[i]) }
        return sum
    }

    /// A layer's per-unit sums `sums[j] = Σ_r y[r, j]` and `squares[j] = Σ_r y[r, j]²` over the
    /// rows in order, for a row-major `rows × cols` matrix `y` whose `cols` is a multiple of 4
    /// (the fused path's statistics of outputs already computed). The same loop as
    /// ``reluStatistics(_:_:rows:cols:sums:squares:)``, so an activation's sums are the same bits
    /// whether they are taken as ReLU applies or afterwards.
    static func columnStatistics(_ y: UnsafePointer<Float>, rows: Int, cols: Int, sums: UnsafeMutablePointer<Float>,
                                 squares: UnsafeMutablePointer<Float>) {
        statistics(y, nil, rows: rows, cols: cols, sums: sums, squares: squares)
    }

    /// `y = max(x, 0)` (NaN to 0, as ReLU's scalar rule `x > 0 ? x : 0`) with the sums of
    /// ``columnStatistics(_:rows:cols:sums:squares:)`` taken in the same pass.
    static func reluStatistics(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                               sums: UnsafeMutablePointer<Float>, squares: UnsafeMutablePointer<Float>) {
        statistics(x, y, rows: rows, cols: cols, sums: sums, squares: squares)
    }

    /// The total of per-unit sums of squares `squares[0 ..< cols]` (`cols` a multiple of 4) in
    /// the one order an activation's Σy² has on the fused path: blocks of sixteen units as
    /// `(q₀ + q₁) + (q₂ + q₃)` of their four lanes, the blocks' totals and the last few lanes in
    /// order, then the four lanes of the sum.
    static func blockSquares(_ squares: UnsafePointer<Float>, cols: Int) -> Float {
        var total = Lane(), j = 0
        while j + 16 <= cols {
            total += (Lane(squares, j) + Lane(squares, j + 4)) + (Lane(squares, j + 8) + Lane(squares, j + 12))
            j += 16
        }
        while j < cols {
            total += Lane(squares, j)
            j += 4
        }
        return total.sum()
    }

    /// Sixteen units at a time, their sums held in registers while the rows go by: each value
    /// read once, each sum written once (a pass row by row loaded and stored every unit's sums
    /// at every row: nearly four times the cost of ReLU alone).
    @inline(__always)
    private static func statistics(_ x: UnsafePointer<Float>, _ relu: UnsafeMutablePointer<Float>?, rows: Int, cols: Int,
                                   sums: UnsafeMutablePointer<Float>, squares: UnsafeMutablePointer<Float>) {
        precondition(cols % 4 == 0, "column statistics take whole lanes")
        @inline(__always) func value(_ p: UnsafePointer<Float>, _ j: Int) -> Lane {
            let v = Lane(p, j)
            return relu == nil ? v : Lane().replacing(with: v, where: v .> 0)
        }
        var j = 0
        while j + 16 <= cols {
            var s0 = Lane(), s1 = Lane(), s2 = Lane(), s3 = Lane(), q0 = Lane(), q1 = Lane(), q2 = Lane(), q3 = Lane()
            for r in 0..<rows {
                let xr = x + r * cols + j
                let v0 = value(xr, 0), v1 = value(xr, 4), v2 = value(xr, 8), v3 = value(xr, 12)
                if let relu {
                    let yr = relu + r * cols + j
                    v0.store(yr, 0)
                    v1.store(yr, 4)
                    v2.store(yr, 8)
                    v3.store(yr, 12)
                }
                s0 += v0; s1 += v1; s2 += v2; s3 += v3
                q0 += v0 * v0; q1 += v1 * v1; q2 += v2 * v2; q3 += v3 * v3
            }
            s0.store(sums, j); s1.store(sums, j + 4); s2.store(sums, j + 8); s3.store(sums, j + 12)
            q0.store(squares, j); q1.store(squares, j + 4); q2.store(squares, j + 8); q3.store(squares, j + 12)
            j += 16
        }
        while j < cols {
            var s = Lane(), q = Lane()
            for r in 0..<rows {
                let v = value(x + r * cols, j)
                if let relu { v.store(relu + r * cols, j) }
                s += v
                q += v * v
            }
            s.store(sums, j)
            q.store(squares, j)
            j += 4
        }
    }

    /// `sums[j] = Σ_r m[r·ld + j]` over a row-major `rows × cols` matrix whose rows are `ld`
    /// floats apart (by default `cols`).
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int? = nil, into sums: UnsafeMutablePointer<Float>) {
        let ld = ld ?? cols
        sums.update(repeating: 0, count: cols)
        for r in 0..<rows { axpy(1, m + r * ld, sums, cols) }
    }

    /// A layer's forward product for the outputs `columns` (all, or a ``WorkerTeam`` worker's
    /// part), `a[r, j] = b[j] + x[r, :]·w[:, j]` (``LaneKernels``' loop, eight lanes wide where
    /// ``VectorLanes`` says so).
    static func forward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>, a: UnsafeMutablePointer<Float>,
                        rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        if VectorLanes.wide {
            WideLanes.forward(x: x, w: w, b: b, a: a, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        } else {
            LaneKernels.forward(x: x, w: w, b: b, a: a, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        }
    }

    /// A layer's weight and bias gradients for the outputs `columns` in place of two products:
    /// `gw[:, j] = xᵀ·d[:, j]`, `gb[j] = Σ_r d[r, j]` (``LaneKernels``' loops).
    static func weightGradients(x: UnsafePointer<Float>, d: UnsafePointer<Float>, gw: UnsafeMutablePointer<Float>,
                                gb: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        if VectorLanes.wide {
            WideLanes.weightGradients(x: x, d: d, gw: gw, gb: gb, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        } else {
            LaneKernels.weightGradients(x: x, d: d, gw: gw, gb: gb, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        }
    }

    /// The input gradient's columns `columns` in place of a product, `dx[r, i] = d[r, :]·w[i, :]`,
    /// through the transposed weights `wt` (``LaneKernels``' loop).
    static func inputGradient(d: UnsafePointer<Float>, w: UnsafePointer<Float>, wt: UnsafeMutablePointer<Float>,
                              dx: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, columns: Range<Int>) {
        if VectorLanes.wide {
            WideLanes.inputGradient(d: d, w: w, wt: wt, dx: dx, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        } else {
            LaneKernels.inputGradient(d: d, w: w, wt: wt, dx: dx, rows: rows, inputs: inputs, outputs: outputs, columns: columns)
        }
    }
}
