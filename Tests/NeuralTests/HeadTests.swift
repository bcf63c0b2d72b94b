import Foundation
import Datasets
import Neural
import XCTest

final class HeadTests: XCTestCase {
    func testSoftmaxGoldenValues() {
        let p = Head.softmaxCrossEntropy.predict(Matrix(rows: 1, cols: 3, values: [0.3, 2.9, 4.0]))
        // numpy: exp(a − max) / Σ exp(a − max)
        for (got, want) in zip(p.values, [0.018_211_27, 0.245_191_81, 0.736_596_91] as [Float]) {
            XCTAssertEqual(got, want, accuracy: 1e-6)
        }
    }

    func testSoftmaxOfHugeLogitsDoesNotOverflow() {
        let logits = Matrix(rows: 1, cols: 3, values: [1010, 1000, 990])
        let p = Head.softmaxCrossEntropy.predict(logits)
        XCTAssertEqual(p[0, 0], 0.999_954_6, accuracy: 1e-6)
        XCTAssertEqual(p[0, 1], 4.539_786_9e-5, accuracy: 1e-9)
        XCTAssertEqual(p[0, 2], 2.061_060_1e-9, accuracy: 1e-13)
        // −log p for each class as the target: 4.54e-5, 10.0000454, 20.0000454.
        XCTAssertEqual(Head.softmaxCrossEntropy.loss(logits, targets: [1, 0, 0]), 4.540_096e-5, accuracy: 1e-8)
        XCTAssertEqual(Head.softmaxCrossEntropy.loss(logits, targets: [0, 0, 1]), 20.000_045, accuracy: 1e-4)
    }

    /// Softmax and its cross-entropy over rows of 1 to 11 classes (the exponentials run four
    /// classes at a time, the last lane padded): each probability within a few units in the last
    /// place of the exact value computed in `Double` (beyond the rounding of `z − max` to
    /// `Float`; below `Float`'s normal range a probability may be 0, as the lanes' `exp` flushes
    /// it), and each row's loss, alone and in the
    /// batch's mean, within 1e-6 of the exact one (largest logit subtracted, as PyTorch does).
    func testSoftmaxOfAnyWidthMatchesTheExactValues() {
        var rng = SeededGenerator(seed: 11)
        for cols in 1...11 {
            var rows: [[Float]] = (0..<6).map { _ in (0..<cols).map { _ in Float(rng.uniform(-30, 30)) } }
            rows.append((0..<cols).map { Float(1010 - 10 * $0) })
            rows.append([Float](repeating: 0.25, count: cols))
            let targets = rows.indices.map { $0 % cols }
            var oneHot = [Float](repeating: 0, count: rows.count * cols)
            for (r, t) in targets.enumerated() { oneHot[r * cols + t] = 1 }
            let logits = Matrix(rows: rows.count, cols: cols, values: rows.flatMap { $0 })
            let p = Head.softmaxCrossEntropy.predict(logits)
            var exactLoss = 0.0
            for (r, row) in rows.enumerated() {
                let z = row.map(Double.init), m = z.max()!
                let sum = z.reduce(0) { $0 + exp($1 - m) }
                for j in 0..<cols {
                    let want = exp(z[j] - m) / sum
                    // z − max is rounded to Float before the exponential, as in any Float softmax.
                    let rounding = abs(z[j] - m) * 0x1p-24
                    XCTAssertEqual(Double(p[r, j]), want, accuracy: max(want * (4e-7 + rounding), Double(Float.leastNormalMagnitude)), "\(cols) classes, row \(r), class \(j)")
                }
                let loss = -(z[targets[r]] - m - log(sum))
                exactLoss += loss
                let alone = Head.softmaxCrossEntropy.loss(Matrix(rows: 1, cols: cols, values: row), targets: Array(oneHot[(r * cols)..<((r + 1) * cols)]))
                XCTAssertEqual(alone, loss, accuracy: 1e-6 * max(1, loss), "\(cols) classes, row \(r): the loss alone")
            }
            XCTAssertEqual(Head.softmaxCrossEntropy.loss(logits, targets: oneHot), exactLoss / Double(rows.count),
                           accuracy: 1e-6 * max(1, exactLoss), "\(cols) classes: the batch's mean loss")
        }
    }

