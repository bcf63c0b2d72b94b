import Datasets
import Foundation
import Neural
import XCTest

final class GoldenNetworkTests: XCTestCase {
    /// The 2-3-2-2 sigmoid network of "Deep Learning from Scratch", chapter 3 (identity output).
    func testDeepLearningFromScratchChapter3Network() {
        for engine in EngineKind.allCases {
        let net = makeNetwork(engine, inputs: 2, hidden: [LayerSpec(units: 3, activation: .sigmoid),
                                                          LayerSpec(units: 2, activation: .sigmoid)],
                              outputs: 2, head: .meanSquaredError)
        net.weight(ofLayer: 0).set([0.1, 0.3, 0.5, 0.2, 0.4, 0.6])
        net.bias(ofLayer: 0).set([0.1, 0.2, 0.3])
        net.weight(ofLayer: 1).set([0.1, 0.4, 0.2, 0.5, 0.3, 0.6])
        net.bias(ofLayer: 1).set([0.1, 0.2])
        net.weight(ofLayer: 2).set([0.1, 0.3, 0.2, 0.4])
        net.bias(ofLayer: 2).set([0.1, 0.2])
        let y = net.predict(Matrix(rows: 1, cols: 2, values: [1.0, 0.5]))
        XCTAssertEqual(y[0, 0], 0.316_827_08, accuracy: 1e-6, "\(engine)")
        XCTAssertEqual(y[0, 1], 0.696_279_09, accuracy: 1e-6, "\(engine)")
        }
    }

    /// One SGD step on a 1-1 linear model, worked by hand: loss (w·x + b − y)², x = 2, y = 1,
    /// w = 0.5, b = 0: output 1 … let w = 1 instead: output 2, error 1, ∂/∂w = 2·1·2 = 4,
    /// ∂/∂b = 2; with lr 0.1: w = 0.6, b = −0.2.
    func testOneSGDStepByHand() throws {
        let data = Dataset(features: [2], targets: [1], featureCount: 1, task: .regression(outputs: 1))
        let config = training(hidden: [], initializer: .zeros, learningRate: 0.1, batchSize: 1, epochs: 1)
        for engine in EngineKind.allCases {
            let trainer = try Trainer(config: config, data: DatasetSplit(train: data, test: data), engine: engine)
            trainer.engine.weight(ofLayer: 0).set([1])
            _ = trainer.train { _ in .proceed }
            XCTAssertEqual(trainer.engine.weight(ofLayer: 0).value[0], 0.6, accuracy: 1e-6, "\(engine)")
            XCTAssertEqual(trainer.engine.bias(ofLayer: 0).value[0], -0.2, accuracy: 1e-6, "\(engine)")
        }
    }

    /// Momentum (PyTorch's form v = βv + g) and Adam, two steps with a constant gradient g = 4 on w.
    func testMomentumAndAdamSteps() throws {
        let data = Dataset(features: [2], targets: [1], featureCount: 1, task: .regression(outputs: 1))
        func weightAfterTwoSteps(_ optimizer: Optimizer) throws -> Float {
            let config = training(hidden: [], initializer: .zeros, optimizer: optimizer,
                                        learningRate: 0.01, batchSize: 1, epochs: 1)
            let split = DatasetSplit(train: Dataset(features: [2, 2], targets: [1, 1], featureCount: 1,
                                                    task: .regression(outputs: 1)), test: data)
            let trainer = try Trainer(config: config, data: split)
            trainer.engine.weight(ofLayer: 0).set([1])
            _ = trainer.train { _ in .proceed }
            return trainer.engine.weight(ofLayer: 0).value[0]
        }
        // Momentum: step 1 g = 2·(2 − 1)·2 = 4, v = 4, w = 1 − 0.04 = 0.96, b = −0.02;
        // step 2 output 1.9 (0.96·2 − 0.02), g = 2·0.9·2 = 3.6, v = 0.9·4 + 3.6 = 7.2, w = 0.96 − 0.072.
        XCTAssertEqual(try weightAfterTwoSteps(.momentum(beta: 0.9)), 0.888, accuracy: 1e-5)
        // Adam's bias-corrected first steps move each weight by lr·sign(g) (while g keeps its sign).
        XCTAssertEqual(try weightAfterTwoSteps(.adam()), 0.98, accuracy: 1e-5)
    }

