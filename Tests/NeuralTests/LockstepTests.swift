import Datasets
import Foundation
import Neural
import XCTest

/// Models trained together in a ``Lockstep`` group have, bit for bit, the curves, diagnostics
/// and weights they have when each trains alone on the fused engine; each stops alone.
final class LockstepTests: XCTestCase {
    /// What a run's epochs say, as exact bit patterns: losses, accuracies, gradient norms,
    /// weight norms, activation statistics (of training and of the training set's evaluation),
    /// weights.
    private struct Trace: Equatable {
        var numbers: [UInt64] = []
        var floats: [UInt32] = []
        var outcome: TrainingOutcome?

        mutating func add(_ r: EpochReport) {
            numbers += [r.trainLoss, r.testLoss, r.trainAccuracy ?? -1, r.testAccuracy ?? -1, r.validationLoss ?? -1, r.learningRate]
                .map(\.bitPattern)
            floats += r.gradientNorms.map(\.bitPattern)
            for layer in r.layers {
                numbers += [layer.weightNorm, layer.biasNorm, layer.updateNorm].map(\.bitPattern)
                for a in [layer.activations, layer.evaluationActivations].compactMap({ $0 }) {
                    numbers += [a.mean, a.std, a.saturatedFraction ?? -1, Double(a.deadUnits ?? -1), Double(a.samples)].map(\.bitPattern)
                }
                floats += (layer.weightGradientNorms + layer.biasGradientNorms + layer.tensors.flatMap(\.values)).map(\.bitPattern)
            }
        }
    }

    private func split(_ head: Head, outputs: Int, seed: UInt64) throws -> DatasetSplit {
        try DatasetSplit.split(randomData(samples: 130, features: 3, outputs: outputs, head: head, seed: seed), trainFraction: 0.7, seed: seed)
    }

    /// Each configuration alone on the fused engine (each trainer first given to `prepare`),
    /// stopping where `stops` says.
    private func alone(_ configs: [TrainingConfig], _ data: [DatasetSplit], stopAt stops: [Int?],
                       prepare: (Trainer) -> Void = { _ in }) throws -> [Trace] {
        try configs.indices.map { i in
            let trainer = try Trainer(config: configs[i], data: data[i], engine: .fused)
            prepare(trainer)
            var trace = Trace()
            trace.outcome = trainer.train { r in
                trace.add(r)
                return r.epoch == stops[i] ? .stop : .proceed
            }
            return trace
        }
    }

    private func together(_ configs: [TrainingConfig], _ data: [DatasetSplit], stopAt stops: [Int?],
                          prepare: (Trainer) -> Void = { _ in }) throws -> [Trace] {
        let trainers = try configs.indices.map { try Trainer(config: configs[$0], data: data[$0], engine: .fused) }
        trainers.forEach(prepare)
        let group = try Lockstep(trainers)
        var traces = [Trace](repeating: Trace(), count: configs.count)
        let outcomes = group.train { i, r in
            traces[i].add(r)
            return r.epoch == stops[i] ? .stop : .proceed
        }
        for i in traces.indices { traces[i].outcome = outcomes[i] }
        return traces
    }

    private func assertSame(_ configs: [TrainingConfig], _ data: [DatasetSplit], stopAt stops: [Int?]? = nil,
                            prepare: (Trainer) -> Void = { _ in }, file: StaticString = #filePath, line: UInt = #line) throws {
        let stops = stops ?? configs.map { _ in nil }
        let a = try alone(configs, data, stopAt: stops, prepare: prepare), b = try together(configs, data, stopAt: stops, prepare: prepare)
        for i in configs.indices {
            XCTAssertEqual(a[i].numbers.isEmpty, a[i].outcome?.epochs == 0, file: file, line: line)
            XCTAssertEqual(a[i].outcome, b[i].outcome, "model \(i)'s outcome", file: file, line: line)
            XCTAssertEqual(a[i].numbers.count, b[i].numbers.count, "model \(i)'s epochs", file: file, line: line)
            XCTAssertTrue(a[i] == b[i], "model \(i) (lr \(configs[i].learningRate), seed \(configs[i].seed)) differs from its run alone",
                          file: file, line: line)
        }
    }

    private let layers = [LayerSpec(units: 8, activation: .tanh), LayerSpec(units: 5, activation: .tanh)]

    func testLearningRatesAndSeedsTrainedTogetherEqualTheirRunsAloneBitForBit() throws {
        let rates: [Float] = [0.3, 0.1, 0.03, 0.01]
        let configs = (0..<8).map { (i: Int) -> TrainingConfig in
            training(hidden: layers, optimizer: .sgd, learningRate: rates[i % 4], batchSize: 10, epochs: 12,
                     seed: UInt64(1 + i / 4), evaluateTrainingSet: i % 2 == 0)
        }
        let data = try configs.map { try split(.binaryCrossEntropy, outputs: 1, seed: $0.seed) }
        try assertSame(configs, data)
    }

