import Foundation

/// ``Optimizer``'s updates on a ``LockstepNetwork``'s tensors: each lane at its own rate and
/// step count, every element by the formula ``Optimizer/update(_:lr:step:)`` applies to it,
/// and Σg² in its four partial sums plus a tail, so that each lane's numbers are its model's
/// numbers alone, bit for bit.
enum LockstepOptimizer {
    /// Updates `t` and returns Σg² of its gradient, lane by lane.
    static func update(_ optimizer: Optimizer, _ t: LockstepNetwork.Tensor, rates lr: Lanes, steps: SIMD8<Int32>) -> Lanes {
        let n = t.count, w = t.values, g = UnsafePointer(t.gradients), m = t.moments1, v = t.moments2
        let total = squares(g, n)
        switch optimizer {
        case .sgd:
            for i in 0..<n { w[i] = w[i] - lr * g[i] }
        case .momentum(let beta):
            for i in 0..<n {
                let mi = beta * m[i] + g[i]
                m[i] = mi
                w[i] = w[i] - lr * mi
            }
        case .nesterov(let beta):
            for i in 0..<n {
                let gi = g[i], mi = beta * m[i] + gi
                m[i] = mi
                w[i] = w[i] - lr * (gi + beta * mi)
            }
        case let .rmsprop(alpha, eps):
            for i in 0..<n {
                let gi = g[i], vi = alpha * m[i] + (1 - alpha) * gi * gi
                m[i] = vi
                w[i] = w[i] - lr * (gi / (vi.squareRoot() + eps))
            }
        case let .adam(b1, b2, eps):
            adam(w, g, m, v, n, lr: lr, b1: b1, b2: b2, eps: eps, steps: steps)
        case let .adamw(b1, b2, eps, decay):
            if decay != 0 {
                let keep = 1 - lr * decay
                for i in 0..<n { w[i] *= keep }
            }
            adam(w, g, m, v, n, lr: lr, b1: b1, b2: b2, eps: eps, steps: steps)
        }
        return total
    }

    private static func adam(_ w: UnsafeMutablePointer<Lanes>, _ g: UnsafePointer<Lanes>, _ m: UnsafeMutablePointer<Lanes>,
                             _ v: UnsafeMutablePointer<Lanes>, _ n: Int, lr: Lanes, b1: Float, b2: Float, eps: Float,
                             steps: SIMD8<Int32>) {
        // Each lane's step size and bias correction as the scalar update computes them.
        var stepSize = Lanes(), inverseRoot2 = Lanes()
        for k in 0..<Lanes.scalarCount {
            let step = Float(steps[k])
            stepSize[k] = lr[k] / (1 - pow(b1, step))
            inverseRoot2[k] = 1 / (1 - pow(b2, step)).squareRoot()
        }
        for i in 0..<n {
            let gi = g[i]
            let mi = b1 * m[i] + (1 - b1) * gi
            let vi = b2 * v[i] + (1 - b2) * gi * gi
            m[i] = mi
            v[i] = vi
            w[i] = w[i] - stepSize * (mi / (vi.squareRoot() * inverseRoot2 + eps))
        }
    }

    /// Σg² as the scalar update sums it: four partial sums over the first `n / 4 * 4` elements
    /// (element i into sum i mod 4), then the rest in a tail, added last.
    ///
    /// A pass of its own, before the update's: folded into one loop with the updates (a closure
    /// written out at each partial sum's element), the compiler called the update as a function
    /// per element instead of inlining it. A tensor here is on the fused kernels (a few
    /// kilobytes), so the update's second read of the gradient comes from the first-level cache.
    @inline(__always)
    private static func squares(_ g: UnsafePointer<Lanes>, _ n: Int) -> Lanes {
        var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes(), tail = Lanes(), i = 0
        while i + 4 <= n {
            let g0 = g[i], g1 = g[i + 1], g2 = g[i + 2], g3 = g[i + 3]
            s0 += g0 * g0
            s1 += g1 * g1
            s2 += g2 * g2
            s3 += g3 * g3
            i += 4
        }
        while i < n {
            tail += g[i] * g[i]
            i += 1
        }
        return (((s0 + s1) + s2) + s3) + tail
    }
}
