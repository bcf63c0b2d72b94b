import Datasets
import Neural
import XCTest

/// A small random data set whose targets fit `head`.
func randomData(samples: Int, features: Int, outputs: Int, head: Head, seed: UInt64) -> Dataset {
    var rng = SeededGenerator(seed: seed)
    let x = (0..<(samples * features)).map { _ in Float(rng.normal()) }
    var y = [Float](repeating: 0, count: samples * outputs)
    for i in 0..<samples {
        switch head {
        case .meanSquaredError, .halfSquaredError: for j in 0..<outputs { y[i * outputs + j] = Float(rng.normal()) }
        case .binaryCrossEntropy, .multiLabel, .playgroundTanh: for j in 0..<outputs { y[i * outputs + j] = rng.below(2) == 0 ? 0 : 1 }
        case .softmaxCrossEntropy: y[i * outputs + rng.below(outputs)] = 1
        }
    }
    let task: Task = switch head {
    case .meanSquaredError, .halfSquaredError: .regression(outputs: outputs)
    case .binaryCrossEntropy, .playgroundTanh: .binary
    case .softmaxCrossEntropy: .multiclass(classes: outputs)
    case .multiLabel: .multilabel(labels: outputs)
    }
    return Dataset(features: x, targets: y, featureCount: features, task: task)
}

/// An engine of `kind` with seeded weights: the gradient checks and golden values run against
/// every engine through the ``TrainingEngine`` seam.
/// `threads` above 1 shares its steps between threads (``WorkerTeam``).
func makeNetwork(_ kind: EngineKind = .blas, inputs: Int, hidden: [LayerSpec], outputs: Int, head: Head,
                 initializer: Initializer = .normal(std: 0.8), batchSize: Int = 8, seed: UInt64 = 3, threads: Int? = nil) -> any TrainingEngine {
    var rng = SeededGenerator(seed: seed)
    return kind.make(inputs: inputs, hidden: hidden, outputs: outputs, head: head, initializer: initializer, batchSize: batchSize,
                     blasThreads: threads, rng: &rng)
}

/// A training configuration with the values tests take for granted (the product's defaults are
/// the run options', in `Experiments`).
func training(hidden: [LayerSpec], initializer: Initializer = .xavier, optimizer: Optimizer = .sgd, learningRate: Float = 0.03,
              batchSize: Int = 10, epochs: Int = 100, l1: Float = 0, l2: Float = 0, clipNorm: Float? = nil, seed: UInt64 = 1,
              evaluateTrainingSet: Bool = false, playgroundLoss: Bool? = nil) -> TrainingConfig {
    TrainingConfig(hidden: hidden, initializer: initializer, optimizer: optimizer, learningRate: learningRate, batchSize: batchSize,
                   epochs: epochs, l1: l1, l2: l2, clipNorm: clipNorm, seed: seed, evaluateTrainingSet: evaluateTrainingSet,
                   playgroundLoss: playgroundLoss)
}

/// Compares every parameter's back-propagated gradient with central differences of the
/// objective (batch-mean loss plus penalty). The dropout stream is replayed for each
/// evaluation, so a network with dropout sees the same mask every time.
///
/// Where the one-sided differences disagree, a perturbation crossed a kink (ReLU at 0) and the
/// coordinate is skipped; at most a quarter may be skipped, so the check never goes vacuous.
func assertGradientsMatchFiniteDifferences(
    _ network: any TrainingEngine, _ data: Dataset, l1: Float = 0, l2: Float = 0, h: Float = 1e-3,
    _ message: String, file: StaticString = #filePath, line: UInt = #line
) {
    let indices = Array(0..<data.count)[...]
    let dropoutStream = SeededGenerator(seed: 77)
    func objective() -> Double {
        var rng = dropoutStream
        let r = network.computeGradients(data, rows: indices, dropout: &rng)
        return r.loss / Double(data.count) + network.penalty(l1: l1, l2: l2)
    }
    let center = objective()
    network.addPenaltyGradients(l1: l1, l2: l2)
    let analytic = network.parameters.map(\.gradient)
    var checked = 0, skipped = 0
    for (k, p) in network.parameters.enumerated() {
        let original = p.value
        for i in original.indices {
            var v = original
            v[i] = original[i] + h; p.set(v)
            let plus = objective()
            v[i] = original[i] - h; p.set(v)
            let minus = objective()
            p.set(original)
            let tolerance = { (x: Double) in 2e-3 + 2e-2 * abs(x) }
            let right = (plus - center) / Double(h), left = (center - minus) / Double(h)
            let numeric = (plus - minus) / Double(2 * h)
            if abs(right - left) > tolerance(numeric) {
                skipped += 1
                continue
            }
            checked += 1
            let a = Double(analytic[k][i])
            if abs(a - numeric) > tolerance(max(abs(a), abs(numeric))) {
                XCTFail("\(message): \(p.name) of parameter \(k) [\(i)]: backprop \(a), finite difference \(numeric)",
                        file: file, line: line)
                return
            }
        }
    }
    XCTAssertLessThanOrEqual(skipped * 4, checked + skipped, "\(message): too many kinks skipped", file: file, line: line)
}
