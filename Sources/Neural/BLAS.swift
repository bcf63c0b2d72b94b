import Synchronization

/// Matrix products through a BLAS library found at run time, else Gradbook's portable kernels.
///
/// Nothing links against BLAS: the first use loads OpenBLAS (`libopenblas.so.0`), else the
/// reference `libblas.so.3`, else (on macOS) Accelerate, through `dlopen`, and takes the few
/// CBLAS entry points it needs with `dlsym`. When none is there, or `GRADBOOK_BLAS=none`,
/// ``Kernels`` computes the same products (slower on wide layers, identical in meaning).
/// ``library`` says which one runs; the run summary and `gradbook --version` print it.
///
/// Only a network with a layer on BLAS (or one wide enough that `auto` asks) looks for the
/// library: opening OpenBLAS is ~24 M instructions, a fifth of a small run's whole process, and
/// a network of fused layers never calls it.
public enum BLAS {
    /// What computes the products: `OpenBLAS 0.3.21 (libopenblas.so.0)`, `reference BLAS
    /// (libblas.so.3)`, `Accelerate`, or `portable kernels (no BLAS found)` — followed, when
    /// `GRADBOOK_BLAS` names a file that could not be used, by why (`; GRADBOOK_BLAS 'PATH' not
    /// used: …`): a misspelt path is said where the library is, not silently passed over.
    /// Looks for the library.
    public static var library: String {
        let name = loaded?.name ?? "portable kernels (no BLAS found)"
        return lookup.refused.map { "\(name); \($0)" } ?? name
    }

    /// ``library`` once something has looked for it; `nil` while nothing has (every network made
    /// so far ran its layers fused).
    public static var libraryIfLookedFor: String? { lookedFor.load(ordering: .acquiring) ? library : nil }

    /// Whether a BLAS library was loaded (else the portable kernels run every product). Looks for the library.
    public static var isLoaded: Bool { loaded != nil }

    /// Looks for the library now, before a network with a layer on BLAS trains: ``withThreads(_:_:)``
    /// sets the threads of a library already looked for, and leaves alone one nothing needed yet.
    static func lookFor() { _ = loaded }

    /// The number of threads BLAS uses for one product (a setting of the whole process; 1 when
    /// the library cannot say).
    public static var threads: Int { Int(loaded?.getThreads?() ?? 1) }

    /// Engines training now with a thread count of their own, and the process's setting from
    /// before the first of them.
    private static let leases = Mutex<(count: Int, saved: Int32)>((0, 0))

    /// Runs `body` with BLAS limited to `threads` threads, then restores the setting that was
    /// there before, once the last engine that asked is done (several runs training at once in
    /// a sweep all ask for one thread: the runs, not BLAS, share the cores). `nil` changes
    /// nothing, and so does a library without a thread setting.
    public static func withThreads<R>(_ threads: Int?, _ body: () throws -> R) rethrows -> R {
        // Nothing looked for the library: no network made so far calls it, the body's included.
        guard let threads, lookedFor.load(ordering: .acquiring), let get = loaded?.getThreads, let set = loaded?.setThreads else {
            return try body()
        }
        leases.withLock { lease in
            if lease.count == 0 { lease.saved = get() }
            lease.count += 1
            set(Int32(max(1, threads)))
        }
        defer {
            leases.withLock { lease in
                lease.count -= 1
                if lease.count == 0 { set(lease.saved) }
            }
        }
        return try body()
    }