    func testBinaryCrossEntropyIsStableForLargeLogits() {
        let logits = Matrix(rows: 2, cols: 1, values: [200, -200])
        XCTAssertEqual(Head.binaryCrossEntropy.loss(logits, targets: [1, 0]), 0, accuracy: 1e-12)
        XCTAssertEqual(Head.binaryCrossEntropy.loss(logits, targets: [0, 1]), 200, accuracy: 1e-3)
        // log 2 at a zero logit.
        XCTAssertEqual(Head.binaryCrossEntropy.loss(Matrix(rows: 1, cols: 1, values: [0]), targets: [1]), log(2), accuracy: 1e-6)
    }

    /// The binary cross-entropy of each logit (its exp, log1p and logistic run four lanes at a
    /// time) within a few units in the last place of the exact value, computed in `Double`, from
    /// logits of 1e-30 to ±100 and both targets (values below `Float`'s normal range may be
    /// flushed to 0, as the lanes' `exp` does); a batch of any length gives each sample the
    /// value it has alone, and NaN goes through (so divergence is seen).
    func testBinaryCrossEntropyMatchesTheExactLossOverTheWholeRange() {
        var logits: [Float] = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8]
        var x: Float = 1e-7
        while x < 100 { logits += [x, -x]; x *= 1.003 }
        for target: Float in [0, 1] {
            for z in logits {
                let zd = Double(z), yd = Double(target)
                let exact = max(zd, 0) - zd * yd + Foundation.log1p(Foundation.exp(-abs(zd)))
                let loss = Head.binaryCrossEntropy.loss(Matrix(rows: 1, cols: 1, values: [z]), targets: [target])
                let normal = Double(Float.leastNormalMagnitude)
                XCTAssertLessThanOrEqual(abs(loss - exact), max(4 * Double(Float(exact).ulp), normal), "loss at z = \(z), y = \(target)")
                let p = Double(Head.binaryCrossEntropy.predict(Matrix(rows: 1, cols: 1, values: [z]))[0, 0])
                let sigmoid = 1 / (1 + Foundation.exp(-zd))
                XCTAssertLessThanOrEqual(abs(p - sigmoid), max(4 * Double(Float(sigmoid).ulp), normal), "σ(\(z))")
            }
        }
        let batch: [Float] = [-3, -0.5, 0, 0.3, 0.7, 2, 9]
        let targets: [Float] = [0, 1, 1, 0, 1, 0, 1]
        let alone = zip(batch, targets).map { Head.binaryCrossEntropy.loss(Matrix(rows: 1, cols: 1, values: [$0]), targets: [$1]) }
        let together = Head.binaryCrossEntropy.loss(Matrix(rows: 7, cols: 1, values: batch), targets: targets)
        XCTAssertEqual(together, alone.reduce(0, +) / 7, accuracy: 1e-15)
        XCTAssertEqual(Head.binaryCrossEntropy.predict(Matrix(rows: 7, cols: 1, values: batch)).values,
                       batch.map { Head.binaryCrossEntropy.predict(Matrix(rows: 1, cols: 1, values: [$0]))[0, 0] })
        XCTAssertTrue(Head.binaryCrossEntropy.loss(Matrix(rows: 2, cols: 1, values: [1, .nan]), targets: [1, 0]).isNaN)
    }

    /// The binary and multi-label heads count a label as right where σ ≥ ½ matches a target
    /// ≥ ½, in batches of every length (the four-lane loop and its tail); σ = ½ (a logit of
    /// exactly 0, from zero weights) counts as the positive class. Every engine.
    func testBinaryAndMultiLabelAccuracyIsTheShareOfRightLabels() {
        for (head, outputs) in [(Head.binaryCrossEntropy, 1), (.multiLabel, 3)] {
            for engine in EngineKind.allCases {
                for samples in 1...9 {
                    let data = randomData(samples: samples, features: 3, outputs: outputs, head: head, seed: UInt64(samples))
                    let hidden = [LayerSpec(units: 5, activation: .tanh)]
                    let network = makeNetwork(engine, inputs: 3, hidden: hidden, outputs: outputs, head: head)
                    let p = network.predict(Matrix(rows: samples, cols: 3, values: data.features)).values
                    let right = zip(p, data.targets).filter { ($0 >= 0.5) == ($1 >= 0.5) }.count
                    let labels = Double(samples * outputs)
                    XCTAssertEqual(network.evaluate(data, collectStatistics: false).accuracy ?? .nan, Double(right) / labels, accuracy: 1e-12,
                                   "\(head), \(engine), \(samples) samples")
                    let undecided = makeNetwork(engine, inputs: 3, hidden: hidden, outputs: outputs, head: head, initializer: .zeros)
                    let positive = data.targets.filter { $0 >= 0.5 }.count
                    XCTAssertEqual(undecided.evaluate(data, collectStatistics: false).accuracy ?? .nan, Double(positive) / labels, accuracy: 1e-12,
                                   "σ = ½ is positive: \(head), \(engine), \(samples) samples")
                }
            }
        }
    }

    func testMeanSquaredErrorIsTheMeanOverOutputs() {
        let out = Matrix(rows: 2, cols: 2, values: [1, 2, 3, 4])
        // ((1−0)² + (2−0)² + (3−1)² + (4−1)²) / 4 = (1 + 4 + 4 + 9) / 4
        XCTAssertEqual(Head.meanSquaredError.loss(out, targets: [0, 0, 1, 1]), 4.5, accuracy: 1e-9)
    }

    func testMultiLabelProbabilitiesAreIndependent() {
        let p = Head.multiLabel.predict(Matrix(rows: 1, cols: 3, values: [3, 2, -1]))
        let sum = p.values.reduce(0, +)
        XCTAssertGreaterThan(sum, 1.5, "one-vs-all sigmoids need not sum to 1")
        XCTAssertEqual(p[0, 0], 1 / (1 + exp(-3)), accuracy: 1e-6)
        XCTAssertEqual(p[0, 2], 1 / (1 + exp(1)), accuracy: 1e-6)
    }

    /// Worked by hand: tanh(0.5) = 0.462117157, tanh(−2) = −0.964027580; targets 1 and 0 read
    /// as +1 and −1; ½(0.462117 − 1)² = 0.144658976, ½(−0.964028 + 1)² = 0.000647005; mean 0.072652992.
    func testPlaygroundTanhLossIsHalfTheSquaredErrorOfATanhOutput() {
        let logits = Matrix(rows: 2, cols: 1, values: [0.5, -2])
        XCTAssertEqual(Head.playgroundTanh.loss(logits, targets: [1, 0]), 0.0726529918773137, accuracy: 1e-7)
        let p = Head.playgroundTanh.predict(Matrix(rows: 3, cols: 1, values: [0.5, -2, 0]))
        XCTAssertEqual(p[0, 0], (0.46211715726000974 + 1) / 2, accuracy: 1e-6)
        XCTAssertEqual(p[1, 0], (-0.9640275800758169 + 1) / 2, accuracy: 1e-6)
        XCTAssertEqual(p[2, 0], 0.5, "tanh(0) = 0 sits on the boundary")
        XCTAssertEqual(Head(playgroundFor: .binary), .playgroundTanh)
        XCTAssertEqual(Head(playgroundFor: .regression(outputs: 1)), .halfSquaredError)
        XCTAssertEqual(Head(playgroundFor: .multiclass(classes: 3)), .softmaxCrossEntropy, "the Playground has no multi-class head")
    }

    func testHalfSquaredErrorIsHalfOfMSEOnOneOutput() {
        let out = Matrix(rows: 2, cols: 1, values: [1, 3])
        // (½·1² + ½·3²) / 2 samples = 2.5; MSE: (1 + 9) / 2 = 5.
        XCTAssertEqual(Head.halfSquaredError.loss(out, targets: [0, 0]), 2.5, accuracy: 1e-9)
        XCTAssertEqual(Head.meanSquaredError.loss(out, targets: [0, 0]), 5, accuracy: 1e-9)
    }
}
