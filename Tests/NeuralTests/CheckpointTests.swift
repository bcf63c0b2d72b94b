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

    /// The store's bytes are the floats themselves, four a float, and the minibatch order's
    /// rows, eight a row, after a short header (`GBCK` and its length first): a wide Adam net's
    /// checkpoint (5.6 M floats) is encoded on the training thread every 10 s of a recorded run;
    /// as base64 inside JSON it took a second and a third more room, and rows as JSON numbers
    /// 4,600 instructions each.
    func testACheckpointIsItsFloatsAndRowsAfterAShortHeader() throws {
        var c = config(.adam())
        c.hidden = [LayerSpec(units: 200, activation: .relu), LayerSpec(units: 100, activation: .tanh)]
        let data = randomData(samples: 3_000, features: 3, outputs: 1, head: .binaryCrossEntropy, seed: 4)
        let trainer = try Trainer(config: c, data: DatasetSplit.split(data, trainFraction: 0.6, validationFraction: 0.25, seed: 4))
        _ = trainer.train { $0.epoch == 1 ? .stop : .proceed }
        let checkpoint = trainer.checkpoint(after: 1)
        let floats = checkpoint.tensors.reduce(0) { $0 + $1.values.count } + checkpoint.moments.reduce(0) { $0 + $1.first.count + $1.second.count }
        XCTAssertGreaterThan(floats, 60_000)
        XCTAssertGreaterThan(checkpoint.rows.count, 1_000)
        let bytes = try checkpoint.encoded()
        XCTAssertEqual(Array(bytes.prefix(4)), Array("GBCK".utf8))
        let header = bytes.dropFirst(4).prefix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertLessThan(header, 1_024, "a header of \(header) bytes")
        XCTAssertEqual(bytes.count, 8 + header + 4 * floats + 8 * checkpoint.rows.count)
        XCTAssertEqual(try TrainerCheckpoint(decoding: bytes), checkpoint)
    }

    /// Every float comes back with its very bits, the non-finite and negative zero included.
    func testEveryFloatsBitsComeBack() throws {
        let trainer = try Trainer(config: config(.adam()), data: split())
        _ = trainer.train { $0.epoch == 2 ? .stop : .proceed }
        var checkpoint = trainer.checkpoint(after: 2)
        let odd: [Float] = [.nan, -.infinity, .infinity, -0.0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, Float(bitPattern: 0x7FC0_1234)]
        checkpoint.tensors[0].values.replaceSubrange(0..<odd.count, with: odd)
        checkpoint.moments[0].second.replaceSubrange(0..<odd.count, with: odd.reversed())
        let decoded = try TrainerCheckpoint(decoding: checkpoint.encoded())
        XCTAssertEqual(decoded.tensors.map { $0.values.map(\.bitPattern) }, checkpoint.tensors.map { $0.values.map(\.bitPattern) })
        XCTAssertEqual(decoded.moments.map { ($0.first + $0.second).map(\.bitPattern) }, checkpoint.moments.map { ($0.first + $0.second).map(\.bitPattern) })
        XCTAssertEqual(decoded.tensors.map(\.shape), checkpoint.tensors.map(\.shape))
        XCTAssertEqual(decoded.tensors.map(\.name), checkpoint.tensors.map(\.name))
        XCTAssertEqual(decoded.tensors.map(\.layer), checkpoint.tensors.map(\.layer))
        XCTAssertEqual([decoded.epoch, decoded.step], [checkpoint.epoch, checkpoint.step])
        XCTAssertEqual(decoded.order, checkpoint.order)
        XCTAssertEqual(decoded.rows, checkpoint.rows)
        XCTAssertEqual(decoded.dropout, checkpoint.dropout)
        XCTAssertEqual(decoded.schedule, checkpoint.schedule)
    }

    /// A checkpoint stored by an earlier version (JSON, the floats as base64 of their
    /// little-endian words; written by hand here) still resumes.
    func testACheckpointStoredAsJSONByEarlierVersionsStillDecodes() throws {
        let stored = Data(#"""
            {"epoch":3,"step":12,"tensors":[{"layer":0,"name":"weight","shape":[1,3],"values":"AADAPwAAgL4AAEBA"},\#
            {"layer":0,"name":"bias","shape":[1],"values":"AAAAgA=="}],"moments":[["AAAAPg==","AAAAQA=="],[]],\#
            "order":[1,2,3,4],"rows":[2,0,1],"dropout":[5,6,7,8],"schedule":["inf",0.5]}
            """#.utf8)
        let c = try TrainerCheckpoint(decoding: stored)
        XCTAssertEqual([c.epoch, c.step], [3, 12])
        XCTAssertEqual(c.tensors.map(\.name), ["weight", "bias"])
        XCTAssertEqual(c.tensors.map(\.shape), [[1, 3], [1]])
        XCTAssertEqual(c.tensors[0].values, [1.5, -0.25, 3])
        XCTAssertEqual(c.tensors[1].values.map(\.bitPattern), [(-0.0 as Float).bitPattern])
        XCTAssertEqual(c.moments.map(\.first), [[0.125], []])
        XCTAssertEqual(c.moments.map(\.second), [[2], []])
        XCTAssertEqual(c.order, [1, 2, 3, 4])
        XCTAssertEqual(c.rows, [2, 0, 1])
        XCTAssertEqual(c.dropout, [5, 6, 7, 8])
        XCTAssertEqual(c.schedule, [.infinity, 0.5])
        // And written again, it is the same checkpoint in today's bytes.
        XCTAssertEqual(try TrainerCheckpoint(decoding: c.encoded()), c)
    }

    /// Damaged bytes are refused with the usual error, never read past their end: cut short,
    /// lengthened, a header length past the end, counts that do not add up or overflow.
    func testDamagedBytesAreRefused() throws {
        let trainer = try Trainer(config: config(.adam()), data: split())
        _ = trainer.train { $0.epoch == 2 ? .stop : .proceed }
        let bytes = try trainer.checkpoint(after: 2).encoded()
        var damaged: [Data] = [bytes.dropLast(4), bytes + Data([0, 0, 0, 0]), bytes.prefix(3), bytes.prefix(8), Data(), Data("{".utf8)]
        var longHeader = bytes
        longHeader.replaceSubrange((longHeader.startIndex + 4)..<(longHeader.startIndex + 8), with: [0xFF, 0xFF, 0xFF, 0x7F])
        damaged.append(longHeader)
        // A header whose counts are negative or overflow when added up (16 bytes follow it).
        for (count, rows) in [("-4", "0"), ("4611686018427387904", "0"), ("9223372036854775807", "0"), ("4", "-1"), ("0", "-2"),
                              ("0", "4611686018427387904"), ("2", "1152921504606846976"), ("3", "0"), ("0", "1")] {
            let header = Data(#"{"epoch":1,"step":1,"tensors":[{"layer":0,"name":"w","shape":[1],"count":\#(count)}],"moments":[],"order":[],"rows":\#(rows),"dropout":[],"schedule":[]}"#.utf8)
            var data = bytes.prefix(4)
            withUnsafeBytes(of: UInt32(header.count).littleEndian) { data.append(contentsOf: $0) }
            damaged.append(data + header + Data(repeating: 0, count: 16))
        }
        for (i, data) in damaged.enumerated() {
            XCTAssertThrowsError(try TrainerCheckpoint(decoding: data), "damage \(i)") { error in
                XCTAssertTrue("\(error)".contains("the stored checkpoint cannot be read"), "damage \(i): \(error)")
            }
        }
    }

    /// A checkpoint whose numbers cannot be a trainer's state (damaged in the store) is refused
    /// by `restore`, before any training reads it: rows outside the training set, a schedule's
    /// counts that are not whole numbers.
    func testACheckpointWithImpossibleStateIsRefused() throws {
        let data = try split()
        let trainer = try Trainer(config: config(.adam()), data: data)
        _ = trainer.train { $0.epoch == 2 ? .stop : .proceed }
        let good = trainer.checkpoint(after: 2)
        XCTAssertNoThrow(try Trainer(config: config(.adam()), data: data).restore(good))
        var damaged: [TrainerCheckpoint] = []
        for row in [-1, data.train.count, Int.max] {
            var c = good
            c.rows[3] = row
            damaged.append(c)
        }
        for state: [Double] in [[0.5, .nan, 0], [0.5, 1, .infinity], [0.5, 1e300, 0], [0.5, 1.5, 0], [0.5, -1, 0], [.nan, 0, 0], [0.5, 0]] {
            var c = good
            c.schedule = state
            damaged.append(c)
        }
        // Counts past what the epochs so far allow: a step count at `Int.max` traps at the next
        // update; a schedule's counts grow by at most one an epoch, the steps by about one a row.
        for state: [Double] in [[0.5, 3, 0], [0.5, 0, 3], [0.5, 1e15, 0]] {
            var c = good
            c.schedule = state
            damaged.append(c)
        }
        for step in [-1, Int.max, 3 * data.train.count] {
            var c = good
            c.step = step
            damaged.append(c)
        }
        for (i, c) in damaged.enumerated() {
            XCTAssertThrowsError(try Trainer(config: config(.adam()), data: data).restore(c), "damage \(i)")
        }
    }
}