    func testEveryOptimiserAndHeadTrainsTogetherAsAlone() throws {
        let optimizers: [Optimizer] = [.momentum(), .nesterov(), .adam(), .adamw(), .rmsprop()]
        let heads: [(Head, Int)] = [(.softmaxCrossEntropy, 3), (.meanSquaredError, 2), (.binaryCrossEntropy, 1)]
        for optimizer in optimizers {
            for (head, outputs) in heads {
                let activations: [Activation] = [.relu, .sigmoid, .leakyRelu(alpha: 0.1), .elu(alpha: 1), .identity, .gelu]
                let hidden = [LayerSpec(units: 6, activation: activations[(optimizers.firstIndex(of: optimizer)! + outputs) % activations.count]),
                              LayerSpec(units: 4, activation: .tanh)]
                let rates: [Float] = [0.01, 0.003, 0.03]
                let configs = (0..<3).map { (i: Int) -> TrainingConfig in
                    training(hidden: hidden, optimizer: optimizer, learningRate: rates[i], batchSize: 7, epochs: 6, seed: UInt64(4 + i))
                }
                let data = try configs.map { try split(head, outputs: outputs, seed: $0.seed) }
                try assertSame(configs, data)
            }
        }
    }

    /// ReLU layers four units wide or a multiple of it are applied and summed in one pass when a
    /// model trains alone, and summed from the outputs in a group: the two must sum Σy² alike
    /// (20 units: a block of sixteen and a lane; 8: two lanes).
    func testReLULayersSummedInTheirOwnPassTrainTogetherAsAlone() throws {
        let hidden = [LayerSpec(units: 20, activation: .relu), LayerSpec(units: 8, activation: .relu)]
        let rates: [Float] = [0.05, 0.01, 0.002]
        let configs = (0..<3).map { (i: Int) -> TrainingConfig in
            training(hidden: hidden, initializer: .he, optimizer: .adam(), learningRate: rates[i], batchSize: 9, epochs: 5,
                     seed: UInt64(11 + i), evaluateTrainingSet: i != 1)
        }
        let data = try configs.map { try split(.softmaxCrossEntropy, outputs: 3, seed: $0.seed) }
        try assertSame(configs, data)
    }

    /// Outputs past the square root of `Float`'s range (a ReLU unit biased to 10²⁰, and the
    /// leaky ReLU layer it feeds): Σy² overflows `Float` and is measured again in `Double`, in a
    /// group from each model's outputs as alone, and the statistics stay finite. A learning rate
    /// of 10⁻³⁰ all but keeps the weights, so the epochs complete.
    func testStatisticsPastFloatsRangeAreMeasuredInDoubleTogetherAsAlone() throws {
        let hidden = [LayerSpec(units: 20, activation: .relu), LayerSpec(units: 6, activation: .leakyRelu(alpha: 0.1))]
        let configs = (0..<2).map { i in
            training(hidden: hidden, learningRate: 1e-30, batchSize: 9, epochs: 2, seed: UInt64(21 + i), evaluateTrainingSet: true)
        }
        let data = try configs.map { try split(.binaryCrossEntropy, outputs: 1, seed: $0.seed) }
        func huge(_ trainer: Trainer) {
            let bias = trainer.engine.bias(ofLayer: 0)
            var values = bias.value
            values[3] = 1e20
            bias.set(values)
        }
        try assertSame(configs, data, prepare: huge)
        let trainer = try Trainer(config: configs[0], data: data[0], engine: .fused)
        huge(trainer)
        var report: EpochReport?
        _ = trainer.train { report = $0; return .proceed }
        for layer in try XCTUnwrap(report).layers.dropLast() {
            for stats in [layer.activations, layer.evaluationActivations] {
                let s = try XCTUnwrap(stats)
                XCTAssertTrue(s.std.isFinite && s.std > 1e18, "layer \(layer.index + 1): std \(s.std)")
            }
        }
    }

    func testAModelThatDivergesOrStopsEndsAloneAndTheOthersGoOn() throws {
        var configs = (0..<4).map { i in training(hidden: layers, optimizer: .momentum(), learningRate: 0.05, batchSize: 10, epochs: 10, seed: UInt64(i + 1)) }
        configs[1].learningRate = 1e30
        configs[3].epochs = 4
        let data = try configs.map { try split(.meanSquaredError, outputs: 1, seed: $0.seed) }
        let stops: [Int?] = [nil, nil, 3, nil]
        try assertSame(configs, data, stopAt: stops)
        let traces = try together(configs, data, stopAt: stops)
        guard case .diverged = traces[1].outcome?.reason else { return XCTFail("lr 1e30 diverges: \(String(describing: traces[1].outcome))") }
        XCTAssertEqual(traces[0].outcome, TrainingOutcome(epochs: 10, reason: .completed))
        XCTAssertEqual(traces[2].outcome, TrainingOutcome(epochs: 3, reason: .stoppedByObserver))
        XCTAssertEqual(traces[3].outcome, TrainingOutcome(epochs: 4, reason: .completed))
    }

