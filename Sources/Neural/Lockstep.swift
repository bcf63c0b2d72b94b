import Datasets
import Dispatch

/// Trains several ``Trainer``s of one shape as one computation: their minibatch steps run
/// side by side in the lanes of a ``LockstepNetwork`` (model k in lane k), and each trainer
/// evaluates, measures and reports its own epochs as it does alone.
///
/// What a sweep's configurations that differ only in learning rate, schedule, seed, epochs or
/// data share: every step of every loop is one vector pass for up to ``width`` models. Each
/// model's numbers are, bit for bit, those it has when trained alone on the fused engine, so
/// training together is purely a matter of speed: every run keeps its own curve, diagnostics,
/// snapshots, alerts, early stop and divergence.
///
/// ```swift
/// let group = try Lockstep(trainers)          // same shape, ≤ 8
/// let outcomes = group.train { member, report in … ; return .proceed }
/// ```
public final class Lockstep {
    /// The most trainers one group trains.
    public static let width = LockstepNetwork.width

    public let trainers: [Trainer]
    private let network: LockstepNetwork
    private let models: [Network]

    /// Why `trainers` cannot train together, or `nil` when they can: at most ``width``, every
    /// layer on the fused kernels with no batch normalisation or dropout, no penalty or
    /// clipping, and the same inputs, layers, head, optimiser, batch size, training-set size
    /// and diagnostics.
    public static func obstacle(_ trainers: [Trainer]) -> String? {
        guard let first = trainers.first else { return "no trainers" }
        guard trainers.count <= width else { return "\(trainers.count) trainers; at most \(width) train together" }
        for t in trainers {
            guard let network = t.engine as? Network, network.layers.allSatisfy({ $0.kernel == .fused }) else {
                return "a layer runs on BLAS (only the fused kernels train together)"
            }
            if t.config.hidden.contains(where: { $0.batchNorm || $0.dropout > 0 }) { return "batch normalisation or dropout" }
            if t.changesGradients { return "an L1/L2 penalty or gradient clipping" }
            guard network.inputs == first.engine.inputs, network.head == first.engine.head,
                  network.layers.map(\.units) == first.engine.layers.map(\.units),
                  network.layers.map(\.activation) == first.engine.layers.map(\.activation) else { return "networks of different shapes" }
            guard t.config.optimizer == first.config.optimizer else { return "different optimisers" }
            guard t.config.batchSize == first.config.batchSize, t.data.train.count == first.data.train.count else {
                return "different batch sizes or training sets"
            }
            guard t.collectsDiagnostics == first.collectsDiagnostics else { return "diagnostics on for some, off for others" }
        }
        return nil
    }

    /// A group of trainers that ``obstacle(_:)`` finds nothing against.
    public init(_ trainers: [Trainer]) throws(TrainingError) {
        if let obstacle = Self.obstacle(trainers) {
            throw .invalidConfiguration(name: "lockstep", value: obstacle, expected: "trainers of one shape on the fused kernels")
        }
        self.trainers = trainers
        models = trainers.map { $0.engine as! Network }
        network = LockstepNetwork(shape: models[0], capacity: models[0].capacity)
    }

