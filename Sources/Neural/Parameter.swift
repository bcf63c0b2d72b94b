/// One trainable tensor (a weight matrix, a bias vector, a batch-norm scale or shift) with its
/// gradient and the optimiser's state for it, as four spans of its engine's ``Arena``.
public final class Parameter {
    /// What the parameter is, for reports: `weight`, `bias`, `gamma`, `beta`.
    public let name: String
    /// The shape, `[rows, cols]` for weights and `[count]` for vectors.
    public let shape: [Int]
    /// The number of values.
    public let count: Int
    /// Whether L1/L2 regularisation applies (weights only, as in common practice).
    let regularized: Bool
    /// The values, ∂loss/∂value from the last backward pass, and the optimiser's state: the
    /// velocity or Adam's first moment, and Adam's second moment.
    let values: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    let moments1: UnsafeMutablePointer<Float>
    let moments2: UnsafeMutablePointer<Float>
    /// Whether the optimiser has used each moment (a checkpoint keeps only those).
    var usesMoment1 = false, usesMoment2 = false
    /// Keeps the spans alive.
    private let arena: Arena<Float>

    /// Its spans, for the optimiser's step.
    var span: ParameterSpan {
        ParameterSpan(values: values, gradients: gradients, moments1: moments1, moments2: moments2, count: count)
    }

    /// The floats a parameter of `count` values takes from an arena.
    static func floats(_ count: Int) -> Int { 4 * count }

    /// A parameter holding `value`, in `arena` (or in an arena of its own).
    init(name: String, shape: [Int], value: [Float], regularized: Bool, arena: Arena<Float>? = nil) {
        precondition(shape.reduce(1, *) == value.count, "parameter \(name) does not match its shape")
        self.name = name
        self.shape = shape
        self.regularized = regularized
        count = value.count
        let arena = arena ?? Arena(count: Self.floats(value.count))
        self.arena = arena
        values = arena.take(count)
        gradients = arena.take(count)
        moments1 = arena.take(count)
        moments2 = arena.take(count)
        values.update(from: value, count: count)
    }

    /// The values, copied.
    public internal(set) var value: [Float] {
        get { Array(UnsafeBufferPointer(start: values, count: count)) }
        set { set(newValue) }
    }

    /// ∂loss/∂value from the last backward pass, copied.
    public var gradient: [Float] { Array(UnsafeBufferPointer(start: gradients, count: count)) }

    /// Copies the moments into `kept` (empty arrays for one never used), into the arrays' own
    /// storage when they have the size already.
    func copyMoments(into kept: inout TrainerCheckpoint.Moments) {
        kept.first.overwrite(with: UnsafeBufferPointer(start: moments1, count: usesMoment1 ? count : 0))
        kept.second.overwrite(with: UnsafeBufferPointer(start: moments2, count: usesMoment2 ? count : 0))
    }

    /// Takes the moments back from a checkpoint (zeros for one it has empty).
    func restoreMoments(_ kept: TrainerCheckpoint.Moments) {
        usesMoment1 = Self.restore(kept.first, into: moments1, count: count)
        usesMoment2 = Self.restore(kept.second, into: moments2, count: count)
    }

    /// Copies `values` in (zeros when empty); whether the moment is in use.
    private static func restore(_ values: [Float], into span: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        precondition(values.isEmpty || values.count == count, "expected \(count) moments, got \(values.count)")
        if values.isEmpty { span.update(repeating: 0, count: count) } else { span.update(from: values, count: count) }
        return !values.isEmpty
    }

    /// Replaces the values (for golden tests and for loading weights); the shape must match.
    public func set(_ newValues: [Float]) {
        precondition(newValues.count == count, "expected \(count) values for \(name), got \(newValues.count)")
        values.update(from: newValues, count: count)
    }

    /// The L2 norm of the gradient (scaled when the squares overflow `Float`).
    public var gradientNorm: Double { squaredGradientNorm.squareRoot() }

    /// `Σ g²` over the gradient.
    var squaredGradientNorm: Double { Kernels.sumOfSquares(gradients, count: count) }

    /// The L2 norm of the values.
    public var norm: Double { l2(values, count) }
}

/// `‖x‖₂` of `count` values, summed in `Double`.
func l2(_ x: UnsafePointer<Float>, _ count: Int) -> Double {
    var sum = 0.0
    for i in 0..<count { sum += Double(x[i]) * Double(x[i]) }
    return sum.squareRoot()
}