    func testAnInterruptionEndsEveryMemberAfterItsLastWholeEpoch() throws {
        let configs = (0..<2).map { training(hidden: layers, batchSize: 10, epochs: 50, seed: UInt64($0 + 1)) }
        let data = try configs.map { try split(.binaryCrossEntropy, outputs: 1, seed: $0.seed) }
        let group = try Lockstep(configs.indices.map { try Trainer(config: configs[$0], data: data[$0], engine: .fused) })
        var steps = 0, reported = 0
        let outcomes = group.train(interrupted: { steps += 1; return steps > 25 }) { _, _ in reported += 1; return .proceed }
        // 91 training rows: 10 steps an epoch, so the third epoch is cut short.
        XCTAssertEqual(outcomes, [TrainingOutcome(epochs: 2, reason: .interrupted), TrainingOutcome(epochs: 2, reason: .interrupted)])
        XCTAssertEqual(reported, 4)
    }

    /// When any member is told to finish the epoch in progress, an interrupt during the third
    /// round (the second check after the second) lets every member finish it, and the members
    /// stop before the fourth begins: each one's state is the state after its third epoch.
    func testAnInterruptFinishesTheRoundWhenAMemberIsToldTo() throws {
        let configs = (0..<2).map { training(hidden: layers, batchSize: 10, epochs: 50, seed: UInt64($0 + 1)) }
        let data = try configs.map { try split(.binaryCrossEntropy, outputs: 1, seed: $0.seed) }
        let group = try Lockstep(configs.indices.map { try Trainer(config: configs[$0], data: data[$0], engine: .fused) })
        group.trainers[0].finishesEpochOnInterrupt = true
        var rounds = 0, checks = 0
        var atReport: [TrainerCheckpoint?] = [nil, nil]
        let outcomes = group.train(interrupted: { if rounds >= 2 { checks += 1 }; return checks >= 2 }) { i, report in
            if i == 1 { rounds = report.epoch }
            atReport[i] = group.trainers[i].checkpoint(after: report.epoch)
            return .proceed
        }
        XCTAssertEqual(outcomes, [TrainingOutcome(epochs: 3, reason: .interrupted), TrainingOutcome(epochs: 3, reason: .interrupted)])
        for i in 0..<2 { XCTAssertEqual(group.trainers[i].checkpoint(after: 3), atReport[i], "member \(i): the state after epoch 3") }
    }

    func testEachMemberIsTimedAtItsShareOfTheGroupsTime() throws {
        let configs = (0..<6).map { training(hidden: layers, batchSize: 10, epochs: 40, seed: UInt64($0 + 1)) }
        let data = try configs.map { try split(.binaryCrossEntropy, outputs: 1, seed: $0.seed) }
        let group = try Lockstep(configs.indices.map { try Trainer(config: configs[$0], data: data[$0], engine: .fused) })
        var seconds = 0.0
        let start = Date()
        _ = group.train { _, report in seconds += report.seconds; return .proceed }
        let wall = Date().timeIntervalSince(start)
        // Summed over the members, the epochs' seconds are the group's time, not six times it.
        XCTAssertLessThanOrEqual(seconds, wall * 1.05, "members' seconds \(seconds) against the group's \(wall)")
        XCTAssertGreaterThan(seconds, wall * 0.5)
    }

    func testWhatCannotTrainTogetherIsNamed() throws {
        let data = try split(.binaryCrossEntropy, outputs: 1, seed: 1)
        func trainer(_ config: TrainingConfig, _ engine: EngineKind = .fused) throws -> Trainer { try Trainer(config: config, data: data, engine: engine) }
        let base = training(hidden: layers, batchSize: 10, epochs: 2)
        var penalised = base
        penalised.l2 = 0.01
        var wider = base
        wider.hidden[0].units = 9
        var adam = base
        adam.optimizer = .adam()
        XCTAssertNil(Lockstep.obstacle([try trainer(base), try trainer(base)]))
        XCTAssertEqual(Lockstep.obstacle([try trainer(base), try trainer(base, .blas)]), "a layer runs on BLAS (only the fused kernels train together)")
        XCTAssertEqual(Lockstep.obstacle([try trainer(base), try trainer(penalised)]), "an L1/L2 penalty or gradient clipping")
        XCTAssertEqual(Lockstep.obstacle([try trainer(base), try trainer(wider)]), "networks of different shapes")
        XCTAssertEqual(Lockstep.obstacle([try trainer(base), try trainer(adam)]), "different optimisers")
        XCTAssertNotNil(Lockstep.obstacle(try (0...Lockstep.width).map { _ in try trainer(base) }))
        XCTAssertThrowsError(try Lockstep([try trainer(base), try trainer(wider)]))
    }
}
