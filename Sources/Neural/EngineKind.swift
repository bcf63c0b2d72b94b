public import Datasets

/// The engines a ``Trainer`` can train with.
public enum EngineKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// ``Network``: dense layers whose products go through BLAS.
    case blas

    /// A freshly initialised engine of this kind; `rng` draws the initial weights.
    public func make(inputs: Int, hidden: [LayerSpec], outputs: Int, head: Head, initializer: Initializer,
                     batchSize: Int, blasThreads: Int? = nil, rng: inout SeededGenerator) -> any TrainingEngine {
        switch self {
        case .blas:
            Network(inputs: inputs, hidden: hidden, outputs: outputs, head: head, initializer: initializer,
                    batchSize: batchSize, blasThreads: blasThreads, rng: &rng)
        }
    }
}