    /// Three full-batch steps of each optimiser on a 9-input linear model (two blocks of four
    /// weights and one left over, so both the vector loop and its tail run), against the same
    /// updates worked out here in `Double`, in PyTorch's formulas.
    func testOptimisersMatchAReferenceOnVectors() throws {
        let n = 6, d = 9
        var rng = SeededGenerator(seed: 3)
        let x = (0..<(n * d)).map { _ in Float(rng.uniform(-1, 1)) }
        let y = (0..<n).map { _ in Float(rng.uniform(-1, 1)) }
        let w0 = (0..<d).map { _ in Float(rng.uniform(-0.5, 0.5)) }
        let data = Dataset(features: x, targets: y, featureCount: d, task: .regression(outputs: 1))
        for optimizer in [Optimizer.sgd, .momentum(beta: 0.9), .adam(), .nesterov(beta: 0.9), .rmsprop(alpha: 0.99, epsilon: 1e-8),
                          .adamw(weightDecay: 0.1)] {
            let config = training(hidden: [], initializer: .zeros, optimizer: optimizer, learningRate: 0.05,
                                        batchSize: n, epochs: 3)
            let trainer = try Trainer(config: config, data: DatasetSplit(train: data, test: data))
            trainer.engine.weight(ofLayer: 0).set(w0)
            _ = trainer.train { _ in .proceed }

            // The reference: parameters are the 9 weights then the bias.
            var p = w0.map(Double.init) + [0], m = [Double](repeating: 0, count: d + 1), v = m
            for step in 1...3 {
                var g = [Double](repeating: 0, count: d + 1)
                for r in 0..<n {
                    var o = p[d]
                    for j in 0..<d { o += Double(x[r * d + j]) * p[j] }
                    let e = 2 * (o - Double(y[r])) / Double(n)  // ∂ mean (o − y)² / ∂o
                    for j in 0..<d { g[j] += e * Double(x[r * d + j]) }
                    g[d] += e
                }
                for i in 0...d {
                    switch optimizer {
                    case .sgd: p[i] -= 0.05 * g[i]
                    case .momentum: m[i] = 0.9 * m[i] + g[i]; p[i] -= 0.05 * m[i]
                    case .adam, .adamw:
                        // torch.optim.AdamW: p ← p·(1 − lr·λ) before the Adam step.
                        if case .adamw = optimizer { p[i] *= 1 - 0.05 * 0.1 }
                        m[i] = 0.9 * m[i] + 0.1 * g[i]
                        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                        let c1 = 1 - pow(0.9, Double(step)), c2 = 1 - pow(0.999, Double(step))
                        p[i] -= 0.05 / c1 * m[i] / (v[i].squareRoot() / c2.squareRoot() + 1e-8)
                    case .nesterov:
                        // torch.optim.SGD(nesterov=True): buf = β·buf + g; p −= lr·(g + β·buf).
                        m[i] = 0.9 * m[i] + g[i]
                        p[i] -= 0.05 * (g[i] + 0.9 * m[i])
                    case .rmsprop:
                        // torch.optim.RMSprop: v = α·v + (1 − α)·g²; p −= lr·g / (√v + ε).
                        v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i]
                        p[i] -= 0.05 * g[i] / (v[i].squareRoot() + 1e-8)
                    }
                }
            }
            let trained = trainer.engine.weight(ofLayer: 0).value + trainer.engine.bias(ofLayer: 0).value
            for i in 0...d {
                XCTAssertEqual(Double(trained[i]), p[i], accuracy: 1e-5, "\(optimizer) parameter \(i)")
            }
        }
    }

    func testOptimiserNamesRoundTrip() throws {
        let all: [Optimizer] = [.sgd, .momentum(), .momentum(beta: 0.5), .nesterov(), .nesterov(beta: 0.8), .adam(), .adam(beta1: 0.8),
                                .adamw(), .adamw(weightDecay: 0.1), .rmsprop(), .rmsprop(alpha: 0.9, epsilon: 1e-6)]
        for optimizer in all {
            XCTAssertEqual(Optimizer(parsing: optimizer.description), optimizer, optimizer.description)
        }
        XCTAssertEqual(Optimizer(parsing: "adamw"), .adamw(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01))
        XCTAssertEqual(Optimizer(parsing: "RMSProp"), .rmsprop(alpha: 0.99, epsilon: 1e-8))
        // A minus in an argument is a minus (names turned `-` into `_` everywhere, so ε = 1e-7 was refused).
        XCTAssertEqual(Optimizer(parsing: "adam(0.9, 0.99, 1e-7)"), .adam(beta1: 0.9, beta2: 0.99, epsilon: 1e-7))
        for bad in ["adamw(0.9, 0.999, 1e-8, 1)", "rmsprop(1)", "rmsprop(0.9, 0)", "nesterov(1)", "nesterov(0.9, 1)", "adagrad"] {
            XCTAssertNil(Optimizer(parsing: bad), bad)
        }
    }
}
