import Datasets
import Foundation
import Neural
import XCTest

/// The fused loops and BLAS compute the same network: over 100 epochs of the same run their
/// curves and final weights agree to about 1e-5, though their sums run in different orders.
final class EngineAgreementTests: XCTestCase {
    private func run(_ engine: EngineKind, hidden: [LayerSpec], optimizer: Optimizer, data: DatasetSplit,
                     batchSize: Int, epochs: Int = 100) throws -> (losses: [Double], weights: [[Float]], kernels: [LayerKernel]) {
        let config = training(hidden: hidden, initializer: .xavier, optimizer: optimizer, learningRate: optimizer == .sgd ? 0.03 : 0.003,
                              batchSize: batchSize, epochs: epochs, seed: 5)
        let trainer = try Trainer(config: config, data: data, engine: engine)
        var losses: [Double] = []
        _ = trainer.train { losses += [$0.trainLoss, $0.testLoss]; return .proceed }
        return (losses, trainer.engine.parameters.map(\.value), trainer.engine.layers.map(\.kernel))
    }

    private func assertAgree(hidden: [LayerSpec], optimizer: Optimizer, data: DatasetSplit, batchSize: Int,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let fused = try run(.fused, hidden: hidden, optimizer: optimizer, data: data, batchSize: batchSize)
        let blas = try run(.blas, hidden: hidden, optimizer: optimizer, data: data, batchSize: batchSize)
        XCTAssertEqual(Set(fused.kernels), [.fused], file: file, line: line)
        XCTAssertEqual(Set(blas.kernels), [.blas], file: file, line: line)
        XCTAssertEqual(fused.losses.count, 200, file: file, line: line)
        var worst = 0.0
        for (a, b) in zip(fused.losses, blas.losses) { worst = max(worst, abs(a - b) / max(abs(b), 1e-3)) }
        XCTAssertLessThan(worst, 1e-5, "largest relative difference of a loss", file: file, line: line)
        for (a, b) in zip(fused.weights, blas.weights) {
            let scale = b.map { Double(abs($0)) }.max() ?? 1
            for (x, y) in zip(a, b) { XCTAssertEqual(Double(x), Double(y), accuracy: 1e-5 * max(scale, 1), file: file, line: line) }
        }
        // Not the same bits: the two paths really are different code.
        XCTAssertNotEqual(fused.losses.map(\.bitPattern), blas.losses.map(\.bitPattern), file: file, line: line)
    }

    /// A fused layer too wide for one pass over its inputs (600 × 260 weights: blocks of 64
    /// inputs, the last of 24) sums each output as a narrow one does — the bias, then each
    /// input's product in order — on one thread and with each of two threads taking half its
    /// units: bit for bit what a plain loop in that order gives, with 4-row groups and the 2
    /// rows left over.
    func testAWideFusedLayerSumsEachOutputInOrder() throws {
        let (inputs, units, rows) = (600, 260, 70)
        var rng = SeededGenerator(seed: 7)
        let x = Matrix(rows: rows, cols: inputs, values: (0..<(rows * inputs)).map { _ in Float(rng.normal()) })
        for threads in [1, 2] {
            var seeds = SeededGenerator(seed: 3)
            let net = Network(inputs: inputs, hidden: [LayerSpec(units: units, activation: .identity)], outputs: 1, head: .meanSquaredError,
                              initializer: .xavier, batchSize: 8, blasThreads: threads, kind: .fused, rng: &seeds)
            XCTAssertEqual(net.layers.map(\.kernel), [.fused, .fused])
            XCTAssertEqual(net.workers?.size ?? 1, min(threads, ProcessInfo.processInfo.activeProcessorCount))
            var bias = [Float](repeating: 0, count: units)
            for j in 0..<units { bias[j] = Float(j % 7) * 0.25 - 0.5 }
            net.parameters[1].set(bias)
            let w = net.parameters[0].value
            let out = try XCTUnwrap(net.hiddenOutputs(x).first)
            var mismatches = 0
            for r in 0..<rows {
                for j in 0..<units {
                    var sum = bias[j]
                    for t in 0..<inputs { sum += x[r, t] * w[t * units + j] }
                    if sum.bitPattern != out[r, j].bitPattern { mismatches += 1 }
                }
            }
            XCTAssertEqual(mismatches, 0, "outputs not summed in order on \(threads) thread(s)")
        }
    }

    func testTheSpiralNetAgreesOverAHundredEpochs() throws {
        let data = try DatasetSplit.split(BuiltinDataset.spiral.generate(noise: 0, seed: 1), trainFraction: 0.5, seed: 1)
        try assertAgree(hidden: [LayerSpec(units: 8, activation: .tanh), LayerSpec(units: 8, activation: .tanh)],
                        optimizer: .sgd, data: data, batchSize: 10)
    }

    func testAWiderNetWithBatchNormAndDropoutAgrees() throws {
        let rows = 400, features = 13, classes = 5
        var rng = SeededGenerator(seed: 9)
        let x = (0..<(rows * features)).map { _ in Float(rng.normal()) }
        var y = [Float](repeating: 0, count: rows * classes)
        for r in 0..<rows { y[r * classes + Int(abs(x[r * features] * 3 + x[r * features + 1])) % classes] = 1 }
        let all = Dataset(features: x, targets: y, featureCount: features, task: .multiclass(classes: classes))
        let data = try DatasetSplit.split(all, trainFraction: 0.75, seed: 2)
        try assertAgree(hidden: [LayerSpec(units: 19, activation: .relu, batchNorm: true), LayerSpec(units: 6, activation: .sigmoid, dropout: 0.1)],
                        optimizer: .momentum(), data: data, batchSize: 16)
    }
}
