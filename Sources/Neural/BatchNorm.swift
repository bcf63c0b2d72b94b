/// Batch normalisation of a layer's pre-activations, per unit: `γ·(x − μ)/√(σ² + ε) + β`.
///
/// Training uses the batch's own mean and (biased) variance and updates running estimates
/// (momentum 0.1, unbiased variance, as PyTorch's `BatchNorm1d`); evaluation uses the running
/// estimates. It is the classic remedy for exploding gradients.
final class BatchNorm {
    static let epsilon: Float = 1e-5
    static let momentum: Float = 0.1

    let units: Int
    let gamma: Parameter
    let beta: Parameter
    private(set) var runningMean: [Float]
    private(set) var runningVariance: [Float]
    /// Normalised inputs `x̂` of the last training batch, kept for the backward pass.
    private var normalized: Matrix
    private var inverseStd: [Float]
    private var sum: [Float]
    private var sumProduct: [Float]

    init(units: Int, capacity: Int, arena: Arena<Float>) {
        self.units = units
        gamma = Parameter(name: "gamma", shape: [units], value: [Float](repeating: 1, count: units), regularized: false, arena: arena)
        beta = Parameter(name: "beta", shape: [units], value: [Float](repeating: 0, count: units), regularized: false, arena: arena)
        runningMean = [Float](repeating: 0, count: units)
        runningVariance = [Float](repeating: 1, count: units)
        normalized = Matrix(rows: 0, cols: units, capacity: capacity)
        inverseStd = [Float](repeating: 0, count: units)
        sum = [Float](repeating: 0, count: units)
        sumProduct = [Float](repeating: 0, count: units)
    }

    /// Replaces the running statistics (when loading a snapshot).
    func setRunning(mean: [Float]? = nil, variance: [Float]? = nil) {
        if let mean { precondition(mean.count == units); runningMean = mean }
        if let variance { precondition(variance.count == units); runningVariance = variance }
    }

    /// `y = BN(x)` for `rows` samples.
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let n = units
        let g = gamma.values, b = beta.values
        if !training {
            for r in 0..<rows {
                for j in 0..<n {
                    let xh = (x[r * n + j] - runningMean[j]) / (runningVariance[j] + Self.epsilon).squareRoot()
                    y[r * n + j] = g[j] * xh + b[j]
                }
            }
            return
        }
        normalized.rows = rows
        for j in 0..<n { sum[j] = 0; sumProduct[j] = 0 }
        for r in 0..<rows { for j in 0..<n { sum[j] += x[r * n + j] } }
        let count = Float(rows)
        for j in 0..<n { sum[j] /= count }  // now the batch mean
        for r in 0..<rows { for j in 0..<n { let d = x[r * n + j] - sum[j]; sumProduct[j] += d * d } }
        for j in 0..<n {
            let variance = sumProduct[j] / count
            inverseStd[j] = 1 / (variance + Self.epsilon).squareRoot()
            let unbiased = rows > 1 ? sumProduct[j] / (count - 1) : variance
            runningMean[j] = (1 - Self.momentum) * runningMean[j] + Self.momentum * sum[j]
            runningVariance[j] = (1 - Self.momentum) * runningVariance[j] + Self.momentum * unbiased
        }
        normalized.storage.withUnsafeMutableBufferPointer { xh in
            for r in 0..<rows {
                for j in 0..<n {
                    let v = (x[r * n + j] - sum[j]) * inverseStd[j]
                    xh[r * n + j] = v
                    y[r * n + j] = g[j] * v + b[j]
                }
            }
        }
    }

    /// Turns `dy` (in `delta`, in place) into `dx`, and sets the gradients of γ and β.
    ///
    /// With `x̂` the normalised input and `d = γ·dy`:
    /// `dx = (1/N)·invstd·(N·d − Σd − x̂·Σ(d·x̂))`.
    func backward(_ delta: UnsafeMutablePointer<Float>, rows: Int) {
        let n = units, count = Float(rows)
        for j in 0..<n { sum[j] = 0; sumProduct[j] = 0 }
        let dg = gamma.gradients, db = beta.gradients, g = gamma.values
        normalized.storage.withUnsafeBufferPointer { xh in
            for j in 0..<n { dg[j] = 0; db[j] = 0 }
            for r in 0..<rows {
                for j in 0..<n {
                    let dy = delta[r * n + j], v = xh[r * n + j]
                    dg[j] += dy * v
                    db[j] += dy
                }
            }
            // Σd = γ·Σdy and Σ(d·x̂) = γ·Σ(dy·x̂).
            for j in 0..<n { sum[j] = g[j] * db[j]; sumProduct[j] = g[j] * dg[j] }
            for r in 0..<rows {
                for j in 0..<n {
                    let d = g[j] * delta[r * n + j]
                    delta[r * n + j] = inverseStd[j] / count * (count * d - sum[j] - xh[r * n + j] * sumProduct[j])
                }
            }
        }
    }
}