    /// `c = alpha · op(a) · op(b) + beta · c`, where `op` transposes when asked.
    ///
    /// Shapes are the rows and columns in use; `c` must already have `op(a).rows` rows in use.
    /// `b` and `c` may be columns of wider row-major matrices, whose rows are `ldb` and `ldc`
    /// floats apart (by default the columns in use): a ``WorkerTeam``'s share of a layer.
    static func gemm(_ a: UnsafePointer<Float>, rows aRows: Int, cols aCols: Int, transposeA: Bool = false,
                     _ b: UnsafePointer<Float>, rows bRows: Int, cols bCols: Int, transposeB: Bool = false, ldb: Int? = nil,
                     into c: UnsafeMutablePointer<Float>, ldc: Int? = nil, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? aCols : aRows
        let k = transposeA ? aRows : aCols
        let n = transposeB ? bRows : bCols
        let ldb = ldb ?? bCols, ldc = ldc ?? n
        precondition(k == (transposeB ? bCols : bRows), "inner dimensions differ in a matrix product")
        guard m > 0, n > 0 else { return }
        guard let sgemm = loaded?.sgemm else {
            Kernels.gemm(a, lda: aCols, transposeA: transposeA, b, ldb: ldb, transposeB: transposeB,
                         c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
            return
        }
        // OpenBLAS meets `beta = 0` with a pass of its own that clears `c`, slower than clearing
        // it here (5–12 % of an epoch of W2 and W3, more with two threads); accumulating onto
        // zeros with `beta = 1` then gives the same sums, bit for bit.
        if beta == 0 {
            if ldc == n { c.update(repeating: 0, count: m * n) } else { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        }
        _ = buffersMapped
        sgemm(rowMajor, transposeA ? transposed : notTransposed, transposeB ? transposed : notTransposed,
              Int32(m), Int32(n), Int32(k), alpha, a, Int32(aCols), b, Int32(ldb), beta == 0 ? 1 : beta, c, Int32(ldc))
    }

    /// `Σ x[i]²` over `count` values: one `sdot`, or `snrm2`² (which scales) when the squares
    /// overflow `Float`.
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        guard let sdot = loaded?.sdot, let snrm2 = loaded?.snrm2 else { return Kernels.sumOfSquares(x, count: count) }
        let n = Int32(count)
        let squares = sdot(n, x, 1, x, 1)
        guard !squares.isFinite else { return Double(squares) }
        let norm = Double(snrm2(n, x, 1))
        return norm * norm
    }

    /// `sums[j] = Σ_r m[r·ld + j]` over the `rows × cols` row-major `m` whose rows are `ld`
    /// floats apart (by default `cols`) — a bias gradient, a layer's per-unit sums of its
    /// outputs: `sgemv` against a vector of ones, 1,024 rows at a time.
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int? = nil, into sums: UnsafeMutablePointer<Float>) {
        let ld = ld ?? cols
        guard let sgemv = loaded?.sgemv else { return Kernels.columnSums(m, rows: rows, cols: cols, ld: ld, into: sums) }
        sums.update(repeating: 0, count: cols)
        ones.withUnsafeBufferPointer { one in
            for start in stride(from: 0, to: rows, by: one.count) {
                sgemv(rowMajor, transposed, Int32(min(one.count, rows - start)), Int32(cols), 1,
                      m + start * ld, Int32(ld), one.baseAddress, 1, 1, sums, 1)
            }
        }
    }

    private static let ones = [Float](repeating: 1, count: 1024)

    // MARK: - Loading

    /// CBLAS's `CblasRowMajor`, `CblasNoTrans`, `CblasTrans` (C enums, passed as `int`).
    private static let rowMajor: Int32 = 101, notTransposed: Int32 = 111, transposed: Int32 = 112

    /// The library in use, loaded on first use (`nil`: the portable kernels).
    private static var loaded: Library? { lookup.library }

    /// The lookup, made on first use: the library found, and why `GRADBOOK_BLAS`'s file was not.
    private static let lookup: (library: Library?, refused: String?) = {
        defer { lookedFor.store(true, ordering: .releasing) }
        return Library.find()
    }()

    /// Whether ``lookup`` was made.
    private static let lookedFor = Atomic<Bool>(false)

    /// OpenBLAS packs a product's operands into work buffers it maps lazily, and its x86-64
    /// kernels prefetch past the part a product packed. A prefetch into a page never touched is
    /// dropped only after a failed page walk, every time: on the project's machine (a virtual
    /// one) W3's 64 × 784 · 784 × 256 product ran 2.9× slower for as long as no larger product
    /// had written there. Reading the buffers' first megabytes once maps those pages (to the
    /// system's zero page); the buffers of the first few threads to train are the ones used.
    /// The sum read is kept only so that the reads are not optimised away.
    private static let buffersMapped: UInt8 = {
        #if arch(x86_64)
        guard let alloc = loaded?.memoryAlloc, let free = loaded?.memoryFree else { return 0 }
        // 4 MB: the packing areas of any product an MLP makes; OpenBLAS's x86-64 buffers are 32–128 MB.
        let bytes = 4 << 20, page = 4096
        let buffers = (0..<4).compactMap { _ in alloc(0) }
        defer { for buffer in buffers { free(buffer) } }
        var sum: UInt8 = 0
        for buffer in buffers {
            for offset in stride(from: 0, to: bytes, by: page) { sum &+= buffer.load(fromByteOffset: offset, as: UInt8.self) }
        }
        return sum
        #else
        return 0
        #endif
    }()

