import Datasets
import Foundation
import Neural
import XCTest

/// The lessons of the subject, as behaviour the engine must show.
final class LessonTests: XCTestCase {
    private func playground(_ set: BuiltinDataset, noise: Double = 0, seed: UInt64 = 1) throws -> DatasetSplit {
        try DatasetSplit.split(set.generate(samples: 500, noise: noise, seed: seed), trainFraction: 0.5, seed: seed)
    }

    /// Trains and returns every epoch's report.
    private func train(_ config: TrainingConfig, _ data: DatasetSplit) throws -> (Trainer, [EpochReport]) {
        let trainer = try Trainer(config: config, data: data)
        var reports: [EpochReport] = []
        let outcome = trainer.train { reports.append($0); return .proceed }
        XCTAssertEqual(outcome.reason, .completed)
        return (trainer, reports)
    }

    func testZeroInitialisationKeepsHiddenUnitsIdentical() throws {
        // Sigmoid, so that f(0) = 0.5 and gradients do flow (with tanh, f(0) = 0 and nothing moves).
        let config = training(hidden: [LayerSpec(units: 5, activation: .sigmoid), LayerSpec(units: 4, activation: .sigmoid)],
                                    initializer: .zeros, learningRate: 0.1, epochs: 20)
        let (trainer, reports) = try train(config, playground(.circle))
        for layer in reports.last!.layers { XCTAssertGreaterThan(layer.weightNorm, 0, "layer \(layer.index) learns") }
        let engine = trainer.engine
        for l in engine.layers.indices.dropLast() {
            let w = engine.weight(ofLayer: l).value, b = engine.bias(ofLayer: l).value, units = engine.layers[l].units
            // Identical in exact arithmetic; BLAS kernels may round the edge columns of a product
            // differently, by an ulp or so. A broken symmetry differs in the first digits.
            for i in 0..<(w.count / units) {
                for j in 1..<units {
                    XCTAssertEqual(w[i * units + j], w[i * units], accuracy: 1e-5 * abs(w[i * units]) + 1e-12, "unit \(j) differs from unit 0")
                }
            }
            for j in 1..<units { XCTAssertEqual(b[j], b[0], accuracy: 1e-5 * abs(b[0]) + 1e-12, "bias \(j) differs from bias 0") }
        }
    }

    func testIdentityActivationsCollapseToOneAffineMapAndCannotFitXor() throws {
        let data = try playground(.xor)
        let config = training(hidden: [LayerSpec(units: 8, activation: .identity), LayerSpec(units: 8, activation: .identity)],
                                    learningRate: 0.01, epochs: 100)
        let (trainer, reports) = try train(config, data)
        // Multiply the layers out: W = W1·W2·W3, b = (b1·W2 + b2)·W3 + b3.
        var w = Matrix(rows: 2, cols: 1), b: Float = 0
        let engine = trainer.engine
        let l = engine.layers.indices.map { (weight: engine.weight(ofLayer: $0), bias: engine.bias(ofLayer: $0)) }
        for i in 0..<2 {
            for k in 0..<8 {
                for m in 0..<8 {
                    w[i, 0] += l[0].weight.value[i * 8 + k] * l[1].weight.value[k * 8 + m] * l[2].weight.value[m]
                }
            }
        }
        for m in 0..<8 {
            var hidden = l[1].bias.value[m]
            for k in 0..<8 { hidden += l[0].bias.value[k] * l[1].weight.value[k * 8 + m] }
            b += hidden * l[2].weight.value[m]
        }
        b += l[2].bias.value[0]
        let x = Matrix(rows: data.test.count, cols: 2, values: data.test.features)
        let p = trainer.engine.predict(x)
        for r in 0..<x.rows {
            let z = x[r, 0] * w[0, 0] + x[r, 1] * w[1, 0] + b
            XCTAssertEqual(p[r, 0], 1 / (1 + exp(-z)), accuracy: 1e-4)
        }
        XCTAssertLessThan(reports.last!.testAccuracy!, 0.7, "a linear model cannot separate xor")
    }

    func testReluAndTanhLearnXorAndCircle() throws {
        for set in [BuiltinDataset.xor, .circle] {
            for activation in [Activation.relu, .tanh] {
                let config = training(hidden: [LayerSpec(units: 8, activation: activation), LayerSpec(units: 8, activation: activation)],
                                            initializer: activation == .relu ? .he : .xavier, learningRate: 0.03, epochs: 100)
                let (_, reports) = try train(config, playground(set))
                XCTAssertGreaterThanOrEqual(reports.last!.testAccuracy!, 0.95, "\(activation) on \(set)")
            }
        }
    }

    /// Spiral, two hidden layers of 8 tanh units, ratio 50 %, noise 0: Adam at lr 0.003 with
    /// batch 10 for 1500 epochs.
    func testSpiralReachesTestLossBelowPointTwo() throws {
        let config = training(hidden: [LayerSpec(units: 8, activation: .tanh), LayerSpec(units: 8, activation: .tanh)],
                                    optimizer: .adam(), learningRate: 0.003, batchSize: 10, epochs: 1500)
        let (_, reports) = try train(config, playground(.spiral))
        let best = reports.min { $0.testLoss < $1.testLoss }!
        print("spiral: best test loss \(best.testLoss) at epoch \(best.epoch), final \(reports.last!.testLoss)")
        XCTAssertLessThan(reports.last!.testLoss, 0.2)
    }

    func testMultiClassCSVIsLearnedWithSoftmax() throws {
        // Three classes named by strings, in four dimensions, written to a real CSV file.
        let blobs = try BuiltinDataset.blobs.generate(samples: 600, noise: 10, seed: 4, classes: 3, features: 4)
        let names = ["alpha", "beta", "gamma"]
        var text = "a,b,c,d,kind\n"
        for i in 0..<blobs.count {
            text += blobs.features[(4 * i)..<(4 * i + 4)].map { "\($0)" }.joined(separator: ",") + ",\(names[blobs.classIndices[i]])\n"
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-blobs-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let data = try CSVDataset.load(path: url.path)
        XCTAssertEqual(data.task, .multiclass(classes: 3))
        let split = try DatasetSplit.split(data, trainFraction: 0.7, seed: 1, stratified: true).standardized().split
        let config = training(hidden: [LayerSpec(units: 16, activation: .relu)], initializer: .he,
                                    optimizer: .adam(), learningRate: 0.01, batchSize: 16, epochs: 30)
        let (trainer, reports) = try train(config, split)
        XCTAssertEqual(trainer.engine.head, .softmaxCrossEntropy)
        XCTAssertGreaterThan(reports.last!.testAccuracy!, 0.95)
        XCTAssertLessThan(reports.last!.testLoss, reports.first!.testLoss)
    }
}
