internal import CBLAS
import Synchronization

/// Matrix products through OpenBLAS (`cblas_sgemm`), and the BLAS thread count.
public enum BLAS {
    /// The number of threads OpenBLAS uses for one product (a setting of the whole process).
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Engines training now with a thread count of their own, and the process's setting from
    /// before the first of them.
    private static let leases = Mutex<(count: Int, saved: Int32)>((0, 0))

    /// Runs `body` with OpenBLAS limited to `threads` threads, then restores the setting that
    /// was there before, once the last engine that asked is done (several runs training at once
    /// in a sweep all ask for one thread: the runs, not BLAS, share the cores). `nil` changes
    /// nothing.
    public static func withThreads<R>(_ threads: Int?, _ body: () throws -> R) rethrows -> R {
        guard let threads else { return try body() }
        leases.withLock { lease in
            if lease.count == 0 { lease.saved = openblas_get_num_threads() }
            lease.count += 1
            openblas_set_num_threads(Int32(max(1, threads)))
        }
        defer {
            leases.withLock { lease in
                lease.count -= 1
                if lease.count == 0 { openblas_set_num_threads(lease.saved) }
            }
        }
        return try body()
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
