import Foundation

/// How gradients update parameters.
public enum Optimizer: Sendable, Hashable, TextCodable {
    /// Plain stochastic gradient descent: `p −= lr · g`.
    case sgd
    /// SGD with momentum as in PyTorch: `v = β·v + g; p −= lr · v` (default β = 0.9).
    case momentum(beta: Float = 0.9)
    /// Adam with bias correction (defaults β1 = 0.9, β2 = 0.999, ε = 1e-8, as in PyTorch).
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)

    public static let names = ["sgd", "momentum", "momentum(β)", "adam", "adam(β1, β2, ε)"]

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
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .sgd: "sgd"
        case .momentum(let b): formatName("momentum", [b], defaults: [0.9])
        case let .adam(b1, b2, e): formatName("adam", [b1, b2, e], defaults: [0.9, 0.999, 1e-8])
        }
    }

    /// Applies one update to `p` from its gradient; `step` counts updates from 1 (for Adam's
    /// bias correction).
    ///
    /// As PyTorch computes it (Adam: `p −= (lr / c1) · m / (√v / √c2 + ε)`), four lanes at a
    /// time: on a small network this update is a large part of each step.
    ///
    /// - Returns: Σg² of the gradient applied, summed in the same pass (the trainer's gradient
    ///   norms come from it when nothing changes the gradient before the update).
    @discardableResult
    func update(_ p: Parameter, lr: Float, step: Int) -> Double {
        let n = p.value.count
        if p.moment1.count != n { p.moment1 = [Float](repeating: 0, count: n) }
        if case .adam = self, p.moment2.count != n { p.moment2 = [Float](repeating: 0, count: n) }
        return p.value.withUnsafeMutableBufferPointer { w in
            p.gradient.withUnsafeBufferPointer { g in
                p.moment1.withUnsafeMutableBufferPointer { m in
                    switch self {
                    case .sgd:
                        Self.sgd(w.baseAddress!, g.baseAddress!, n, lr: lr)
                    case .momentum(let beta):
                        Self.momentum(w.baseAddress!, g.baseAddress!, m.baseAddress!, n, lr: lr, beta: beta)
                    case let .adam(b1, b2, eps):
                        p.moment2.withUnsafeMutableBufferPointer { v in
                            Self.adam(w.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, n,
                                      lr: lr, b1: b1, b2: b2, eps: eps, step: step)
                        }
                    }
                }
            }
        }
    }

    private static func sgd(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, lr: Float) -> Double {
        var squares = Lane(), tail: Float = 0, i = 0
        while i + 4 <= n {
            let gi = Lane(g, i)
            squares += gi * gi
            (Lane(w, i) - lr * gi).store(w, i)
            i += 4
        }
        while i < n { tail += g[i] * g[i]; w[i] -= lr * g[i]; i += 1 }
        return Double(squares.sum() + tail)
    }

    private static func momentum(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                                 _ n: Int, lr: Float, beta: Float) -> Double {
        var squares = Lane(), tail: Float = 0, i = 0
        while i + 4 <= n {
            let gi = Lane(g, i)
            squares += gi * gi
            let mi = beta * Lane(m, i) + gi
            mi.store(m, i)
            (Lane(w, i) - lr * mi).store(w, i)
            i += 4
        }
        while i < n {
            tail += g[i] * g[i]
            m[i] = beta * m[i] + g[i]
            w[i] -= lr * m[i]
            i += 1
        }
        return Double(squares.sum() + tail)
    }

    private static func adam(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                             _ v: UnsafeMutablePointer<Float>, _ n: Int, lr: Float, b1: Float, b2: Float, eps: Float, step: Int) -> Double {
        // One division per element: ÷ √c2 is a multiplication by its reciprocal.
        let stepSize = lr / (1 - pow(b1, Float(step))), inverseRoot2 = 1 / (1 - pow(b2, Float(step))).squareRoot()
        var squares = Lane(), tail: Float = 0, i = 0
        while i + 4 <= n {
            let gi = Lane(g, i)
            squares += gi * gi
            let mi = b1 * Lane(m, i) + (1 - b1) * gi
            let vi = b2 * Lane(v, i) + (1 - b2) * gi * gi
            mi.store(m, i)
            vi.store(v, i)
            (Lane(w, i) - stepSize * (mi / (vi.laneSquareRoot * inverseRoot2 + eps))).store(w, i)
            i += 4
        }
        while i < n {
            let gi = g[i]
            tail += gi * gi
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            w[i] -= stepSize * (m[i] / (v[i].squareRoot() * inverseRoot2 + eps))
            i += 1
        }
        return Double(squares.sum() + tail)
    }
}
