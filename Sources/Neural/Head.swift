internal import WideLanes
import Foundation
public import Datasets

/// The output head: how the last layer's logits become predictions, and the loss on them.
///
/// Each head fuses its output function with its loss, so the gradient with respect to the
/// logits is the simple, stable `p − y` (scaled for the mean), never a division by a
/// probability near 0.
public enum Head: String, Sendable, Hashable, Codable, CaseIterable {
    /// Identity output, mean of `(o − y)²` over the outputs (PyTorch's `MSELoss`). Regression.
    case meanSquaredError = "mse"
    /// Sigmoid output, binary cross-entropy on the logit (PyTorch's `BCEWithLogitsLoss`).
    case binaryCrossEntropy = "bce"
    /// Softmax output, cross-entropy (PyTorch's `CrossEntropyLoss`). One class per sample.
    case softmaxCrossEntropy = "softmax"
    /// One independent sigmoid + binary cross-entropy per class (one-vs-all), for samples that
    /// carry several labels at once; the probabilities need not sum to 1.
    case multiLabel = "multilabel"
    /// The TensorFlow Playground's classification loss: output `o = tanh(z)`, labels 0/1 read
    /// as targets `t = ±1`, loss `½(o − t)²` averaged over samples; the class is the sign of
    /// `o`, and the prediction `(o + 1)/2`. Lets losses be compared with what the Playground shows.
    case playgroundTanh = "playground_tanh"
    /// The Playground's regression loss: identity output, `½(o − y)²` averaged over samples
    /// (half of ``meanSquaredError``).
    case halfSquaredError = "half_mse"

    /// The head a task calls for.
    public init(for task: Task) {
        switch task {
        case .regression: self = .meanSquaredError
        case .binary: self = .binaryCrossEntropy
        case .multiclass: self = .softmaxCrossEntropy
        case .multilabel: self = .multiLabel
        }
    }

    /// The Playground's head for a task: ``playgroundTanh`` for two classes, ``halfSquaredError``
    /// for regression, and the usual head for what the Playground does not have.
    public init(playgroundFor task: Task) {
        switch task {
        case .binary: self = .playgroundTanh
        case .regression: self = .halfSquaredError
        default: self.init(for: task)
        }
    }

    /// Whether the head predicts values rather than classes (no accuracy).
    public var isRegression: Bool { self == .meanSquaredError || self == .halfSquaredError }

    /// Predictions (identity values or probabilities) for a matrix of logits.
    public func predict(_ logits: Matrix) -> Matrix {
        var out = Matrix(rows: logits.rows, cols: logits.cols)
        let zeroTargets = [Float](repeating: 0, count: logits.rows * logits.cols)
        _ = evaluate(logits.storage, zeroTargets, rows: logits.rows, cols: logits.cols,
                     predictions: &out.storage, gradient: nil)
        return out
    }

    /// The mean loss of a batch of logits against targets (same shape as the logits).
    public func loss(_ logits: Matrix, targets: [Float]) -> Double {
        var out = Matrix(rows: logits.rows, cols: logits.cols)
        return evaluate(logits.storage, targets, rows: logits.rows, cols: logits.cols,
                        predictions: &out.storage, gradient: nil).loss / Double(max(logits.rows, 1))
    }

