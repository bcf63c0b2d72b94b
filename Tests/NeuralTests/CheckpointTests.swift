import Datasets
import Neural
import XCTest

/// A trainer restored from a checkpoint continues bit for bit as the trainer that never stopped:
/// weights, the optimiser's moments, the update count, the minibatch order, dropout and the
/// schedule's state all come back.
final class CheckpointTests: XCTestCase {
    private func split() throws -> DatasetSplit {
        let data = randomData(samples: 120, features: 3, outputs: 1, head: .binaryCrossEntropy, seed: 4)
        return try DatasetSplit.split(data, trainFraction: 0.6, validationFraction: 0.25, seed: 4)
    }

    private func config(_ optimizer: Optimizer) -> TrainingConfig {
        var c = TrainingConfig(hidden: [LayerSpec(units: 6, activation: .relu, batchNorm: true, dropout: 0.2), LayerSpec(units: 5, activation: .tanh)],
                               initializer: .he, optimizer: optimizer, learningRate: 0.05, batchSize: 7, epochs: 12, l1: 0, l2: 0.001,
                               clipNorm: 5, seed: 9, evaluateTrainingSet: false, playgroundLoss: nil,
                               schedule: .plateau(factor: 0.5, patience: 1), warmupEpochs: 2)
        c.epochs = 12
        return c
    }

    func testAResumedTrainerContinuesBitForBit() throws {
        for optimizer: Optimizer in [.adam(), .momentum(beta: 0.9), .sgd] {
            let data = try split()
            let straight = try Trainer(config: config(optimizer), data: data)
            var expected: [EpochReport] = []
            _ = straight.train { expected.append($0); return .proceed }

            let first = try Trainer(config: config(optimizer), data: data)
            var checkpoint: TrainerCheckpoint?
            _ = first.train { report in
                checkpoint = first.checkpoint(after: report.epoch)
                return report.epoch == 5 ? .stop : .proceed
            }
            // Through the store's bytes, as a resumed run reads it.
            let stored = try TrainerCheckpoint(decoding: XCTUnwrap(checkpoint).encoded())
            XCTAssertEqual(stored, checkpoint)
            let resumed = try Trainer(config: config(optimizer), data: data)
            try resumed.restore(stored)
            var got: [EpochReport] = []
            _ = resumed.train { got.append($0); return .proceed }
            XCTAssertEqual(got.map(\.epoch), Array(6...12), "\(optimizer)")
            for (a, b) in zip(got, expected.dropFirst(5)) {
                XCTAssertEqual(a.trainLoss, b.trainLoss, "\(optimizer) epoch \(a.epoch)")
                XCTAssertEqual(a.testLoss, b.testLoss, "\(optimizer) epoch \(a.epoch)")
                XCTAssertEqual(a.validationLoss, b.validationLoss)
                XCTAssertEqual(a.learningRate, b.learningRate, "the schedule's state")
            }
            XCTAssertEqual(resumed.engine.snapshot(), straight.engine.snapshot(), "\(optimizer): the same weights at the end")
        }
    }

    /// A checkpoint kept after every epoch in the last one's arrays is the checkpoint taken afresh,
    /// and the optimiser's moments and the minibatch order are copied into the storage they had
    /// (not allocated anew, and the order not shared with the trainer, whose next shuffle would
    /// then copy it).
    func testACheckpointKeptInPlaceIsTheFreshOneInTheSameStorage() throws {
        for optimizer: Optimizer in [.adam(), .momentum(beta: 0.9), .sgd] {
            let trainer = try Trainer(config: config(optimizer), data: split())
            var kept: TrainerCheckpoint?
            var storage: [UnsafeRawPointer?] = []
            _ = trainer.train { report in
                trainer.keepCheckpoint(after: report.epoch, tensors: report.layers.flatMap(\.tensors), in: &kept)
                XCTAssertEqual(kept, trainer.checkpoint(after: report.epoch), "\(optimizer) epoch \(report.epoch)")
                let addresses = kept!.moments.flatMap { [$0.first, $0.second] }.map { $0.withUnsafeBytes(\.baseAddress) }
                    + [kept!.rows.withUnsafeBytes(\.baseAddress)]
                if storage.isEmpty { storage = addresses } else { XCTAssertEqual(addresses, storage, "\(optimizer) epoch \(report.epoch)") }
                return .proceed
            }
            XCTAssertEqual(kept?.epoch, 12)
        }
    }

    /// A schedule that has seen no loss yet holds an infinite best; the bytes keep it.
    func testACheckpointWithoutALossSoFarEncodes() throws {
        let data = try split()
        var c = config(.adam())
        c.schedule = .plateau(factor: 0.5, patience: 1)
        c.warmupEpochs = 4
        let trainer = try Trainer(config: c, data: data)
        _ = trainer.train { $0.epoch == 1 ? .stop : .proceed }
        let checkpoint = trainer.checkpoint(after: 1)
        XCTAssertEqual(checkpoint.schedule.first, .infinity)
        XCTAssertEqual(try TrainerCheckpoint(decoding: checkpoint.encoded()), checkpoint)
    }

    func testACheckpointOfAnotherNetworkIsRefused() throws {
        let data = try split()
        let trainer = try Trainer(config: config(.adam()), data: data)
        _ = trainer.train { $0.epoch == 2 ? .stop : .proceed }
        var other = config(.adam())
        other.hidden = [LayerSpec(units: 4, activation: .relu)]
        XCTAssertThrowsError(try Trainer(config: other, data: data).restore(trainer.checkpoint(after: 2)))
    }
}
