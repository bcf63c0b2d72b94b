import Datasets
import Foundation
import Neural
import XCTest

final class TrainerTests: XCTestCase {
    private let twoLayers = [LayerSpec(units: 8, activation: .tanh), LayerSpec(units: 8, activation: .tanh)]

    private func curve(_ config: TrainingConfig, _ data: DatasetSplit, engine: EngineKind? = nil) throws -> [Double] {
        let trainer = try Trainer(config: config, data: data, engine: engine)
        var losses: [Double] = []
        _ = trainer.train { losses += [$0.trainLoss, $0.testLoss]; return .proceed }
        return losses
    }

    private func spiral(seed: UInt64 = 1) throws -> DatasetSplit {
        try DatasetSplit.split(BuiltinDataset.spiral.generate(noise: 10, seed: seed), trainFraction: 0.5, seed: seed)
    }

    func testSameSeedGivesBitIdenticalCurves() throws {
        let hidden = [LayerSpec(units: 8, activation: .relu, batchNorm: true, dropout: 0.2), LayerSpec(units: 6, activation: .gelu)]
        let config = training(hidden: hidden, initializer: .he, optimizer: .adam(), learningRate: 0.01, epochs: 15, seed: 7)
        for engine in EngineKind.allCases {
            let a = try curve(config, spiral(), engine: engine), b = try curve(config, spiral(), engine: engine)
            XCTAssertEqual(a.count, 30, "15 epochs, train and test loss each")
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(engine)")
        }
    }

    func testDifferentSeedsGiveDifferentCurves() throws {
        var config = training(hidden: twoLayers, epochs: 5, seed: 1)
        let a = try curve(config, spiral())
        config.seed = 2
        XCTAssertNotEqual(a, try curve(config, spiral()))
    }

    func testReportCarriesTheDiagnosticsMaterial() throws {
        let data = try spiral()
        let hidden = [LayerSpec(units: 8, activation: .relu), LayerSpec(units: 8, activation: .sigmoid)]
        let trainer = try Trainer(config: training(hidden: hidden, batchSize: 32, epochs: 2, evaluateTrainingSet: true), data: data)
        var reports: [EpochReport] = []
        _ = trainer.train { reports.append($0); return .proceed }
        let r = try XCTUnwrap(reports.last)
        let steps = (data.train.count + 31) / 32
        XCTAssertEqual(r.steps, steps)
        XCTAssertEqual(r.gradientNorms.count, steps)
        XCTAssertEqual(r.layers.count, 3)
        for layer in r.layers {
            XCTAssertEqual(layer.weightGradientNorms.count, steps)
            XCTAssertTrue(layer.weightGradientNorms.allSatisfy { $0 > 0 && $0.isFinite })
            XCTAssertEqual(layer.weights, trainer.engine.weight(ofLayer: layer.index).value)
            XCTAssertEqual(layer.weightNorm, trainer.engine.weight(ofLayer: layer.index).norm, accuracy: 1e-9)
            XCTAssertGreaterThan(layer.updateNorm, 0)
        }
        // The global norm is the root of the layers' squared norms.
        let global = r.layers.reduce(0.0) { $0 + Double($1.weightGradientNorms[0] * $1.weightGradientNorms[0]) + Double($1.biasGradientNorms[0] * $1.biasGradientNorms[0]) }
        XCTAssertEqual(Double(r.gradientNorms[0]), global.squareRoot(), accuracy: 1e-4 * global.squareRoot())
        let relu = try XCTUnwrap(r.layers[0].activations), sigmoid = try XCTUnwrap(r.layers[1].activations)
        XCTAssertEqual(relu.samples, data.train.count)
        XCTAssertNotNil(relu.deadUnits)
        XCTAssertNil(relu.saturatedFraction)
        XCTAssertNil(sigmoid.deadUnits)
        XCTAssertNotNil(sigmoid.saturatedFraction)
        XCTAssertGreaterThan(sigmoid.mean, 0)
        XCTAssertLessThan(sigmoid.mean, 1)
        XCTAssertNotNil(r.layers[0].evaluationActivations)
        XCTAssertNil(r.layers[2].activations, "the output layer has no hidden activation")
        // With evaluateTrainingSet, the train loss is the loss of a full pass with the final weights.
        XCTAssertEqual(r.trainLoss, trainer.engine.evaluate(data.train).loss, accuracy: 1e-12)
    }