    /// The CBLAS entry points of a loaded library.
    private struct Library: @unchecked Sendable {
        typealias Gemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                         UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
        typealias Gemv = @convention(c) (Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                         UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
        typealias Dot = @convention(c) (Int32, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32) -> Float
        typealias Norm = @convention(c) (Int32, UnsafePointer<Float>?, Int32) -> Float

        var name: String
        var sgemm: Gemm
        var sgemv: Gemv
        var sdot: Dot
        var snrm2: Norm
        var getThreads: (@convention(c) () -> Int32)?
        var setThreads: (@convention(c) (Int32) -> Void)?
        /// OpenBLAS's own work-buffer allocator (see ``BLAS/buffersMapped``).
        var memoryAlloc: (@convention(c) (Int32) -> UnsafeMutableRawPointer?)?
        var memoryFree: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?

        /// The first candidate that opens with the CBLAS entry points; `GRADBOOK_BLAS=none`
        /// skips them all, `GRADBOOK_BLAS=PATH` tries that file first — and when it cannot be
        /// used, `refused` says why, naming it.
        static func find() -> (library: Library?, refused: String?) {
            let choice = DynamicLibrary.environment("GRADBOOK_BLAS") ?? ""
            if choice == "none" { return (nil, nil) }
            var refused: String?
            if !choice.isEmpty {
                do throws(Unusable) {
                    return (try load(choice), nil)
                } catch {
                    refused = "GRADBOOK_BLAS '\(choice)' not used: \(error.reason)"
                }
            }
            #if os(macOS)
            let candidates = ["/System/Library/Frameworks/Accelerate.framework/Accelerate"]
            #else
            let candidates = ["libopenblas.so.0", "libopenblas.so", "libblas.so.3"]
            #endif
            for file in candidates {
                if let library = try? load(file) { return (library, refused) }
            }
            return (nil, refused)
        }

        /// Why a file cannot serve as the library: it does not open, or lacks a CBLAS entry point.
        struct Unusable: Error {
            var reason: String
        }

        /// The library in `file` (a name the loader searches for, or a path).
        static func load(_ file: String) throws(Unusable) -> Library {
            switch DynamicLibrary.open(file) {
            case let .success(library): return try Library(library)
            case let .failure(error): throw Unusable(reason: "cannot be opened (\(error.message))")
            }
        }

        init(_ library: DynamicLibrary) throws(Unusable) {
            func entry<T>(_ name: String, _ type: T.Type) throws(Unusable) -> T {
                guard let function = library.symbol(name, as: type) else {
                    throw Unusable(reason: "it has no \(name) (expected a CBLAS library, such as libopenblas.so.0)")
                }
                return function
            }
            sgemm = try entry("cblas_sgemm", Gemm.self)
            sgemv = try entry("cblas_sgemv", Gemv.self)
            sdot = try entry("cblas_sdot", Dot.self)
            snrm2 = try entry("cblas_snrm2", Norm.self)
            getThreads = library.symbol("openblas_get_num_threads", as: (@convention(c) () -> Int32).self)
            setThreads = library.symbol("openblas_set_num_threads", as: (@convention(c) (Int32) -> Void).self)
            memoryAlloc = library.symbol("blas_memory_alloc", as: (@convention(c) (Int32) -> UnsafeMutableRawPointer?).self)
            memoryFree = library.symbol("blas_memory_free", as: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self)
            let file = library.file.split(separator: "/").last.map(String.init) ?? library.file
            if let config = library.symbol("openblas_get_config", as: (@convention(c) () -> UnsafePointer<CChar>?).self),
               let text = config() {
                // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64": the name and version.
                name = String(cString: text).split(separator: " ").prefix(2).joined(separator: " ") + " (\(file))"
            } else if file.hasPrefix("Accelerate") {
                name = "Accelerate"
            } else {
                name = "BLAS (\(file))"
            }
        }
    }
}
