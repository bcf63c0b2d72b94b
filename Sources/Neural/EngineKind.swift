public import Datasets

/// The engines a ``Trainer`` can train with (`--engine`): which ``LayerKernel`` each layer runs.
public enum EngineKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Per layer: the fused loops for small layers, BLAS for wide ones
    /// (``LayerKernel/automatic(inputs:outputs:)``).
    case auto
    /// The fused loops for every layer: needs no BLAS library.
    case fused
    /// BLAS for every layer (the portable kernels stand in when no BLAS library is loaded).
    case blas

    /// The kernel this engine gives a layer of `inputs × outputs` weights.
    public func kernel(inputs: Int, outputs: Int) -> LayerKernel {
        switch self {
        case .auto: .automatic(inputs: inputs, outputs: outputs)
        case .fused: .fused
        case .blas: .blas
        }
    }

    /// A freshly initialised engine of this kind; `rng` draws the initial weights (the same
    /// weights whatever the kind).
    public func make(inputs: Int, hidden: [LayerSpec], outputs: Int, head: Head, initializer: Initializer,
                     batchSize: Int, blasThreads: Int? = nil, rng: inout SeededGenerator) -> any TrainingEngine {
        Network(inputs: inputs, hidden: hidden, outputs: outputs, head: head, initializer: initializer,
                batchSize: batchSize, blasThreads: blasThreads, kind: self, rng: &rng)
    }
}
