/// Gradbook's own products and sums, four lanes at a time: what runs a layer when no BLAS
/// library is loaded, and the fused small-layer passes (``Dense/Kernel/fused``), where a BLAS
/// call costs more than the arithmetic it does.
///
/// Every loop reads and writes through unsafe pointers into buffers made once; nothing here
/// allocates.
enum Kernels {
    /// `c = alpha · op(a) · op(b) + beta · c` for row-major `op(a)` of `m × k`, `op(b)` of
    /// `k × n`, `c` of `m × n` (BLAS's `sgemm` with `lda`, `ldb` the stored rows' lengths).
    static func gemm(_ a: UnsafePointer<Float>, lda: Int, transposeA: Bool, _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float, beta: Float) {
        for i in 0..<m {
            let ci = c + i * n
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
        guard !squares.isFinite else { return Double(squares) }
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i]) * Double(x[i]) }
        return sum
    }

    /// `sums[j] = Σ_r m[r·cols + j]` over a row-major `rows × cols` matrix.
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into sums: UnsafeMutablePointer<Float>) {
        sums.update(repeating: 0, count: cols)
        for r in 0..<rows { axpy(1, m + r * cols, sums, cols) }
    }

    /// A layer's forward product in one pass over the rows: `a[r, :] = b + x[r, :]·w`, four
    /// outputs at a time held in registers while the inputs go by, each written once.
    static func forward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>, a: UnsafeMutablePointer<Float>,
                        rows: Int, inputs: Int, outputs: Int) {
        let n = outputs
        for r in 0..<rows {
            let xr = x + r * inputs, ar = a + r * n
            var j = 0
            while j + 8 <= n {
                var lo = Lane(b, j), hi = Lane(b, j + 4)
                for p in 0..<inputs {
                    let wp = w + p * n, xp = xr[p]
                    lo += xp * Lane(wp, j)
                    hi += xp * Lane(wp, j + 4)
                }
                lo.store(ar, j)
                hi.store(ar, j + 4)
                j += 8
            }
            while j + 4 <= n {
                var acc = Lane(b, j)
                for p in 0..<inputs { acc += xr[p] * Lane(w + p * n, j) }
                acc.store(ar, j)
                j += 4
            }
            while j < n {
                // A narrow output (one logit): the inputs four at a time against a column of w.
                var lanes = Lane(), tail: Float = 0, p = 0
                while p + 4 <= inputs {
                    lanes += Lane(xr, p) * Lane(w[p * n + j], w[(p + 1) * n + j], w[(p + 2) * n + j], w[(p + 3) * n + j])
                    p += 4
                }
                while p < inputs { tail += xr[p] * w[p * n + j]; p += 1 }
                ar[j] = b[j] + (lanes.sum() + tail)
                j += 1
            }
        }
    }

    /// One pass over the rows of a layer's backward step, in place of three products:
    /// `gw = xᵀ·d` (`inputs × outputs`), `gb = Σ_r d[r, :]` and, when `dx` is given,
    /// `dx = d·wᵀ` (`rows × inputs`).
    ///
    /// Every loop runs along a contiguous row, four lanes at a time: `dx`'s row is the sum of
    /// `wᵀ`'s rows weighted by `d`'s (from `wt`, where `w` is transposed first), not one dot
    /// product and one sum across lanes per input; a single output (a binary head) reads `w`
    /// itself as that row. Each value is summed over the outputs in order, as
    /// ``LockstepNetwork`` sums it.
    static func backward(x: UnsafePointer<Float>, d: UnsafePointer<Float>, w: UnsafePointer<Float>, wt: UnsafeMutablePointer<Float>,
                         gw: UnsafeMutablePointer<Float>, gb: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                         rows: Int, inputs: Int, outputs: Int) {
        gw.update(repeating: 0, count: inputs * outputs)
        gb.update(repeating: 0, count: outputs)
        let rowsOfWT: UnsafePointer<Float>
        if outputs == 1 {
            rowsOfWT = w
        } else {
            if dx != nil {
                for i in 0..<inputs { for j in 0..<outputs { wt[j * inputs + i] = w[i * outputs + j] } }
            }
            rowsOfWT = UnsafePointer(wt)
        }
        for r in 0..<rows {
            let dr = d + r * outputs, xr = x + r * inputs
            if outputs == 1 {
                gb[0] += dr[0]
                axpy(dr[0], xr, gw, inputs)
            } else {
                axpy(1, dr, gb, outputs)
                for i in 0..<inputs { axpy(xr[i], dr, gw + i * outputs, outputs) }
            }
            guard let dx else { continue }
            let dxr = dx + r * inputs
            dxr.update(repeating: 0, count: inputs)
            for j in 0..<outputs { axpy(dr[j], rowsOfWT + j * inputs, dxr, inputs) }
        }
    }
}
