/// A gradient-health diagnostic that fired in an epoch.
public struct Alert: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case vanishing, exploding
        case deadReLU = "dead_relu"
        case saturation
        case nan
    }

    public var kind: Kind
    /// The layer concerned (0 = first hidden layer), or `nil` for the whole run.
    public var layer: Int?
    /// The measured value and the bound it crossed.
    public var value: Double
    public var threshold: Double
    /// What happened, in words.
    public var message: String

    public init(kind: Kind, layer: Int?, value: Double, threshold: Double, message: String) {
        self.kind = kind
        self.layer = layer
        self.value = value
        self.threshold = threshold
        self.message = message
    }
}
