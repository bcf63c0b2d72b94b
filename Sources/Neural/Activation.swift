import Foundation
internal import WideLanes

/// A hidden-layer activation function `z = f(a)`, with its exact derivative.
///
/// Each activation is a small kernel below holding `f` and `f′` side by side; the enum picks
/// the kernel once per layer, and the loops over a batch are specialised for it.
public enum Activation: Sendable, Hashable, TextCodable {
    case identity
    case sigmoid
    case tanh
    case relu
    /// `x` for positive inputs, `α·x` otherwise (PyTorch's default α is 0.01).
    case leakyRelu(alpha: Float = 0.01)
    /// `x` for positive inputs, `α·(eˣ − 1)` otherwise (default α = 1).
    case elu(alpha: Float = 1)
    /// The exact GELU, `x·Φ(x)` with the Gaussian CDF (PyTorch's default, not the tanh approximation).
    case gelu
    case softsign
    case softplus
    /// `x·σ(x)`, also called SiLU.
    case swish
    /// Self-normalising ELU: `λ·x` for positive inputs, `λ·α·(eˣ − 1)` otherwise, with PyTorch's
    /// λ ≈ 1.0507 and α ≈ 1.6733 (Klambauer et al. 2017).
    case selu
    /// `x·tanh(softplus(x))` (Misra 2019).
    case mish

    /// The names accepted by ``init(parsing:)``, for help texts and error messages.
    public static let names = ["identity", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu(α)",
                               "elu", "elu(α)", "gelu", "softsign", "softplus", "swish", "silu", "selu", "mish"]

    /// Parses a name such as `relu`, `leaky_relu`, `leaky_relu(0.2)`, `elu(0.5)` or `silu`.
    /// `linear` is a synonym of `identity`, as on the TensorFlow Playground.
    public init?(parsing text: String) {
        guard let parsed = ParameterizedName(text) else { return nil }
        let a = parsed.arguments
        switch (parsed.name, a.count) {
        case ("identity", 0), ("linear", 0): self = .identity
        case ("sigmoid", 0): self = .sigmoid
        case ("tanh", 0): self = .tanh
        case ("relu", 0): self = .relu
        case ("leaky_relu", 0...1), ("leakyrelu", 0...1): self = .leakyRelu(alpha: a.first ?? 0.01)
        case ("elu", 0...1): self = .elu(alpha: a.first ?? 1)
        case ("gelu", 0): self = .gelu
        case ("softsign", 0): self = .softsign
        case ("softplus", 0): self = .softplus
        case ("swish", 0), ("silu", 0): self = .swish
        case ("selu", 0): self = .selu
        case ("mish", 0): self = .mish
        default: return nil
        }
    }

    /// The canonical name; parameters appear only when they differ from the default.
    public var description: String {
        switch self {
        case .identity: "identity"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "relu"
        case .leakyRelu(let a): formatName("leaky_relu", [a], defaults: [0.01])
        case .elu(let a): formatName("elu", [a], defaults: [1])
        case .gelu: "gelu"
        case .softsign: "softsign"
        case .softplus: "softplus"
        case .swish: "swish"
        case .selu: "selu"
        case .mish: "mish"
        }
    }

    /// The range of the outputs where it is bounded (tanh, softsign, sigmoid), nil otherwise.
    public var outputRange: ClosedRange<Float>? {
        switch self {
        case .tanh, .softsign: -1...1
        case .sigmoid: 0...1
        default: nil
        }
    }

    /// Whether a unit can die: the ReLU family, whose units stop learning once their output is 0
    /// for every input. (Leaky ReLU and ELU outputs are 0 only at x = 0, so their units
    /// practically never die: that is why they exist; they are counted all the same.)
    public var canDie: Bool {
        switch self {
        case .relu, .leakyRelu, .elu: true
        default: false
        }
    }

    /// Whether outputs can saturate in flat tails (sigmoid and tanh): within 0.01 of 0 or 1 for
    /// sigmoid, of ±1 for tanh, where the derivative is below about 0.02.
    public var canSaturate: Bool { self == .sigmoid || self == .tanh }

    /// f(x) for one value (for tests and small uses; layers call the batched loops).
    public func value(_ x: Float) -> Float {
        var y: Float = 0
        withUnsafePointer(to: x) { forward($0, &y, count: 1) }
        return y
    }

    /// f′(x) for one value.
    public func derivative(_ x: Float) -> Float {
        var g: Float = 1
        let y = value(x)
        withUnsafePointer(to: x) { xp in withUnsafePointer(to: y) { yp in backward(xp, yp, &g, count: 1) } }
        return g
    }

