public import Datasets
import Foundation
public import Neural
public import Tracking

/// Trains one run and records it: opens it in the store, writes each epoch in one transaction,
/// keeps its heartbeat, and closes it with the status training ended with.
///
/// The data are loaded and the configuration checked before anything is written, so bad input
/// leaves the store untouched.
public struct Runner: Sendable {
    public let store: any RunRecorder
    /// Seconds between heartbeats.
    public var heartbeatInterval: Double
    /// How long an epoch's write may keep meeting another command's lock (the epochs behind it
    /// waiting in memory) before the run fails.
    public var lockWait: Double

    /// The longest wait for a lock by default: ten minutes.
    public static let defaultLockWait = 600.0

    public init(store: any RunRecorder, heartbeatInterval: Double = 5, lockWait: Double = Runner.defaultLockWait) {
        self.store = store
        self.heartbeatInterval = heartbeatInterval
        self.lockWait = lockWait
    }

    /// What the store is told when `config` opens as a run.
    public static func newRun(_ config: RunConfiguration, name: String?, experiment: String?, tags: [String: String] = [:],
                              version: String, sweep: (id: Int64, index: Int)? = nil) throws -> NewRun {
        NewRun(name: name, experiment: experiment, seed: Int64(clamping: config.training.seed), epochsPlanned: config.training.epochs,
               configJSON: String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self), params: config.params, tags: tags,
               gradbookVersion: version, sweepID: sweep?.id, sweepIndex: sweep?.index)
    }

    /// What a recorded run ended with.
    public struct Result: Sendable {
        public var runID: Int64
        public var status: RunStatus
        public var outcome: TrainingOutcome
        /// Why a `finished` run ended before its last planned epoch (early stopping).
        public var stopReason: String?
        /// The last epoch's report, if any epoch completed.
        public var last: EpochReport?
        /// The last epoch's metrics as recorded (in the target's units, with the task metrics).
        public var lastRecord: EpochRecord?
        /// The selected epoch's metrics (the `best` snapshot's epoch), and the metric that selected
        /// it: `val_loss` when the run has validation data, else `test_loss`.
        public var selected: EpochRecord?
        public var selectedBy: Metric?
        /// Training time summed over the epochs.
        public var seconds: Double
        /// Time spent writing epochs to the store, on a background queue that overlaps training.
        public var storeSeconds: Double
        /// Rows of a CSV file left out and values filled for missing values.
        public var missing = Dataset.MissingCount()
        /// Whether losses are in a standardised regression target's own units.
        public var targetUnits = false
        /// The epoch a resumed run continued after.
        public var resumedAfter: Int?
        /// What each layer ran (hidden layers first, the output layer last).
        public var kernels: [LayerKernel] = []
    }

    /// Seconds of training between two checkpoints written (a crash loses at most this much).
    public static let checkpointInterval = 10.0

    /// Where a resumed run continues: its checkpoint, and its epochs stored up to it (which
    /// the selection, the best snapshot and early stopping go on from).
    public struct ResumePoint: Sendable {
        public var checkpoint: TrainerCheckpoint
        public var epochs: [EpochRecord]

        public init(checkpoint: TrainerCheckpoint, epochs: [EpochRecord]) {
            self.checkpoint = checkpoint
            self.epochs = epochs
        }
    }

    /// Trains and records the run.
    ///
    /// - Parameters:
    ///   - trainer: a trainer already made from `config` (so that bad data is found before the
    ///     store is even opened); made here when `nil`.
    ///   - interrupted: checked between steps (e.g. "SIGINT arrived"); the epoch in progress is
    ///     dropped and the run closed as `interrupted`.
    ///   - onEpoch: called after each epoch is handed to the store's background writer (progress display).
    ///   - onRecord: called with each epoch as the store records it (its metrics, health and alerts).
    /// - Throws: data and configuration errors before the run exists; store errors after it
    ///   exists, once the run has been closed as `failed` where the store can still be written.
    ///   - opened: the run, when it was opened already (a sweep's configuration claimed); opened
    ///     here otherwise.
    public func run(_ config: RunConfiguration, trainer: Trainer? = nil, name: String? = nil, experiment: String? = nil,
                    tags: [String: String] = [:], version: String, opened: Int64? = nil, resuming: ResumePoint? = nil,
                    interrupted: () -> Bool = { false },
                    onEpoch: (EpochReport) -> Void = { _ in }, onRecord: (EpochRecord) -> Void = { _ in }) throws -> Result {
        let trainer = try trainer ?? config.makeTrainer()
        if let rule = config.earlyStopping, rule.metric.hasSuffix("accuracy"), !trainer.data.train.task.isClassification {
            throw SettingsError.invalid(key: "early-stop", value: rule.metric, expected: "a loss: this run's data is a regression, with no accuracy")
        }
        let runID = try opened ?? store.startRun(Self.newRun(config, name: name, experiment: experiment, tags: tags, version: version))
        let heartbeat = Heartbeat(store: store, run: runID, interval: heartbeatInterval)
        defer { heartbeat.stop() }
        let writer = EpochWriter(store: store, run: runID, lockWait: lockWait)
        let interval = config.tracking.snapshotInterval(epochs: config.training.epochs, planar: trainer.data.transform?.columns.count == 2,
                                                        parameters: trainer.engine.parameters.reduce(0) { $0 + $1.count })
        var recorder = EpochRecorder(options: config.tracking, plannedEpochs: config.training.epochs, earlyStopping: config.earlyStopping,
                                     snapshotInterval: interval)
        // A resumed run: the trainer continues from the checkpoint, the recorder from the epochs stored up to it.
        if let resuming {
            do { try trainer.restore(resuming.checkpoint) } catch {
                try? store.finishRun(run: runID, status: .failed, error: "\(error)")
                throw error
            }
            recorder.replay(resuming.epochs)
        }
        // The trainer's state after the last epoch, and the training time of the last checkpoint written.
        var checkpoint: TrainerCheckpoint?
        var trained = 0.0, checkpointed = 0.0
        var last: EpochReport?
        var seconds = 0.0
        let outcome: TrainingOutcome
        let storeSeconds: Double
        do {
            if let transform = trainer.data.transform, let json = try? String(decoding: JSONEncoder.sorted.encode(transform), as: UTF8.self) {
                try store.recordInputTransform(run: runID, json: json)
            }
            if resuming == nil, let initial = recorder.initialSnapshot(trainer.engine) { try writer.enqueue(initial) }
            // A standardised regression target: every number recorded is in the target's own units.
            let scale = trainer.data.transform?.targetScale
            outcome = try trainer.train(interrupted: interrupted) { raw in
                let report = scale?.reported(raw) ?? raw
                let (epoch, earlierBest) = recorder.record(report)
                if let earlierBest { try writer.enqueue(earlierBest) }
                try writer.enqueue(epoch)
                // Kept every epoch (a run interrupted mid-epoch resumes after the last whole one),
                // written every checkpointInterval seconds of training and when the run is interrupted.
                checkpoint = trainer.checkpoint(after: report.epoch, tensors: report.layers.flatMap(\.tensors))
                trained += report.seconds
                if trained - checkpointed >= Self.checkpointInterval, let state = try checkpoint?.encoded() {
                    try writer.enqueue(checkpoint: state, epoch: report.epoch)
                    checkpointed = trained
                }
                onRecord(epoch)
                last = report
                seconds += report.seconds
                onEpoch(report)
                return recorder.stopsEarly || (config.tracking.stopOnExploding && recorder.exploded) ? .stop : .proceed
            }
            storeSeconds = try writer.drain()
            for closing in recorder.closingSnapshots() { try store.recordSnapshot(run: runID, closing) }
            if let confusion = recorder.selectedConfusion { try store.recordConfusion(run: runID, confusion) }
        } catch {
            _ = try? writer.drain()
            try? store.finishRun(run: runID, status: .failed, error: "\(error)")
            throw error
        }
        let status: RunStatus
        var message: String?
        let stopReason = recorder.stopReason(at: outcome.epochs)
        switch outcome.reason {
        case .completed: status = .finished
        case .stoppedByObserver where stopReason != nil: status = .finished
        case .stoppedByObserver:
            status = .diverged
            message = "stopped at epoch \(outcome.epochs) on exploding gradients (stop-on-exploding)"
        case .interrupted:
            status = .interrupted
            if let checkpoint { try store.recordCheckpoint(run: runID, epoch: checkpoint.epoch, state: checkpoint.encoded()) }
        case let .diverged(epoch, reason):
            status = .diverged
            message = reason
            try store.recordAlerts(run: runID, epoch: epoch, [HealthMonitor.nanAlert(epoch: epoch, message: reason)])
        }
        try store.finishRun(run: runID, status: status, error: message, stopReason: stopReason)
        return Result(runID: runID, status: status, outcome: outcome, stopReason: stopReason, last: last, lastRecord: recorder.lastMetrics,
                      selected: recorder.selected,
                      selectedBy: recorder.selected == nil ? nil : recorder.selection.selectedOn, seconds: seconds, storeSeconds: storeSeconds,
                      missing: trainer.data.missing, targetUnits: trainer.data.transform?.targetScale != nil,
                      resumedAfter: resuming?.checkpoint.epoch, kernels: trainer.engine.layers.map(\.kernel))
    }
}

extension JSONEncoder {
    /// Sorted keys, so the same configuration always gives the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
