import Foundation
internal import WideLanes

/// How gradients update parameters.
public enum Optimizer: Sendable, Hashable, TextCodable {
    /// Plain stochastic gradient descent: `p −= lr · g`.
    case sgd
    /// SGD with momentum as in PyTorch: `v = β·v + g; p −= lr · v` (default β = 0.9).
    case momentum(beta: Float = 0.9)
    /// Adam with bias correction (defaults β1 = 0.9, β2 = 0.999, ε = 1e-8, as in PyTorch).
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// Adam with decoupled weight decay, as PyTorch's `AdamW`: `p −= lr·λ·p`, then Adam's step
    /// (default λ = 0.01; every parameter decays, biases included, as in PyTorch).
    case adamw(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01)
    /// RMSProp as in PyTorch: `v = α·v + (1 − α)·g²; p −= lr · g / (√v + ε)` (α = 0.99, ε = 1e-8).
    case rmsprop(alpha: Float = 0.99, epsilon: Float = 1e-8)
    /// Nesterov momentum as PyTorch's `SGD(nesterov=True)`: `v = β·v + g; p −= lr · (g + β·v)`.
    case nesterov(beta: Float = 0.9)

    public static let names = ["sgd", "momentum", "momentum(β)", "nesterov", "nesterov(β)", "adam", "adam(β1, β2, ε)",
                               "adamw", "adamw(β1, β2, ε, λ)", "rmsprop", "rmsprop(α, ε)"]

    public init?(parsing text: String) {
        guard let parsed = ParameterizedName(text) else { return nil }
        switch parsed.name {
        case "sgd": guard parsed.arguments.isEmpty else { return nil }; self = .sgd
        case "momentum":
            guard let a = parsed.arguments(defaults: [0.9]), a[0] >= 0, a[0] < 1 else { return nil }
            self = .momentum(beta: a[0])
        case "adam":
            guard let a = parsed.arguments(defaults: [0.9, 0.999, 1e-8]),
                  a[0] >= 0, a[0] < 1, a[1] >= 0, a[1] < 1, a[2] > 0 else { return nil }
            self = .adam(beta1: a[0], beta2: a[1], epsilon: a[2])
        case "adamw":
            guard let a = parsed.arguments(defaults: [0.9, 0.999, 1e-8, 0.01]),
                  a[0] >= 0, a[0] < 1, a[1] >= 0, a[1] < 1, a[2] > 0, a[3] >= 0, a[3] < 1 else { return nil }
            self = .adamw(beta1: a[0], beta2: a[1], epsilon: a[2], weightDecay: a[3])
        case "rmsprop":
            guard let a = parsed.arguments(defaults: [0.99, 1e-8]), a[0] >= 0, a[0] < 1, a[1] > 0 else { return nil }
            self = .rmsprop(alpha: a[0], epsilon: a[1])
        case "nesterov":
            guard let a = parsed.arguments(defaults: [0.9]), a[0] >= 0, a[0] < 1 else { return nil }
            self = .nesterov(beta: a[0])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .sgd: "sgd"
        case .momentum(let b): formatName("momentum", [b], defaults: [0.9])
        case let .adam(b1, b2, e): formatName("adam", [b1, b2, e], defaults: [0.9, 0.999, 1e-8])
        case let .adamw(b1, b2, e, wd): formatName("adamw", [b1, b2, e, wd], defaults: [0.9, 0.999, 1e-8, 0.01])
        case let .rmsprop(a, e): formatName("rmsprop", [a, e], defaults: [0.99, 1e-8])
        case .nesterov(let b): formatName("nesterov", [b], defaults: [0.9])
        }
    }

    /// Applies one update to each parameter of `spans` from its gradient, putting Σg² of each
    /// gradient into `squares` (in the same order, summed in the same pass: the trainer's
    /// gradient norms come from it when nothing changes the gradient before the update).
    /// `step` counts updates from 1 (for Adam's bias correction). Nothing is retained or
    /// allocated: on a small network this update is a large part of each step.
    func update(_ spans: [ParameterSpan], lr: Float, step: Int, squares: inout [Double]) {
        spans.withUnsafeBufferPointer { spans in
            for i in spans.indices { squares[i] = update(spans[i], lr: lr, step: step) }
        }
    }

    /// Applies one update to a parameter from its gradient; `step` counts updates from 1.
    ///
    /// As PyTorch computes it (Adam: `p −= (lr / c1) · m / (√v / √c2 + ε)`), a lane at a time
    /// (``LaneUpdates``, eight floats where ``VectorLanes`` says so).
    ///
    /// - Returns: Σg² of the gradient applied, summed in the same pass.
    @discardableResult
    func update(_ p: ParameterSpan, lr: Float, step: Int) -> Double {
        let n = p.count, w = p.values, g = UnsafePointer(p.gradients), m = p.moments1, v = p.moments2
        let wide = VectorLanes.wide
        switch self {
        case .sgd: return wide ? WideLanes.sgd(w, g, n, lr: lr) : LaneUpdates.sgd(w, g, n, lr: lr)
        case .momentum(let beta):
            return wide ? WideLanes.momentum(w, g, m, n, lr: lr, beta: beta) : LaneUpdates.momentum(w, g, m, n, lr: lr, beta: beta)
        case let .adam(b1, b2, eps): return Self.adam(w, g, m, v, n, lr: lr, b1: b1, b2: b2, eps: eps, step: step)
        case let .adamw(b1, b2, eps, wd): return Self.adam(w, g, m, v, n, lr: lr, b1: b1, b2: b2, eps: eps, step: step, decay: wd)
        case let .rmsprop(alpha, eps):
            return wide ? WideLanes.rmsprop(w, g, m, n, lr: lr, alpha: alpha, eps: eps) : LaneUpdates.rmsprop(w, g, m, n, lr: lr, alpha: alpha, eps: eps)
        case .nesterov(let beta):
            return wide ? WideLanes.nesterov(w, g, m, n, lr: lr, beta: beta) : LaneUpdates.nesterov(w, g, m, n, lr: lr, beta: beta)
        }
    }

    /// Marks the moments this optimiser keeps in each parameter as in use (a checkpoint keeps
    /// only those): done at a run's first update, not at every one.
    func markMoments(of parameters: [Parameter]) {
        for p in parameters {
            if self != .sgd { p.usesMoment1 = true }
            if usesSecondMoment { p.usesMoment2 = true }
        }
    }

    /// Whether the optimiser keeps a second moment per parameter (Adam's `v`); RMSProp keeps its
    /// running square in the first.
    var usesSecondMoment: Bool {
        switch self {
        case .adam, .adamw: true
        default: false
        }
    }

    private static func adam(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                             _ v: UnsafeMutablePointer<Float>, _ n: Int, lr: Float, b1: Float, b2: Float, eps: Float, step: Int,
                             decay: Float = 0) -> Double {
        // AdamW's decoupled decay comes first, on the weights before the step (PyTorch's order).
        if decay != 0 { for i in 0..<n { w[i] *= 1 - lr * decay } }
        // One division per element: ÷ √c2 is a multiplication by its reciprocal.
        let stepSize = lr / (1 - pow(b1, Float(step))), inverseRoot2 = 1 / (1 - pow(b2, Float(step))).squareRoot()
        return VectorLanes.wide
            ? WideLanes.adam(w, g, m, v, n, stepSize: stepSize, inverseRoot2: inverseRoot2, b1: b1, b2: b2, eps: eps)
            : LaneUpdates.adam(w, g, m, v, n, stepSize: stepSize, inverseRoot2: inverseRoot2, b1: b1, b2: b2, eps: eps)
    }
}
