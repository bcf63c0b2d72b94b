import Foundation
public import Datasets

/// What an observer tells the trainer after an epoch.
public enum TrainingDecision: Sendable {
    case proceed
    case stop
}

/// How training ended.
public enum StopReason: Sendable, Equatable {
    /// Every configured epoch ran.
    case completed
    /// The observer asked to stop after the given epoch.
    case stoppedByObserver
    /// The interruption check answered true; the epoch in progress was abandoned.
    case interrupted
    /// The loss, a gradient or a weight became NaN or infinite; `message` says which and when.
    case diverged(epoch: Int, message: String)
}

/// The result of ``Trainer/train(interrupted:observer:)``.
public struct TrainingOutcome: Sendable, Equatable {
    /// Epochs completed and reported.
    public var epochs: Int
    public var reason: StopReason

    public init(epochs: Int, reason: StopReason) {
        self.epochs = epochs
        self.reason = reason
    }
}

/// Trains a ``TrainingEngine`` on a ``DatasetSplit``, one minibatch epoch at a time, handing an
/// ``EpochReport`` to an observer after each epoch.
///
/// One seed drives initialisation (stream 1), minibatch order (stream 2) and dropout
/// (stream 3): the same configuration and seed give bit-identical curves on one machine.
public final class Trainer {
    public let config: TrainingConfig
    public let data: DatasetSplit
    /// The network being trained.
    public let engine: any TrainingEngine
    /// Gather the diagnostics' raw material: per-step gradient norms and activation statistics.
    /// Off only to measure what they cost; reports then carry empty norms and no statistics.
    public var collectsDiagnostics = true
    /// Whether an interrupt lets the epoch in progress finish (and be reported) before training
    /// stops, rather than abandoning it: for a caller that keeps no copy of the state after each
    /// epoch because its epochs are short (finishing one costs less than copying the optimiser's
    /// state every epoch). Either way training stops at an epoch's boundary, before the next
    /// epoch's shuffle.
    public var finishesEpochOnInterrupt = false
    var dropoutRNG: SeededGenerator
    var step = 0
    var order: MinibatchOrder
    var scheduler: LearningRateScheduler
    /// The epoch training starts at: 1, or after a restored checkpoint's.
    var firstEpoch = 1
    /// Σg² of each parameter from the last update.
    private var squares: [Double]
    /// The engine's parameters as spans, in the order of ``TrainingEngine/parameters``: what
    /// each step's update walks.
    private let spans: [ParameterSpan]
    /// When the engine shares its steps between threads, each worker's part of the update: the
    /// parameters' spans cut at multiples of 64 floats, with the index of the parameter each
    /// part belongs to.
    private let updateShares: [[(parameter: Int, span: ParameterSpan)]]
    /// Each worker's Σg² of each parameter (worker after worker), added up in worker order.
    private let partialSquares: UnsafeMutableBufferPointer<Double>
    /// The rate of the update under way, for the workers.
    private var updateRate: Float = 0
    /// ``updateShare(_:)`` as a closure made once: a closure made per step would allocate.
    private lazy var updateWork: (Share) -> Void = { [unowned self] share in updateShare(share) }
    /// Whether anything (a penalty, clipping) changes the gradients between backward and update.
    var changesGradients: Bool { config.l1 != 0 || config.l2 != 0 || config.clipNorm != nil }

