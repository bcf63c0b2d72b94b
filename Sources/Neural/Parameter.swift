/// One trainable tensor (a weight matrix, a bias vector, a batch-norm scale or shift) with its
/// gradient and the optimiser's state for it.
public final class Parameter {
    /// What the parameter is, for reports: `weight`, `bias`, `gamma`, `beta`.
    public let name: String
    /// The shape, `[rows, cols]` for weights and `[count]` for vectors.
    public let shape: [Int]
    public internal(set) var value: [Float]
    /// ∂loss/∂value from the last backward pass.
    public internal(set) var gradient: [Float]
    /// Whether L1/L2 regularisation applies (weights only, as in common practice).
    let regularized: Bool
    /// Optimiser state: the velocity or Adam's first moment, and Adam's second moment.
    var moment1: [Float] = []
    var moment2: [Float] = []

    init(name: String, shape: [Int], value: [Float], regularized: Bool) {
        precondition(shape.reduce(1, *) == value.count, "parameter \(name) does not match its shape")
        self.name = name
        self.shape = shape
        self.value = value
        self.regularized = regularized
        gradient = [Float](repeating: 0, count: value.count)
    }

    /// Replaces the values (for golden tests and for loading weights); the shape must match.
    public func set(_ values: [Float]) {
        precondition(values.count == value.count, "expected \(value.count) values for \(name), got \(values.count)")
        value = values
    }

    /// The L2 norm of the gradient (by BLAS, scaled when the squares overflow `Float`).
    public var gradientNorm: Double { squaredGradientNorm.squareRoot() }

    /// `Σ g²` over the gradient.
    var squaredGradientNorm: Double {
        gradient.withUnsafeBufferPointer { BLAS.sumOfSquares($0.baseAddress!, count: $0.count) }
    }

    /// The L2 norm of the values.
    public var norm: Double { l2(value) }
}

func l2(_ values: [Float]) -> Double {
    var sum = 0.0
    values.withUnsafeBufferPointer { p in for v in p { sum += Double(v) * Double(v) } }
    return sum.squareRoot()
}
