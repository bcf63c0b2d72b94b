import Datasets
import Neural
import XCTest

/// The task metrics against scikit-learn's documented examples (worked by hand as well).
final class TaskScoresTests: XCTestCase {
    private func scores(_ head: Head, predictions: [Float], targets: [Float], cols: Int) -> TaskScores? {
        var accumulator = TaskScores.Accumulator(head: head, outputs: cols)
        let rows = targets.count / cols
        // Two batches, as an evaluation pass gathers them.
        let half = rows / 2
        TaskScores.gather(head: head, predictions: Array(predictions[..<(half * cols)]), targets: targets[..<(half * cols)],
                          rows: half, cols: cols, into: &accumulator)
        TaskScores.gather(head: head, predictions: Array(predictions[(half * cols)...]), targets: targets[(half * cols)...],
                          rows: rows - half, cols: cols, into: &accumulator)
        return accumulator.scores
    }

    private func oneHot(_ classes: [Int], _ k: Int) -> [Float] {
        classes.flatMap { c in (0..<k).map { $0 == c ? Float(1) : 0 } }
    }

    /// `f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average='macro')` = 0.2667: class 0 has
    /// precision 2/3, recall 1, F1 0.8; classes 1 and 2 none right.
    func testMacroF1AndPerClassAsScikitLearn() throws {
        let truth = [0, 1, 2, 0, 1, 2], predicted = [0, 2, 1, 0, 0, 1]
        let probabilities = predicted.flatMap { c in (0..<3).map { $0 == c ? Float(0.8) : 0.1 } }
        guard case let .classes(m, auc)? = scores(.softmaxCrossEntropy, predictions: probabilities, targets: oneHot(truth, 3), cols: 3) else {
            return XCTFail("no confusion matrix")
        }
        XCTAssertNil(auc, "no AUC for three classes")
        XCTAssertEqual(m.counts, [2, 0, 0, 1, 0, 1, 0, 2, 0])
        XCTAssertEqual(try XCTUnwrap(m.precision(0)), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(m.recall(0), 1)
        XCTAssertEqual(try XCTUnwrap(m.f1(0)), 0.8, accuracy: 1e-12)
        XCTAssertEqual(m.precision(1), 0)
        XCTAssertEqual(m.f1(2), 0)
        XCTAssertEqual(try XCTUnwrap(m.macroF1), 0.8 / 3, accuracy: 1e-12)
        XCTAssertEqual(m.support(1), 2)
    }

    /// `roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])` = 0.75; ties count half.
    func testROCAreaAsScikitLearn() throws {
        XCTAssertEqual(try XCTUnwrap(ROC.area(scores: [0.1, 0.4, 0.35, 0.8], positive: [false, false, true, true])), 0.75, accuracy: 1e-12)
        XCTAssertEqual(ROC.area(scores: [0.5, 0.5, 0.5, 0.5], positive: [false, true, false, true]), 0.5)
        XCTAssertEqual(ROC.area(scores: [0.2, 0.2, 0.9], positive: [false, true, true]), 0.75)
        XCTAssertNil(ROC.area(scores: [0.2, 0.3], positive: [true, true]), "one class only")
        guard case let .classes(m, auc)? = scores(.binaryCrossEntropy, predictions: [0.1, 0.4, 0.35, 0.8], targets: [0, 0, 1, 1], cols: 1) else {
            return XCTFail("no scores")
        }
        XCTAssertEqual(try XCTUnwrap(auc), 0.75, accuracy: 1e-12)
        XCTAssertEqual(m.counts, [2, 0, 1, 1], "threshold 0.5: 0.35 is a false negative")
    }

    /// The area is the share of (positive, negative) pairs ordered right, ties counting half:
    /// against that count, pair by pair, on scores of every sign and size with many ties
    /// (−0 tying 0), from one sample of each class to a few thousand.
    func testROCAreaIsTheShareOfPairsOrderedRight() throws {
        var rng = SeededGenerator(seed: 7)
        let pool: [Float] = [-0.0, 0, 1e-30, -1e-30, 0.25, -0.25, 0.5, 1, -3, 1e30, -1e30, .infinity, -.infinity, 0.7]
        for (n, tied) in [(2, true), (3, false), (17, true), (250, false), (250, true), (1_000, false), (2_500, true)] {
            let scores = (0..<n).map { _ in tied ? pool[rng.below(pool.count)] : Float(rng.normal() * 4) }
            var positive = (0..<n).map { _ in rng.below(3) == 0 }
            positive[0] = true
            positive[n - 1] = false
            var right = 0.0
            for i in 0..<n where positive[i] {
                for j in 0..<n where !positive[j] {
                    right += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
                }
            }
            let pairs = Double(positive.filter { $0 }.count) * Double(positive.filter { !$0 }.count)
            XCTAssertEqual(try XCTUnwrap(ROC.area(scores: scores, positive: positive)), right / pairs, accuracy: 1e-12, "\(n) scores")
        }
    }

    /// `r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])` = 0.948608; MAE 0.5, MSE 0.375.
    func testRegressionErrorsAsScikitLearnAndInTheTargetsUnits() throws {
        let truth: [Float] = [3, -0.5, 2, 7], predicted: [Float] = [2.5, 0, 2, 8]
        guard case let .values(e)? = scores(.meanSquaredError, predictions: predicted, targets: truth, cols: 1) else { return XCTFail("no errors") }
        XCTAssertEqual(try XCTUnwrap(e.r2), 0.948608137, accuracy: 1e-8)
        XCTAssertEqual(try XCTUnwrap(e.mae), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(e.rmse), 0.375.squareRoot(), accuracy: 1e-12)
        // The same data standardised (mean 10, deviation 4 here) and scaled back gives the same errors.
        let scale = TargetScale(mean: 10, deviation: 4)
        guard case let .values(s)? = scores(.meanSquaredError, predictions: predicted.map { ($0 - 10) / 4 }, targets: truth.map { ($0 - 10) / 4 },
                                            cols: 1) else { return XCTFail("no errors") }
        let back = s.scaled(by: Double(scale.deviation), shift: Double(scale.mean))
        XCTAssertEqual(try XCTUnwrap(back.rmse), try XCTUnwrap(e.rmse), accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(back.mae), try XCTUnwrap(e.mae), accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(back.r2), try XCTUnwrap(e.r2), accuracy: 1e-6)
        XCTAssertEqual(back.targetSum, 11.5, accuracy: 1e-5)
        XCTAssertEqual(scale.loss(try XCTUnwrap(s.rmse).squared), 0.375, accuracy: 1e-6)
        XCTAssertEqual(scale.value(-0.5), 8)
    }
}

private extension Double {
    var squared: Double { self * self }
}
