internal import CBLAS

/// Matrix products through OpenBLAS (`cblas_sgemm`), and the BLAS thread count.
public enum BLAS {
    /// The number of threads OpenBLAS uses for one product.
    ///
    /// Set it to 1 when several runs train in parallel (a sweep with `--jobs`), so that the
    /// runs, not BLAS, share the cores.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// `c = alpha · op(a) · op(b) + beta · c`, where `op` transposes when asked.
    ///
    /// Shapes are the rows and columns in use; `c` must already have `op(a).rows` rows in use.
    static func gemm(_ a: UnsafePointer<Float>, rows aRows: Int, cols aCols: Int, transposeA: Bool = false,
                     _ b: UnsafePointer<Float>, rows bRows: Int, cols bCols: Int, transposeB: Bool = false,
                     into c: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? aCols : aRows
        let k = transposeA ? aRows : aCols
        let n = transposeB ? bRows : bCols
        precondition(k == (transposeB ? bCols : bRows), "inner dimensions differ in a matrix product")
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(aCols), b, Int32(bCols), beta, c, Int32(n))
    }

    /// `Σ x[i]²` over `count` values: one `sdot`, or `snrm2`² (which scales) when the squares
    /// overflow `Float`.
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let n = Int32(count)
        let squares = cblas_sdot(n, x, 1, x, 1)
        guard !squares.isFinite else { return Double(squares) }
        let norm = Double(cblas_snrm2(n, x, 1))
        return norm * norm
    }

    /// `sums[j] = Σ_r m[r·cols + j]` over the `rows × cols` row-major `m` (a bias gradient, a
    /// layer's per-unit sums of its outputs): `sgemv` against a vector of ones, 1,024 rows at a time.
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into sums: UnsafeMutablePointer<Float>) {
        sums.update(repeating: 0, count: cols)
        ones.withUnsafeBufferPointer { one in
            for start in stride(from: 0, to: rows, by: one.count) {
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(min(one.count, rows - start)), Int32(cols), 1,
                            m + start * cols, Int32(cols), one.baseAddress, 1, 1, sums, 1)
            }
        }
    }

    private static let ones = [Float](repeating: 1, count: 1024)
}
