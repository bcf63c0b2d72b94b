/// The shape of one hidden layer: its width, activation, and regularisers.
public struct LayerSpec: Sendable, Hashable, Codable {
    public var units: Int
    public var activation: Activation
    /// Batch-normalise the pre-activations (before the activation).
    public var batchNorm: Bool
    /// Probability of dropping each output while training (inverted dropout; off at evaluation).
    public var dropout: Float

    public init(units: Int, activation: Activation, batchNorm: Bool = false, dropout: Float = 0) {
        self.units = units
        self.activation = activation
        self.batchNorm = batchNorm
        self.dropout = dropout
    }
}