    /// Builds an engine of `kind` (by default the configuration's) for `data` (input width from
    /// its features, output head from its task), initialised from the seed.
    /// - Parameter blasThreads: BLAS threads while this trainer trains (`nil`: the process's setting).
    public init(config: TrainingConfig, data: DatasetSplit, engine kind: EngineKind? = nil,
                blasThreads: Int? = nil) throws(TrainingError) {
        let kind = kind ?? config.engine ?? .blas
        try config.validate()
        guard data.train.featureCount == data.test.featureCount, data.train.task == data.test.task else {
            throw .incompatibleData("the training and test sets differ in features or task")
        }
        if let validation = data.validation, validation.featureCount != data.train.featureCount || validation.task != data.train.task {
            throw .incompatibleData("the training and validation sets differ in features or task")
        }
        guard data.train.count > 0 else { throw .incompatibleData("the training set is empty") }
        self.config = config
        self.data = data
        let root = SeededGenerator(seed: config.seed)
        var initRNG = root.derived(1)
        dropoutRNG = root.derived(3)
        engine = kind.make(inputs: data.train.featureCount, hidden: config.hidden, outputs: data.train.task.outputCount,
                           head: config.playgroundLoss == true ? Head(playgroundFor: data.train.task) : Head(for: data.train.task),
                           initializer: config.initializer, batchSize: config.batchSize, blasThreads: blasThreads, rng: &initRNG)
        order = MinibatchOrder(seed: config.seed, count: data.train.count)
        scheduler = LearningRateScheduler(config: config)
        squares = [Double](repeating: 0, count: engine.parameters.count)
        let spans = engine.parameters.map(\.span)
        self.spans = spans
        let workers = engine.workers?.size ?? 1
        updateShares = workers == 1 ? [] : (0..<workers).map { w in
            spans.enumerated().compactMap { k, span in
                let part = Share(worker: w, workers: workers, barrier: nil).part(of: span.count, unit: 64)
                return part.isEmpty ? nil : (k, span.part(part))
            }
        }
        partialSquares = .allocate(capacity: workers == 1 ? 0 : workers * spans.count)
        partialSquares.initialize(repeating: 0)
    }

    deinit { partialSquares.deallocate() }

    /// Runs up to `config.epochs` epochs.
    ///
    /// - Parameters:
    ///   - interrupted: checked before each epoch and before every step of it; when it returns
    ///     true the epoch in progress is abandoned (never reported half done), or finished first
    ///     when ``finishesEpochOnInterrupt``, and training ends as ``StopReason/interrupted``.
    ///   - observer: receives each epoch's report and may stop training; an error it throws
    ///     ends training and is rethrown.
    public func train(interrupted: () -> Bool = { false },
                      observer: (EpochReport) throws -> TrainingDecision) rethrows -> TrainingOutcome {
        try BLAS.withThreads(engine.blasThreads) {
            guard firstEpoch <= config.epochs else { return TrainingOutcome(epochs: config.epochs, reason: .completed) }
            for epoch in firstEpoch...config.epochs {
                let result = runEpoch(epoch, interrupted: interrupted)
                switch result {
                case .stop(let reason):
                    return TrainingOutcome(epochs: epoch - 1, reason: reason)
                case .report(let report):
                    if try observer(report) == .stop {
                        return TrainingOutcome(epochs: epoch, reason: .stoppedByObserver)
                    }
                }
            }
            return TrainingOutcome(epochs: config.epochs, reason: .completed)
        }
    }

    private func runEpoch(_ epoch: Int, interrupted: () -> Bool) -> EpochResult {
        if interrupted() { return .stop(.interrupted) }
        var progress = beginEpoch(epoch)
        let parameters = engine.parameters, layers = engine.layers   // read once, not at every step
        for b in 0..<progress.batches {
            if b > 0, !finishesEpochOnInterrupt, interrupted() { return .stop(.interrupted) }
            let r = engine.computeGradients(data.train, rows: rows(ofBatch: b), dropout: &dropoutRNG)
            if let stop = recordGradients(r, &progress, batch: b) { return .stop(stop) }
            var norm = 0.0
            if collectsDiagnostics && !changesGradients {
                // The norms come from the update's own pass over the gradients.
                update(rate: progress.rate)
                norm = progress.tracker.record(squares: squares, parameters: parameters, layers: layers)
            } else {
                if collectsDiagnostics {
                    engine.squaredGradientNorms(into: &squares)
                    norm = progress.tracker.record(squares: squares, parameters: parameters, layers: layers)
                }
                if norm.isFinite {
                    engine.addPenaltyGradients(l1: config.l1, l2: config.l2)
                    clipGradients()
                    update(rate: progress.rate)
                }
            }
            if let stop = checkNorm(norm, progress, batch: b) { return .stop(stop) }
        }
        return finishEpoch(progress)
    }

    /// One optimiser step over every parameter at `rate`, counted; Σg² of each gradient into
    /// ``squares``.
    private func update(rate: Float) {
        step += 1
        if step == 1 { config.optimizer.markMoments(of: engine.parameters) }
        guard let workers = engine.workers else {
            return config.optimizer.update(spans, lr: rate, step: step, squares: &squares)
        }
        updateRate = rate
        workers.run(made: updateWork)
        let count = spans.count
        for k in 0..<count {
            var sum = 0.0
            for w in 0..<workers.size { sum += partialSquares[w * count + k] }
            squares[k] = sum
        }
    }