    /// The activation statistics of a full pass (mean, std, dead units, saturated share) equal
    /// a count done here from the layer's weights, output by output, for an activation of each
    /// kind: ReLU (per-unit sums by BLAS; at a width of whole lanes, applied and summed in one
    /// pass: 12 units, three lanes, and 20, a block of sixteen and a lane), leaky ReLU, tanh and
    /// sigmoid (the per-element pass: 10 units, eight at a time and a tail of two; 12, eight and
    /// four). Some units are pushed dead or saturated.
    func testActivationStatisticsMatchACountByHand() throws {
        let data = try spiral()
        for (activation, units) in [(Activation.relu, 10), (.relu, 12), (.relu, 20), (.leakyRelu(alpha: 0.2), 10), (.tanh, 10), (.tanh, 12), (.sigmoid, 10)] {
            let config = training(hidden: [LayerSpec(units: units, activation: activation)], epochs: 1,
                                        evaluateTrainingSet: true)
            let trainer = try Trainer(config: config, data: data)
            let layer = (weight: trainer.engine.weight(ofLayer: 0), bias: trainer.engine.bias(ofLayer: 0))
            var bias = [Float](repeating: 0, count: units)
            bias[1] = -100; bias[6] = -100; bias[9] = 100
            layer.bias.set(bias)
            var report: EpochReport?
            _ = trainer.train { report = $0; return .proceed }
            let stats = try XCTUnwrap(report?.layers[0].evaluationActivations)

            let x = data.train.features, d = data.train.featureCount, n = data.train.count
            let w = layer.weight.value, b = layer.bias.value
            var sum = 0.0, squares = 0.0, saturated = 0, unitActive = [Bool](repeating: false, count: units)
            for r in 0..<n {
                for j in 0..<units {
                    var a = b[j]
                    for k in 0..<d { a += x[r * d + k] * w[k * units + j] }
                    let y = activation.value(a)
                    sum += Double(y)
                    squares += Double(y) * Double(y)
                    if y != 0 { unitActive[j] = true }
                    if activation == .tanh && abs(y) > 0.99 { saturated += 1 }
                    if activation == .sigmoid && (y < 0.01 || y > 0.99) { saturated += 1 }
                }
            }
            let count = Double(n * units), mean = sum / count
            XCTAssertEqual(stats.samples, n)
            XCTAssertEqual(stats.mean, mean, accuracy: 1e-4 * max(1, abs(mean)), "\(activation) × \(units)")
            XCTAssertEqual(stats.std, (squares / count - mean * mean).squareRoot(), accuracy: 1e-3, "\(activation) × \(units)")
            if activation.canDie {
                XCTAssertEqual(stats.deadUnits, unitActive.filter { !$0 }.count, "\(activation)")
                // ReLU: the two units with bias −100 are dead; leaky ReLU's are not (outputs near −20).
                XCTAssertEqual(stats.deadUnits, activation == .relu ? 2 : 0, "\(activation)")
            } else {
                XCTAssertNil(stats.deadUnits)
            }
            if activation.canSaturate {
                XCTAssertEqual(try XCTUnwrap(stats.saturatedFraction), Double(saturated) / count, accuracy: 1e-12, "\(activation)")
                XCTAssertGreaterThanOrEqual(saturated, n, "unit 9 (bias +100) saturates on every sample")
            } else {
                XCTAssertNil(stats.saturatedFraction)
            }
        }
    }

