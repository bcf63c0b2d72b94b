/// How a layer computes its products: the choice an engine makes per layer.
public enum LayerKernel: String, Sendable, Hashable, Codable, CaseIterable {
    /// BLAS (`sgemm`, `sgemv`): three products per backward step, each a library call.
    case blas
    /// Gradbook's own four-lane loops (``Kernels``): the forward product, then the backward
    /// step's weight gradient, bias gradient and input gradient in one pass over the rows.
    /// No call costs more than its arithmetic, which is what a small layer needs.
    case fused

    /// The kernel ``EngineKind/auto`` gives a layer of `inputs × outputs` weights: fused up to
    /// ``fusedLimit`` weights, or whenever no BLAS library is loaded; BLAS above. Only a layer
    /// above the limit looks for the library.
    public static func automatic(inputs: Int, outputs: Int) -> LayerKernel {
        inputs * outputs <= fusedLimit || !BLAS.isLoaded ? .fused : .blas
    }

    /// The widest layer (in weights) given to the fused loops when BLAS is there: W1's layers
    /// (16, 64 and 8 weights) train faster fused; W2's 64 → 10 output layer (640) trained 1.3×
    /// slower fused than on BLAS, which keeps the products of tens of outputs in registers
    /// better than four-lane loops with scalar tails (Benchmarks/README.md, "Engine v2").
    public static let fusedLimit = 256

    /// `Σ x[i]²` on this kernel.
    func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        self == .fused ? Kernels.sumOfSquares(x, count: count) : BLAS.sumOfSquares(x, count: count)
    }

    /// The column sums of a row-major `rows × cols` matrix on this kernel.
    func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into sums: UnsafeMutablePointer<Float>) {
        if self == .fused { Kernels.columnSums(m, rows: rows, cols: cols, into: sums) } else { BLAS.columnSums(m, rows: rows, cols: cols, into: sums) }
    }
}