    /// `y[i] = f(x[i])` for `count` values.
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: if x != UnsafePointer(y) { y.update(from: x, count: count) }
        case .sigmoid: Sigmoid.forward(x, y, count, 0)
        case .tanh: Tanh.forward(x, y, count, 0)
        case .relu: ReLU.forward(x, y, count, 0)
        case .leakyRelu(let a): LeakyReLU.forward(x, y, count, a)
        case .elu(let a): ELU.forward(x, y, count, a)
        case .gelu: GELU.forward(x, y, count, 0)
        case .softsign: Softsign.forward(x, y, count, 0)
        case .softplus: Softplus.forward(x, y, count, 0)
        case .swish: Swish.forward(x, y, count, 0)
        case .selu: SELU.forward(x, y, count, 0)
        case .mish: Mish.forward(x, y, count, 0)
        }
    }

    /// `g[i] *= f′(x[i])`, given the inputs `x` and the outputs `y = f(x)`.
    func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: return
        case .sigmoid: Sigmoid.backward(x, y, g, count, 0)
        case .tanh: Tanh.backward(x, y, g, count, 0)
        case .relu: ReLU.backward(x, y, g, count, 0)
        case .leakyRelu(let a): LeakyReLU.backward(x, y, g, count, a)
        case .elu(let a): ELU.backward(x, y, g, count, a)
        case .gelu: GELU.backward(x, y, g, count, 0)
        case .softsign: Softsign.backward(x, y, g, count, 0)
        case .softplus: Softplus.backward(x, y, g, count, 0)
        case .swish: Swish.backward(x, y, g, count, 0)
        case .selu: SELU.backward(x, y, g, count, 0)
        case .mish: Mish.backward(x, y, g, count, 0)
        }
    }
}

/// One activation's forward rule `f(x)` and backward rule `f′(x)` (which may use `y = f(x)`),
/// with `a` the activation's parameter where it has one.
private protocol Kernel {
    static func f(_ x: Float, _ a: Float) -> Float
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float
}

extension Kernel {
    @inline(__always)
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ a: Float) {
        for i in 0..<n { y[i] = f(x[i], a) }
    }

    @inline(__always)
    static func backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                         _ n: Int, _ a: Float) {
        for i in 0..<n { g[i] *= df(x[i], y[i], a) }
    }
}

/// The logistic function, written so that `exp` never overflows.
@inline(__always) func logistic(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}

/// A kernel whose `f` has a lane form (``Lane/laneTanh``, ``Lane/laneLogistic``): the forward
/// loop runs a lane at a time (eight floats where ``VectorLanes`` says so, else four), and the
/// last few values go through the same lanes one by one, so a value never depends on where in
/// a batch it falls, nor on the lanes' width.
private protocol LaneKernel: Kernel {
    static func f(_ x: Lane) -> Lane
    /// The loop over whole lanes, four or eight wide: how many values it did.
    static func lanes(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, wide: Bool) -> Int
}

extension LaneKernel {
    static func f(_ x: Float, _ a: Float) -> Float { f(Lane(repeating: x))[0] }

    @inline(__always)
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ a: Float) {
        var i = lanes(x, y, count: n, wide: VectorLanes.wide)
        while i < n { y[i] = f(x[i], a); i += 1 }
    }
}

private enum Sigmoid: LaneKernel {
    static func f(_ x: Lane) -> Lane { x.laneLogistic }
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { y * (1 - y) }
    static func lanes(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, wide: Bool) -> Int {
        wide ? WideLanes.logistic(x, y, count: count) : LaneKernels.logistic(x, y, count: count)
    }
}

private enum Tanh: LaneKernel {
    static func f(_ x: Lane) -> Lane { x.laneTanh }
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { 1 - y * y }
    static func lanes(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, wide: Bool) -> Int {
        wide ? WideLanes.tanh(x, y, count: count) : LaneKernels.tanh(x, y, count: count)
    }
}

private enum ReLU: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { x > 0 ? x : 0 }
    // As in PyTorch, the derivative at 0 is taken to be 0.
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { x > 0 ? 1 : 0 }
}

private enum LeakyReLU: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { x > 0 ? x : a * x }
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { x > 0 ? 1 : a }
}

private enum ELU: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { x > 0 ? x : a * expm1(x) }
    // For x ≤ 0: d/dx α(eˣ − 1) = α·eˣ = y + α.
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { x > 0 ? 1 : y + a }
}

private enum GELU: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { 0.5 * x * (1 + erf(x * 0.707_106_77)) }
    // d/dx x·Φ(x) = Φ(x) + x·φ(x).
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float {
        0.5 * (1 + erf(x * 0.707_106_77)) + x * 0.398_942_28 * exp(-0.5 * x * x)
    }
}

private enum Softsign: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { x / (1 + abs(x)) }
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { let d = 1 + abs(x); return 1 / (d * d) }
}

private enum Softplus: Kernel {
    // log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), which neither overflows nor loses small values.
    static func f(_ x: Float, _ a: Float) -> Float { max(x, 0) + log1p(exp(-abs(x))) }
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { logistic(x) }
}

private enum Swish: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { x * logistic(x) }
    // d/dx x·σ(x) = σ(x) + x·σ(x)(1 − σ(x)) = y + σ(x)(1 − y).
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { let s = logistic(x); return y + s * (1 - y) }
}

private enum SELU: Kernel {
    static let lambda: Float = 1.050_700_987_355_480_5, alpha: Float = 1.673_263_242_354_377_2
    static func f(_ x: Float, _ a: Float) -> Float { x > 0 ? lambda * x : lambda * alpha * expm1(x) }
    // For x ≤ 0: d/dx λα(eˣ − 1) = λα·eˣ = y + λα.
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float { x > 0 ? lambda : y + lambda * alpha }
}

private enum Mish: Kernel {
    static func f(_ x: Float, _ a: Float) -> Float { x * Foundation.tanh(Softplus.f(x, 0)) }
    // With t = tanh(softplus(x)): d/dx x·t = t + x·(1 − t²)·σ(x), since softplus′ = σ.
    static func df(_ x: Float, _ y: Float, _ a: Float) -> Float {
        let t = Foundation.tanh(Softplus.f(x, 0))
        return t + x * (1 - t * t) * logistic(x)
    }
}