    /// Computes predictions, and optionally the gradient of the batch-mean loss, for `rows`
    /// samples of `cols` logits.
    ///
    /// - Returns: the summed per-sample loss, and the summed per-sample accuracy (the share of a
    ///   sample's labels that are right; 0 or 1 except for multi-label; 0 for regression).
    func evaluate(_ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>, rows: Int, cols: Int,
                  predictions p: UnsafeMutablePointer<Float>,
                  gradient g: UnsafeMutablePointer<Float>?) -> (loss: Double, correct: Double) {
        var loss = 0.0, correct = 0.0
        let n = Float(rows)
        switch self {
        case .meanSquaredError, .halfSquaredError:
            // Mean of (o − y)², or of ½(o − y)² summed over the outputs as the Playground does.
            let half = self == .halfSquaredError
            let scale = half ? 1 / n : 2 / (n * Float(cols))
            for i in 0..<(rows * cols) {
                p[i] = z[i]
                let d = z[i] - y[i]
                loss += Double(d * d)
                g?[i] = scale * d
            }
            loss = half ? loss / 2 : loss / Double(cols)
        case .playgroundTanh:
            let scale = 1 / n
            for i in 0..<(rows * cols) {
                let o = tanh(z[i]), t = 2 * y[i] - 1
                loss += Double(0.5 * (o - t) * (o - t))
                p[i] = (o + 1) / 2
                // d/dz ½(tanh z − t)² = (o − t)(1 − o²).
                g?[i] = scale * (o - t) * (1 - o * o)
                if (o >= 0) == (t >= 0) { correct += 1 }
            }
            correct /= Double(cols)
        case .binaryCrossEntropy, .multiLabel:
            let scale = 1 / (n * Float(cols)), count = rows * cols
            // A lane of logits at a time (libm's scalar expf and log1pf were most of a small
            // network's loss), eight where ``VectorLanes`` says so; the last few through the
            // same four lanes, padded, so that a value never depends on where in a batch it
            // falls. Only the loss is summed a value at a time, in order.
            var right = 0
            let done = VectorLanes.wide
                ? WideLanes.binaryHead(z, y, p, g, count: count, scale: scale, loss: &loss, right: &right)
                : LaneKernels.binaryHead(z, y, p, g, count: count, scale: scale, loss: &loss, right: &right)
            for i in stride(from: done, to: count, by: 4) {
                let k = min(4, count - i), padded = SIMD4<Int32>(0, 1, 2, 3) .< Int32(k)
                let zl = Lane(z + i, count: k), yl = Lane(y + i, count: k)
                let (terms, pl, gl) = LaneKernels.binaryCrossEntropy(zl, yl, scale: scale)
                right += Int(SIMD4<Int32>().replacing(with: 1, where: .!((pl .>= 0.5) .^ (yl .>= 0.5)) .& padded).wrappedSum())
                pl.store(p + i, count: k)
                if let g { gl.store(g + i, count: k) }
                for j in 0..<k { loss += Double(terms[j]) }
            }
            correct = Double(right)
            loss /= Double(cols)
            correct /= Double(cols)
        case .softmaxCrossEntropy:
            let scale = 1 / n, classes = SIMD4<Int32>(0, 1, 2, 3)
            for r in 0..<rows {
                let zr = z + r * cols, yr = y + r * cols, pr = p + r * cols
                // Subtract the row max before exp so that logits like [1010, 1000, 990] cannot
                // overflow; log-sum-exp = max + log Σ e^(z − max).
                var m = zr[0], best = 0, target = 0
                for j in 1..<cols {
                    if zr[j] > m { m = zr[j]; best = j }
                    if yr[j] > yr[target] { target = j }
                }
                // e^(z − max) four classes at a time (libm's scalar expf was most of a ten-class
                // head), the lanes past the last class 0. The max term is e⁰ = 1; summing the
                // others apart and taking log1p keeps the loss of a confident, correct
                // prediction accurate (4.54e-5 for the example).
                var othersLanes = Lane()
                for j in stride(from: 0, to: cols, by: 4) {
                    let k = min(4, cols - j), column = classes &+ Int32(j)
                    let e = (Lane(zr + j, count: k) - m).laneExp.replacing(with: 0, where: column .>= Int32(cols))
                    othersLanes += e.replacing(with: 0, where: column .== Int32(best))
                    e.store(pr + j, count: k)
                }
                let others = othersLanes.sum(), sum = 1 + others, logSum = log1p(others)
                for j in stride(from: 0, to: cols, by: 4) {
                    let k = min(4, cols - j)
                    let pl = Lane(pr + j, count: k) / sum
                    pl.store(pr + j, count: k)
                    if let g { (scale * (pl - Lane(yr + j, count: k))).store(g + r * cols + j, count: k) }
                }
                for j in 0..<cols where yr[j] != 0 { loss -= Double(yr[j] * (zr[j] - m - logSum)) }
                if best == target { correct += 1 }
            }
        }
        if isRegression { correct = 0 }
        return (loss, correct)
    }
}

extension Head {
    /// `evaluate` over array storage.
    func evaluate(_ z: [Float], _ y: [Float], rows: Int, cols: Int, predictions: inout [Float],
                  gradient: UnsafeMutablePointer<Float>?) -> (loss: Double, correct: Double) {
        z.withUnsafeBufferPointer { zp in
            y.withUnsafeBufferPointer { yp in
                predictions.withUnsafeMutableBufferPointer { pp in
                    evaluate(zp.baseAddress!, yp.baseAddress!, rows: rows, cols: cols,
                             predictions: pp.baseAddress!, gradient: gradient)
                }
            }
        }
    }
}
