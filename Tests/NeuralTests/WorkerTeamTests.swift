import Datasets
import Foundation
import Neural
import XCTest

/// A network asked for two threads shares each step between them (each layer's units, the
/// batch's rows, the update): it repeats itself bit for bit, agrees with one thread to about
/// 1e-5 over 100 epochs, and keeps every diagnostic.
final class WorkerTeamTests: XCTestCase {
    private func requireTwoProcessors() throws {
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { throw XCTSkip("one processor: a network makes no team") }
    }

    /// 240 rows of 6 features, 5 classes set by the first two features.
    private static let data: DatasetSplit = {
        let rows = 240, features = 6, classes = 5
        var rng = SeededGenerator(seed: 17)
        let x = (0..<(rows * features)).map { _ in Float(rng.normal()) }
        var y = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows { y[r * classes + Int(abs(x[r * features] * 2 + x[r * features + 1] * 3)) % classes] = 1 }
        let all = Dataset(features: x, targets: y, featureCount: features, task: .multiclass(classes: classes))
        return try! DatasetSplit.split(all, trainFraction: 0.75, seed: 3)
    }()

    private struct Trained {
        var reports: [EpochReport]
        var weights: [[Float]]
        var workers: Int
        var kernels: [LayerKernel]
        /// Every number the reports carry, flattened in one order (losses, gradient norms, the
        /// layers' norms and activation statistics).
        var numbers: [Double] {
            var out: [Double] = []
            for r in reports {
                out += [r.trainLoss, r.testLoss]
                out += r.gradientNorms.map(Double.init)
                for l in r.layers {
                    out += [l.weightNorm, l.biasNorm, l.updateNorm]
                    out += l.weightGradientNorms.map(Double.init)
                    out += l.biasGradientNorms.map(Double.init)
                    let a = l.activations
                    let dead: Double? = a?.deadUnits.map(Double.init)
                    out += [a?.mean ?? -1, a?.std ?? -1, a?.saturatedFraction ?? -1, dead ?? -1]
                }
            }
            return out
        }
    }

    private func train(threads: Int?, engine: EngineKind, hidden: [LayerSpec], optimizer: Optimizer, epochs: Int = 100,
                       pause: Bool = false) throws -> Trained {
        let config = training(hidden: hidden, initializer: .he, optimizer: optimizer, learningRate: optimizer == .sgd ? 0.03 : 0.003,
                              batchSize: 12, epochs: epochs, seed: 5)
        let trainer = try Trainer(config: config, data: Self.data, engine: engine, blasThreads: threads)
        var reports: [EpochReport] = []
        _ = trainer.train { report in
            reports.append(report)
            // Long enough for the team's thread to stop spinning and sleep between epochs.
            if pause { usleep(2_000) }
            return .proceed
        }
        return Trained(reports: reports, weights: trainer.engine.parameters.map(\.value), workers: trainer.engine.workers?.size ?? 1,
                       kernels: trainer.engine.layers.map(\.kernel))
    }

    /// Trains on one thread, on two, and on two again; checks what any shared run must hold and
    /// returns the first two.
    @discardableResult
    private func assertShared(engine: EngineKind, hidden: [LayerSpec], optimizer: Optimizer, kernels: [LayerKernel],
                              file: StaticString = #filePath, line: UInt = #line) throws -> (one: Trained, two: Trained) {
        try requireTwoProcessors()
        let one = try train(threads: 1, engine: engine, hidden: hidden, optimizer: optimizer)
        let two = try train(threads: 2, engine: engine, hidden: hidden, optimizer: optimizer)
        let again = try train(threads: 2, engine: engine, hidden: hidden, optimizer: optimizer, pause: true)
        XCTAssertEqual(one.workers, 1, file: file, line: line)
        XCTAssertEqual(two.workers, 2, "asked for two threads", file: file, line: line)
        XCTAssertEqual(two.kernels, kernels, file: file, line: line)
        XCTAssertEqual(two.reports.count, 100, file: file, line: line)
        // Bit for bit with itself, whether its thread slept between epochs or not.
        XCTAssertEqual(two.numbers.map(\.bitPattern), again.numbers.map(\.bitPattern), "two threads, twice", file: file, line: line)
        XCTAssertEqual(two.weights.map { $0.map(\.bitPattern) }, again.weights.map { $0.map(\.bitPattern) }, file: file, line: line)
        // The same training as on one thread: the losses to 1e-5 (as the fused and BLAS engines
        // agree), every norm and statistic to 5e-5 (a step's gradient norm sums its squares in
        // halves, and the largest differences are in the norms of late, small gradients).
        assertClose(one.reports.flatMap { [$0.trainLoss, $0.testLoss] }, two.reports.flatMap { [$0.trainLoss, $0.testLoss] },
                    within: 1e-5, "losses", file: file, line: line)
        assertClose(one.numbers, two.numbers, within: 5e-5, "losses, norms and statistics", file: file, line: line)
        for (p, q) in zip(one.weights, two.weights) {
            let scale = Double(p.map(abs).max() ?? 1)
            for (x, y) in zip(p, q) { XCTAssertEqual(Double(x), Double(y), accuracy: 1e-5 * max(scale, 1), file: file, line: line) }
        }
        XCTAssertNotNil(two.reports.last?.layers.first?.activations, "diagnostics kept", file: file, line: line)
        return (one, two)
    }