    /// This worker's part of the update: its parts of the parameters, their Σg² into its row of
    /// ``partialSquares``.
    private func updateShare(_ share: Share) {
        let count = spans.count, mine = partialSquares.baseAddress! + share.worker * count
        mine.update(repeating: 0, count: count)
        for (k, span) in updateShares[share.worker] { mine[k] += config.optimizer.update(span, lr: updateRate, step: step) }
    }

    /// Starts epoch `epoch`: its minibatch order, its rate, and empty sums and norms.
    func beginEpoch(_ epoch: Int) -> EpochProgress {
        let layers = engine.layers, parameters = engine.parameters
        engine.collectStatistics(collectsDiagnostics)
        let startWeights = layers.map { parameters[$0.parameters.lowerBound].value }
        order.next()
        let batches = (data.train.count + config.batchSize - 1) / config.batchSize
        return EpochProgress(epoch: epoch, start: DispatchTime.now().uptimeNanoseconds, rate: scheduler.rate(epoch: epoch),
                             batches: batches, tracker: GradientTracker(layers: layers.count, steps: batches), startWeights: startWeights)
    }

    /// The training rows of minibatch `b` of the current epoch.
    func rows(ofBatch b: Int) -> ArraySlice<Int> {
        order.rows[(b * config.batchSize)..<min((b + 1) * config.batchSize, data.train.count)]
    }

    /// Adds a minibatch's loss to the epoch's sums; the reason to stop when the loss is not finite.
    func recordGradients(_ r: BatchResult, _ progress: inout EpochProgress, batch b: Int) -> StopReason? {
        guard r.loss.isFinite else {
            return .diverged(epoch: progress.epoch, message: "the training loss became \(r.loss) at epoch \(progress.epoch), step \(b + 1)")
        }
        progress.lossSum += r.loss
        progress.correctSum += r.correct
        return nil
    }

    /// The reason to stop when a step's global gradient norm is not finite.
    func checkNorm(_ norm: Double, _ progress: EpochProgress, batch b: Int) -> StopReason? {
        norm.isFinite ? nil : .diverged(epoch: progress.epoch, message: "the gradient norm became \(norm) at epoch \(progress.epoch), step \(b + 1)")
    }

    /// Ends an epoch whose steps all ran: evaluates (unless `evaluations` holds what its
    /// evaluations gave, done elsewhere), measures, and writes its report.
    func finishEpoch(_ progress: EpochProgress, evaluations: EpochEvaluations? = nil) -> EpochResult {
        let epoch = progress.epoch, tracker = progress.tracker, startWeights = progress.startWeights, batches = progress.batches
        let train = data.train
        let layers = engine.layers, parameters = engine.parameters
        let trainingActivations = engine.trainingStatistics()
        engine.collectStatistics(false)
        var trainLoss = progress.lossSum / Double(train.count)
        var trainAccuracy: Double? = engine.head.isRegression ? nil : progress.correctSum / Double(train.count)
        var evaluationActivations: [ActivationStatistics] = []
        if config.evaluateTrainingSet {
            let e = evaluations?.train ?? engine.evaluate(train, collectStatistics: true)
            (trainLoss, trainAccuracy, evaluationActivations) = (e.loss, e.accuracy, e.statistics)
        }
        let validation = evaluations.map(\.validation) ?? data.validation.map { engine.evaluate($0, collectStatistics: false) }
        let test = evaluations?.test ?? engine.evaluate(data.test, collectStatistics: false)
        let tensors = engine.snapshot()
        let reports = layers.enumerated().map { i, layer in
            let weight = parameters[layer.parameters.lowerBound], bias = parameters[layer.parameters.lowerBound + 1]
            return LayerReport(
                index: i, units: layer.units, activation: layer.activation,
                weightGradientNorms: tracker.weightNorms[i], biasGradientNorms: tracker.biasNorms[i],
                weightNorm: weight.norm, biasNorm: bias.norm,
                updateNorm: distance(weight.value, startWeights[i]),
                activations: i < trainingActivations.count && collectsDiagnostics ? trainingActivations[i] : nil,
                evaluationActivations: i < evaluationActivations.count ? evaluationActivations[i] : nil,
                tensors: tensors.filter { $0.layer == i })
        }
        if let bad = reports.first(where: { !$0.weightNorm.isFinite || !$0.biasNorm.isFinite }) {
            return .stop(.diverged(epoch: epoch, message: "the weights of layer \(bad.index + 1) became non-finite at epoch \(epoch)"))
        }
        guard test.loss.isFinite else {
            return .stop(.diverged(epoch: epoch, message: "the test loss became \(test.loss) at epoch \(epoch)"))
        }
        if let validation, !validation.loss.isFinite {
            return .stop(.diverged(epoch: epoch, message: "the validation loss became \(validation.loss) at epoch \(epoch)"))
        }
        // Reduce-on-plateau watches the validation loss, else the training loss: never the test loss.
        scheduler.observe(loss: validation?.loss ?? trainLoss, epoch: epoch)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - progress.start) / 1e9
        return .report(EpochReport(
            epoch: epoch, trainLoss: trainLoss, testLoss: test.loss, trainAccuracy: trainAccuracy,
            testAccuracy: test.accuracy, validationLoss: validation?.loss, validationAccuracy: validation?.accuracy,
            testScores: test.scores, validationScores: validation?.scores, learningRate: Double(progress.rate), steps: batches,
            seconds: seconds, gradientNorms: tracker.globalNorms, layers: reports))
    }

    /// Scales all gradients down when their global norm exceeds `config.clipNorm`.
    private func clipGradients() {
        guard let bound = config.clipNorm else { return }
        let norm = engine.parameters.reduce(0.0) { $0 + $1.squaredGradientNorm }.squareRoot()
        guard norm > Double(bound) else { return }
        engine.scaleGradients(by: Float(Double(bound) / (norm + 1e-6)))
    }
}