    /// Gradient norms summed inside the optimiser's update (nothing changes the gradients) equal
    /// those measured apart (a clipping bound that never bites takes that path), step by step,
    /// and the last one equals the norm of the gradient left in the layer.
    func testGradientNormsFromTheUpdateEqualThoseMeasuredApart() throws {
        let hidden = [LayerSpec(units: 9, activation: .relu), LayerSpec(units: 5, activation: .tanh)]
        for optimizer in [Optimizer.sgd, .momentum(), .adam()] {
            func norms(clip: Float?) throws -> (steps: [[Float]], recorded: [Float], left: [Double]) {
                let config = training(hidden: hidden, initializer: .he, optimizer: optimizer, learningRate: 0.01,
                                            epochs: 2, clipNorm: clip)
                let trainer = try Trainer(config: config, data: try spiral())
                var reports: [EpochReport] = []
                _ = trainer.train { reports.append($0); return .proceed }
                let steps = reports.flatMap { r in r.layers.map(\.weightGradientNorms) + r.layers.map(\.biasGradientNorms) }
                return (steps, try XCTUnwrap(reports.last).layers.map { $0.weightGradientNorms.last ?? -1 },
                        (0..<trainer.engine.layers.count).map { trainer.engine.weight(ofLayer: $0).gradientNorm })
            }
            let fused = try norms(clip: nil), apart = try norms(clip: 1e9)
            XCTAssertEqual(fused.steps.count, apart.steps.count)
            for (a, b) in zip(fused.steps.joined(), apart.steps.joined()) {
                XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, b), "\(optimizer)")
            }
            XCTAssertEqual(fused.steps.flatMap { $0 }.filter { $0 > 0 }.count, fused.steps.flatMap { $0 }.count, "every norm measured")
            for (layer, (recorded, left)) in zip(fused.recorded, fused.left).enumerated() {
                XCTAssertEqual(Double(recorded), left, accuracy: 1e-5 * max(1, left), "\(optimizer) layer \(layer)")
            }
        }
    }

    func testDeadReluUnitsAreCounted() throws {
        // A large negative bias start kills every unit: no input gets past the ReLU.
        let data = try spiral()
        let trainer = try Trainer(config: training(hidden: [LayerSpec(units: 6, activation: .relu)], epochs: 1), data: data)
        trainer.engine.bias(ofLayer: 0).set([Float](repeating: -100, count: 6))
        var report: EpochReport?
        _ = trainer.train { report = $0; return .proceed }
        XCTAssertEqual(report?.layers[0].activations?.deadUnits, 6)
        XCTAssertEqual(report?.layers[0].activations?.deadFraction, 1)
    }

    func testAHugeLearningRateDivergesWithAReason() throws {
        let config = training(hidden: [LayerSpec(units: 8, activation: .relu)], initializer: .he, learningRate: 1e6, epochs: 50)
        let data = try DatasetSplit.split(BuiltinDataset.plane.generate(seed: 1), trainFraction: 0.5, seed: 1)
        let trainer = try Trainer(config: config, data: data)
        var epochs = 0
        let outcome = trainer.train { _ in epochs += 1; return .proceed }
        guard case .diverged(let epoch, let message) = outcome.reason else { return XCTFail("expected divergence, got \(outcome)") }
        XCTAssertEqual(outcome.epochs, epoch - 1)
        XCTAssertEqual(epochs, epoch - 1, "the diverged epoch is never reported")
        XCTAssertTrue(message.contains("epoch \(epoch)"), message)
    }

    func testObserverCanStopAndInterruptionAbandonsTheEpoch() throws {
        let data = try spiral()
        let stopped = try Trainer(config: training(hidden: twoLayers, epochs: 50), data: data)
            .train { $0.epoch == 3 ? .stop : .proceed }
        XCTAssertEqual(stopped, TrainingOutcome(epochs: 3, reason: .stoppedByObserver))
        var checks = 0
        let interrupted = try Trainer(config: training(hidden: twoLayers, epochs: 50), data: data)
            .train(interrupted: { checks += 1; return checks > 60 }) { _ in .proceed }
        // 25 steps an epoch: steps 1–50 finish epochs 1 and 2; the 61st check falls inside epoch 3.
        XCTAssertEqual(interrupted, TrainingOutcome(epochs: 2, reason: .interrupted))
    }

    /// Told to finish the epoch in progress, a trainer interrupted while epoch 3 trains (the
    /// second check after epoch 2) reports epoch 3 and stops before epoch 4 begins: its state is
    /// then the state after epoch 3, minibatch order included, as a checkpoint taken at epoch 3's
    /// report holds it. Not told, it abandons epoch 3 at its second step.
    func testAnInterruptFinishesTheEpochInProgressWhenToldAndStopsBeforeTheNextShuffle() throws {
        let data = try spiral()
        for finishes in [true, false] {
            let trainer = try Trainer(config: training(hidden: twoLayers, optimizer: .adam(), epochs: 50), data: data)
            trainer.finishesEpochOnInterrupt = finishes
            var reported = 0, checks = 0
            var atReport: TrainerCheckpoint?
            let outcome = trainer.train(interrupted: { if reported >= 2 { checks += 1 }; return checks >= 2 }) { report in
                reported = report.epoch
                atReport = trainer.checkpoint(after: report.epoch)
                return .proceed
            }
            XCTAssertEqual(outcome, TrainingOutcome(epochs: finishes ? 3 : 2, reason: .interrupted), "finishes: \(finishes)")
            XCTAssertEqual(reported, finishes ? 3 : 2)
            if finishes { XCTAssertEqual(trainer.checkpoint(after: 3), atReport, "the state after epoch 3, not epoch 4's start") }
        }
    }

    func testGradientClippingBoundsTheStep() throws {
        let data = Dataset(features: [100, -50], targets: [1e4, -1e4], featureCount: 1, task: .regression(outputs: 1))
        let config = training(hidden: [], learningRate: 0.1, batchSize: 2, epochs: 1, clipNorm: 1)
        let trainer = try Trainer(config: config, data: DatasetSplit(train: data, test: data))
        let before = trainer.engine.parameters.flatMap(\.value)
        _ = trainer.train { _ in .proceed }
        let after = trainer.engine.parameters.flatMap(\.value)
        let step = zip(before, after).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
        XCTAssertEqual(step, 0.1, accuracy: 1e-4, "one SGD step of lr · clip norm")
    }

    func testBatchNormUsesRunningStatisticsAtEvaluation() throws {
        let data = try DatasetSplit.split(BuiltinDataset.circle.generate(seed: 1), trainFraction: 0.5, seed: 1)
        let config = training(hidden: [LayerSpec(units: 8, activation: .relu, batchNorm: true)], initializer: .he,
                                    optimizer: .adam(), learningRate: 0.01, epochs: 30)
        let trainer = try Trainer(config: config, data: data)
        _ = trainer.train { _ in .proceed }
        // Evaluation of one sample alone equals its evaluation within the whole set: no batch statistics.
        let x = Matrix(rows: data.test.count, cols: 2, values: data.test.features)
        let all = trainer.engine.predict(x)
        let one = trainer.engine.predict(Matrix(rows: 1, cols: 2, values: Array(data.test.features[0..<2])))
        XCTAssertEqual(one[0, 0], all[0, 0], accuracy: 1e-6)
        XCTAssertGreaterThan(trainer.engine.evaluate(data.test).accuracy!, 0.9)
    }

    /// Evaluation of a network trained with dropout 0.5 equals a pass computed here by hand from
    /// its weights with every unit kept: a dropped unit would change the loss in the first digits.
    func testDropoutIsOffAtEvaluation() throws {
        let data = try spiral()
        let trainer = try Trainer(config: training(hidden: [LayerSpec(units: 16, activation: .tanh, dropout: 0.5)], epochs: 3), data: data)
        _ = trainer.train { _ in .proceed }
        let engine = trainer.engine
        let w1 = engine.weight(ofLayer: 0).value, b1 = engine.bias(ofLayer: 0).value
        let w2 = engine.weight(ofLayer: 1).value, b2 = engine.bias(ofLayer: 1).value
        let test = data.test, d = test.featureCount
        var loss = 0.0
        for r in 0..<test.count {
            var z = Double(b2[0])
            for j in 0..<16 {
                var a = Double(b1[j])
                for k in 0..<d { a += Double(test.features[r * d + k]) * Double(w1[k * 16 + j]) }
                z += tanh(a) * Double(w2[j])
            }
            let y = Double(test.targets[r])
            loss += max(z, 0) - z * y + log1p(exp(-abs(z)))  // binary cross-entropy on the logit
        }
        let evaluated = engine.evaluate(test)
        XCTAssertEqual(evaluated.loss, loss / Double(test.count), accuracy: 1e-5)
        XCTAssertEqual(engine.evaluate(test).loss, evaluated.loss, "evaluation draws nothing at random")
    }

    func testMultiLabelSamplesAreLearned() throws {
        // Two labels per point: "x > 0" and "y > 0", so a point can carry both, one or none.
        var rng = SeededGenerator(seed: 3)
        var features: [Float] = [], targets: [Float] = []
        for _ in 0..<400 {
            let x = Float(rng.uniform(-1, 1)), y = Float(rng.uniform(-1, 1))
            features += [x, y]
            targets += [x > 0 ? 1 : 0, y > 0 ? 1 : 0]
        }
        let all = Dataset(features: features, targets: targets, featureCount: 2, task: .multilabel(labels: 2))
        let data = try DatasetSplit.split(all, trainFraction: 0.5, seed: 1)
        let trainer = try Trainer(config: training(hidden: [LayerSpec(units: 8, activation: .tanh)], optimizer: .adam(),
                                                         learningRate: 0.03, epochs: 60), data: data)
        XCTAssertEqual(trainer.engine.head, .multiLabel)
        var last: EpochReport?
        _ = trainer.train { last = $0; return .proceed }
        XCTAssertGreaterThan(try XCTUnwrap(last?.testAccuracy), 0.95)
        let p = trainer.engine.predict(Matrix(rows: 1, cols: 2, values: [0.8, 0.8]))
        XCTAssertGreaterThan(p[0, 0], 0.5)
        XCTAssertGreaterThan(p[0, 1], 0.5, "both labels at once: the probabilities need not sum to 1")
    }

    func testInvalidConfigurationIsRejectedWithTheValueNamed() {
        let data = Dataset(features: [0, 1], targets: [0, 1], featureCount: 1, task: .binary)
        let split = DatasetSplit(train: data, test: data)
        XCTAssertThrowsError(try Trainer(config: training(hidden: [], learningRate: -0.1), data: split)) { error in
            XCTAssertEqual("\(error)", "invalid lr '-0.1': expected a positive number")
        }
        XCTAssertThrowsError(try Trainer(config: training(hidden: [LayerSpec(units: 3, activation: .relu, dropout: 1)]), data: split)) { error in
            XCTAssertTrue("\(error)".contains("dropout '1.0'"), "\(error)")
        }
    }
}
