import Datasets
import Foundation
import Neural
import XCTest

/// Each schedule's rates per epoch as the trainer uses and reports them, against values worked
/// by hand from PyTorch's formulas (StepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau),
/// and the rate really driving the updates.
final class LearningRateScheduleTests: XCTestCase {
    private func rates(_ schedule: LearningRateSchedule?, warmup: Int? = nil, epochs: Int = 10, validation: Bool = false, lr: Float = 0.1)
        throws -> [EpochReport] {
        var config = training(hidden: [LayerSpec(units: 4, activation: .tanh)], learningRate: lr, epochs: epochs)
        config.schedule = schedule
        config.warmupEpochs = warmup
        let data = randomData(samples: 40, features: 2, outputs: 1, head: .binaryCrossEntropy, seed: 5)
        let split = try DatasetSplit.split(data, trainFraction: 0.75, validationFraction: validation ? 0.3 : 0, seed: 1)
        var reports: [EpochReport] = []
        _ = try Trainer(config: config, data: split).train { reports.append($0); return .proceed }
        return reports
    }

    private func assertRates(_ reports: [EpochReport], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(reports.count, expected.count, file: file, line: line)
        for (r, e) in zip(reports, expected) {
            XCTAssertEqual(r.learningRate, e, accuracy: 1e-7, "epoch \(r.epoch)", file: file, line: line)
        }
    }

    func testStepExponentialAndCosineFollowPyTorchsFormulas() throws {
        assertRates(try rates(nil), Array(repeating: 0.1, count: 10))
        assertRates(try rates(.step(every: 3, gamma: 0.5)), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125])
        assertRates(try rates(.exponential(gamma: 0.9)), (0..<10).map { 0.1 * pow(0.9, Double($0)) })
        // η_t = floor + (lr − floor)(1 + cos(π t / T)) / 2, T = 10: t = 5 is half way.
        let cosine = try rates(.cosine(floor: 0.01))
        assertRates(cosine, (0..<10).map { 0.01 + 0.09 * (1 + cos(Double.pi * Double($0) / 10)) / 2 })
        XCTAssertEqual(cosine[5].learningRate, 0.055, accuracy: 1e-7)
    }

    func testWarmupRisesLinearlyThenTheScheduleStarts() throws {
        assertRates(try rates(nil, warmup: 4, epochs: 6), [0.02, 0.04, 0.06, 0.08, 0.1, 0.1])
        // The schedule's own clock starts after the warm-up: step(2, 0.5) from epoch 4.
        assertRates(try rates(.step(every: 2, gamma: 0.5), warmup: 3, epochs: 8), [0.025, 0.05, 0.075, 0.1, 0.1, 0.05, 0.05, 0.025])
    }

    /// Reduce-on-plateau replayed on the losses the trainer reported: the validation loss when
    /// there is a split (else the training loss), PyTorch's rule (relative threshold 1e-4,
    /// reduce once more than `patience` epochs have not improved, then count again).
    func testPlateauReducesWhenTheWatchedLossStalls() throws {
        for validation in [false, true] {
            // A rate high enough that the loss jumps about: it stalls, and the rate comes down.
            let reports = try rates(.plateau(factor: 0.5, patience: 2), epochs: 60, validation: validation, lr: 2)
            var best = Double.infinity, bad = 0, rate = 2.0
            var expected: [Double] = []
            for r in reports {
                expected.append(rate)
                let loss = validation ? r.validationLoss! : r.trainLoss
                if loss < best * (1 - 1e-4) { best = loss; bad = 0 } else { bad += 1; if bad > 2 { rate *= 0.5; bad = 0 } }
            }
            assertRates(reports, expected)
            XCTAssertLessThan(expected.last!, 2, "the loss stalled at some point, so the rate came down (validation \(validation))")
        }
    }

    /// The reported rate is the one the optimiser used: SGD's first step with a warm-up rate of
    /// lr/2 moves the weights exactly half as far as a constant lr.
    func testTheScheduledRateDrivesTheUpdates() throws {
        func firstEpochMove(_ warmup: Int?) throws -> Double {
            var config = training(hidden: [], learningRate: 0.1, batchSize: 40, epochs: 1)
            config.warmupEpochs = warmup
            let data = randomData(samples: 40, features: 2, outputs: 1, head: .meanSquaredError, seed: 9)
            let trainer = try Trainer(config: config, data: try DatasetSplit.split(data, trainFraction: 0.5, seed: 1))
            var move = 0.0
            _ = trainer.train { move = $0.layers[0].updateNorm; return .proceed }
            return move
        }
        XCTAssertEqual(try firstEpochMove(1), try firstEpochMove(nil) / 2, accuracy: 1e-6)
    }

    func testSchedulesReadAndWriteTheirTextForm() {
        for text in ["constant", "step", "step(5)", "step(5, 0.5)", "exponential(0.9)", "cosine", "cosine(0.001)", "plateau", "plateau(0.5, 3)"] {
            let s = LearningRateSchedule(parsing: text)
            XCTAssertNotNil(s, text)
            XCTAssertEqual(s?.description, text)
        }
        XCTAssertEqual(LearningRateSchedule(parsing: "step(10, 0.1)")?.description, "step")
        for bad in ["step(0)", "step(2.5)", "exponential(1.5)", "cosine(-1)", "plateau(1)", "linear", "step(1, 2, 3)"] {
            XCTAssertNil(LearningRateSchedule(parsing: bad), bad)
        }
    }
}