/// An epoch's end: its report, or the reason it could not finish.
enum EpochResult {
    case report(EpochReport)
    case stop(StopReason)
}

/// An epoch's evaluations in evaluation mode, made elsewhere (``Lockstep`` makes them for
/// all its members at once): the training set's (when it is evaluated), the validation set's
/// (when there is one) and the test set's.
struct EpochEvaluations {
    var train: Evaluation?
    var validation: Evaluation?
    var test: Evaluation
}

/// An epoch between its steps: what ``Trainer/finishEpoch(_:evaluations:)`` reports from.
struct EpochProgress {
    let epoch: Int
    /// When it began (uptime nanoseconds); a ``Lockstep`` member's is moved so that its
    /// epoch's seconds are its share of the group's.
    var start: UInt64
    /// The learning rate of every step of the epoch.
    let rate: Float
    let batches: Int
    var tracker: GradientTracker
    /// Each layer's weights when the epoch began (for the update norm).
    let startWeights: [[Float]]
    var lossSum = 0.0, correctSum = 0.0
}

/// Collects the per-step gradient norms of an epoch, layer by layer.
struct GradientTracker {
    var weightNorms: [[Float]]
    var biasNorms: [[Float]]
    var globalNorms: [Float]

    init(layers: Int, steps: Int) {
        weightNorms = (0..<layers).map { _ in { var a = [Float](); a.reserveCapacity(steps); return a }() }
        biasNorms = weightNorms
        globalNorms = []
        globalNorms.reserveCapacity(steps)
    }

    /// Records one step's gradient norms from each parameter's Σg² (`squares`, in the order of
    /// `parameters`: each layer's weight, bias, then its others); returns the global norm over
    /// every parameter. A sum that overflowed `Float` is measured again, with scaling.
    mutating func record(squares: [Double], parameters: [Parameter], layers: [LayerShape]) -> Double {
        var total = 0.0
        func square(_ k: Int) -> Double { squares[k].isFinite ? squares[k] : parameters[k].squaredGradientNorm }
        for (i, layer) in layers.enumerated() {
            let first = layer.parameters.lowerBound
            let w = square(first), b = square(first + 1)
            weightNorms[i].append(Float(w.squareRoot()))
            biasNorms[i].append(Float(b.squareRoot()))
            total += w + b
            for k in (first + 2)..<layer.parameters.upperBound { total += square(k) }
        }
        globalNorms.append(Float(total.squareRoot()))
        return total.squareRoot()
    }
}

private func distance(_ a: [Float], _ b: [Float]) -> Double {
    var sum = 0.0
    for i in a.indices { let d = Double(a[i]) - Double(b[i]); sum += d * d }
    return sum.squareRoot()
}