    private func assertClose(_ a: [Double], _ b: [Double], within tolerance: Double, _ what: String,
                             file: StaticString, line: UInt) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        var (worst, worstAt) = (0.0, 0)
        for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) / max(abs(x), 1e-3) > worst {
            (worst, worstAt) = (abs(x - y) / max(abs(x), 1e-3), i)
        }
        XCTAssertLessThan(worst, tolerance, "\(what): largest relative difference from one thread, at \(worstAt) of \(a.count)",
                          file: file, line: line)
    }

    func testBLASLayersSplitBetweenTwoThreads() throws {
        try assertShared(engine: .blas, hidden: [LayerSpec(units: 48, activation: .relu), LayerSpec(units: 40, activation: .tanh)],
                         optimizer: .momentum(), kernels: [.blas, .blas, .blas])
    }

    func testBatchNormAndDropoutOnTwoThreads() throws {
        try assertShared(engine: .blas, hidden: [LayerSpec(units: 36, activation: .sigmoid, batchNorm: true),
                                                 LayerSpec(units: 33, activation: .gelu, dropout: 0.2)],
                         // Not Adam: the bias before batch norm has no gradient but rounding noise,
                         // which Adam's step scales up to a full step of the rate (a random walk
                         // whatever the threads; momentum keeps it as small as the noise).
                         optimizer: .momentum(), kernels: [.blas, .blas, .blas])
    }

    func testFusedAndBLASLayersMixedOnTwoThreads() throws {
        // auto: 6 × 32 = 192 weights fused, 32 × 64 on BLAS, 64 × 5 = 320 on BLAS.
        try assertShared(engine: .auto, hidden: [LayerSpec(units: 32, activation: .tanh), LayerSpec(units: 64, activation: .elu())],
                         optimizer: .adamw(), kernels: [.fused, .blas, .blas])
    }

    /// The fused loops sum each value in the same order however a layer's units are split, so a
    /// network of fused layers trains to one thread's very bits on two: every loss and weight
    /// (the gradient norms, summed in halves, to 5e-5).
    func testFusedLayersOnTwoThreadsTrainOneThreadsBits() throws {
        let hidden = [LayerSpec(units: 48, activation: .relu), LayerSpec(units: 40, activation: .tanh, batchNorm: true),
                      LayerSpec(units: 36, activation: .sigmoid, dropout: 0.1)]
        let (one, two) = try assertShared(engine: .fused, hidden: hidden, optimizer: .momentum(), kernels: [.fused, .fused, .fused, .fused])
        XCTAssertEqual(one.reports.flatMap { [$0.trainLoss, $0.testLoss] }.map(\.bitPattern),
                       two.reports.flatMap { [$0.trainLoss, $0.testLoss] }.map(\.bitPattern), "losses")
        XCTAssertEqual(one.weights.map { $0.map(\.bitPattern) }, two.weights.map { $0.map(\.bitPattern) }, "weights")
    }

    /// A team only where a layer has units for every worker (16 each): narrower networks train
    /// on one thread, on either engine.
    func testANetworkTooNarrowToShareMakesNoTeam() throws {
        try requireTwoProcessors()
        for engine in [EngineKind.fused, .blas] {
            let narrow = try train(threads: 2, engine: engine, hidden: [LayerSpec(units: 31, activation: .relu)], optimizer: .sgd, epochs: 1)
            XCTAssertEqual(narrow.workers, 1, "\(engine)")
        }
        let wide = try train(threads: 2, engine: .fused, hidden: [LayerSpec(units: 32, activation: .relu)], optimizer: .sgd, epochs: 1)
        XCTAssertEqual(wide.workers, 2)
    }

    func testPredictionsAndHiddenOutputsOnTwoThreadsAreOneThreads() throws {
        try requireTwoProcessors()
        let hidden = [LayerSpec(units: 40, activation: .relu), LayerSpec(units: 48, activation: .sigmoid)]
        func network(_ threads: Int) -> any TrainingEngine {
            var rng = SeededGenerator(seed: 4)
            return EngineKind.blas.make(inputs: 6, hidden: hidden, outputs: 5, head: .softmaxCrossEntropy, initializer: .he,
                                        batchSize: 8, blasThreads: threads, rng: &rng)
        }
        let (one, two) = (network(1), network(2))
        XCTAssertEqual(two.workers?.size, 2)
        // 600 rows: three evaluation chunks, the last one short.
        let x = Matrix(rows: 600, cols: 6, values: randomData(samples: 600, features: 6, outputs: 5, head: .softmaxCrossEntropy, seed: 2).features)
        let (p, q) = (one.predict(x), two.predict(x))
        for (a, b) in zip(p.storage, q.storage) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        for (h, k) in zip(one.hiddenOutputs(x), two.hiddenOutputs(x)) {
            XCTAssertEqual(h.rows, 600)
            for (a, b) in zip(h.storage, k.storage) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(a))) }
        }
    }
}

