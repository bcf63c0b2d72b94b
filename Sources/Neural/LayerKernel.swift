/// How a layer computes its products: the choice an engine makes per layer.
public enum LayerKernel: String, Sendable, Hashable, Codable, CaseIterable {
    /// BLAS (`sgemm`, `sgemv`): three products per backward step, each a library call.
    case blas
    /// Gradbook's own four-lane loops (``Kernels``): the forward product, then the backward
    /// step's weight gradient, bias gradient and input gradient in one pass over the rows.
    /// No call costs more than its arithmetic, which is what a small layer needs.
    case fused

    /// The kernel ``EngineKind/auto`` gives a layer of `inputs × outputs` weights: fused up to
    /// ``fusedLimit`` weights, or whenever no BLAS library is loaded; BLAS above.
    public static func automatic(inputs: Int, outputs: Int) -> LayerKernel {
        !BLAS.isLoaded || inputs * outputs <= fusedLimit ? .fused : .blas
    }

    /// The widest layer (in weights) that the fused loops train faster than BLAS, measured on
    /// the benchmark machine (Benchmarks/README.md, "Engines").
    public static let fusedLimit = 4096
}