    /// Trains every member up to its configured epochs, handing each epoch's report to
    /// `observer` with the member's index; a member stops alone (the observer's word, a
    /// divergence) and the others go on.
    ///
    /// - Parameter interrupted: checked before each round of epochs and before every step of it;
    ///   when it returns true every member still training abandons the epoch in progress (or
    ///   finishes it first, when any of them ``Trainer/finishesEpochOnInterrupt``) and ends as
    ///   ``StopReason/interrupted``.
    /// - Returns: each member's outcome, in the order of ``trainers``.
    public func train(interrupted: () -> Bool = { false }, observer: (Int, EpochReport) -> TrainingDecision) -> [TrainingOutcome] {
        var outcomes = trainers.map { $0.firstEpoch > $0.config.epochs ? TrainingOutcome(epochs: $0.config.epochs, reason: .completed) : nil }
        var epochs = trainers.map(\.firstEpoch)
        let optimizer = trainers[0].config.optimizer, diagnostics = trainers[0].collectsDiagnostics
        var squares = [Lanes](repeating: Lanes(), count: network.tensors.count)
        var memberSquares = [Double](repeating: 0, count: network.tensors.count)
        while true {
            let active = trainers.indices.filter { outcomes[$0] == nil }
            guard !active.isEmpty else { break }
            if interrupted() {
                for i in active { outcomes[i] = TrainingOutcome(epochs: epochs[i] - 1, reason: .interrupted) }
                break
            }
            let abandons = !active.contains { trainers[$0].finishesEpochOnInterrupt }
            let roundStart = DispatchTime.now().uptimeNanoseconds
            for i in active { network.load(models[i], lane: i) }
            var progress = trainers.map { _ in EpochProgress?.none }
            var rates = Lanes()
            for i in active {
                progress[i] = trainers[i].beginEpoch(epochs[i])
                rates[i] = progress[i]!.rate
            }
            // Each member's stop within the epoch, and whether its lane has been stored.
            func stop(_ i: Int, _ reason: StopReason) {
                network.store(lane: i, into: models[i], optimizer: optimizer)
                outcomes[i] = TrainingOutcome(epochs: epochs[i] - 1, reason: reason)
                progress[i] = nil
            }
            for b in 0..<progress[active[0]]!.batches {
                // The members still training this epoch, without an array a step.
                guard active.contains(where: { progress[$0] != nil }) else { break }
                if b > 0, abandons, interrupted() {
                    for i in active where progress[i] != nil { stop(i, .interrupted) }
                    break
                }
                for i in active where progress[i] != nil { network.gather(trainers[i].data.train.features, trainers[i].data.train.targets, trainers[i].rows(ofBatch: b), lane: i) }
                network.forward()
                var steps = SIMD8<Int32>(), summed = SIMDMask<SIMD8<Int32>>()
                for k in 0..<Self.width {
                    guard k < trainers.count, progress[k] != nil else { network.silence(lane: k); continue }
                    let r = network.headPass(lane: k)
                    if let reason = trainers[k].recordGradients(r, &progress[k]!, batch: b) {
                        stop(k, reason)
                        network.silence(lane: k)
                        continue
                    }
                    summed[k] = true
                    trainers[k].step += 1
                    steps[k] = Int32(clamping: trainers[k].step)
                }
                if diagnostics { network.addStatistics(lanes: summed, models: models) }
                network.backward()
                network.update(optimizer, rates: rates, steps: steps, squares: &squares)
                guard diagnostics else { continue }
                for i in active where progress[i] != nil {
                    for t in memberSquares.indices {
                        let s = Double(squares[t][i])
                        memberSquares[t] = s.isFinite ? s : network.squaredGradient(t, lane: i)
                    }
                    let norm = progress[i]!.tracker.record(squares: memberSquares, parameters: models[i].parameters, layers: models[i].layers)
                    if let reason = trainers[i].checkNorm(norm, progress[i]!, batch: b) { stop(i, reason) }
                }
            }
            let finishing = active.filter { progress[$0] != nil }
            let evaluations = evaluate(finishing)
            // Each member's epoch took its share of the round, not the whole round.
            let share = (DispatchTime.now().uptimeNanoseconds - roundStart) / UInt64(max(finishing.count, 1))
            for (k, i) in finishing.enumerated() {
                progress[i]!.start = DispatchTime.now().uptimeNanoseconds - share
                network.store(lane: i, into: models[i], optimizer: optimizer)
                switch trainers[i].finishEpoch(progress[i]!, evaluations: evaluations?[k]) {
                case .stop(let reason):
                    outcomes[i] = TrainingOutcome(epochs: epochs[i] - 1, reason: reason)
                case .report(let report):
                    if observer(i, report) == .stop {
                        outcomes[i] = TrainingOutcome(epochs: epochs[i], reason: .stoppedByObserver)
                    } else if epochs[i] == trainers[i].config.epochs {
                        outcomes[i] = TrainingOutcome(epochs: epochs[i], reason: .completed)
                    } else {
                        epochs[i] += 1
                    }
                }
            }
        }
        return outcomes.map { $0! }
    }

    /// The end-of-epoch evaluations of `members`, all in the lanes at once, or `nil` when their
    /// data sets differ in size (each then evaluates its own).
    private func evaluate(_ members: [Int]) -> [EpochEvaluations]? {
        let sets = members.map { trainers[$0].data }
        guard let first = sets.first, sets.allSatisfy({ $0.train.count == first.train.count && $0.test.count == first.test.count
            && $0.validation?.count == first.validation?.count }) else { return nil }
        func each(_ set: (DatasetSplit) -> Dataset, statistics: Bool) -> [Evaluation] {
            network.evaluate(zip(members, sets).map { ($0, set($1)) }, collectStatistics: statistics)
        }
        let none = [Evaluation?](repeating: nil, count: members.count)
        let train: [Evaluation?] = trainers[members[0]].config.evaluateTrainingSet ? each({ $0.train }, statistics: true) : none
        let validation: [Evaluation?] = first.validation == nil ? none : each({ $0.validation! }, statistics: false)
        let test = each({ $0.test }, statistics: false)
        return members.indices.map { EpochEvaluations(train: train[$0], validation: validation[$0], test: test[$0]) }
    }
}
