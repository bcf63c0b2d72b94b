public import Datasets
public import Dispatch
import Foundation
public import Neural
public import Tracking

/// Trains one run and records it: opens it in the store, hands each epoch to its background
/// writer (which stores the epochs a few at a time, each batch in one transaction), keeps its
/// heartbeat, and closes it with the status training ended with.
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
    /// The queue the runs' writes are made on, when runs training at once share one (a sweep's:
    /// SQLite makes one write at a time, and a ``Lockstep`` group's eight writers, each on a
    /// queue of its own, spent their time waiting for each other's turn); `nil`, a queue per run.
    public var writeQueue: DispatchQueue?
    /// Seconds an interrupt may wait for the epoch in progress: a run whose last epoch took less
    /// finishes the one in progress (recorded) and stops after it, and so keeps no copy of its
    /// state after every epoch; a run of longer epochs keeps that copy, abandons the epoch in
    /// progress and resumes after the last whole one. Copying the optimiser's state every epoch
    /// was two fifths of what taking an epoch into the store cost a small network's training thread.
    public var interruptGrace: Double

    /// The longest wait for a lock by default: ten minutes.
    public static let defaultLockWait = 600.0
    /// An interrupt waits for an epoch of up to a quarter of a second by default.
    public static let defaultInterruptGrace = 0.25

    public init(store: any RunRecorder, heartbeatInterval: Double = 5, lockWait: Double = Runner.defaultLockWait,
                writeQueue: DispatchQueue? = nil, interruptGrace: Double = Runner.defaultInterruptGrace) {
        self.store = store
        self.heartbeatInterval = heartbeatInterval
        self.lockWait = lockWait
        self.writeQueue = writeQueue
        self.interruptGrace = interruptGrace
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
        /// The threads each training step was shared between (``WorkerTeam``): 1 without a team.
        public var threads = 1
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
    ///     finished or dropped (``interruptGrace``) and the run closed as `interrupted`.
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
        let session = try open(config, trainer: trainer, name: name, experiment: experiment, tags: tags, version: version, opened: opened,
                               resuming: resuming)
        let outcome: TrainingOutcome
        do {
            // A store that failed (one that could not open the run, a full disk) stops training
            // at the next step, or at the end of a short epoch.
            outcome = try trainer.train(interrupted: { interrupted() || session.storeFailed }) { raw in
                let (decision, record, report) = try session.observe(raw)
                onRecord(record)
                onEpoch(report)
                return decision
            }
        } catch {
            session.fail(error)
            throw error
        }
        return try session.finish(outcome)
    }

    /// Opens `config`'s run for `trainer` (or takes the one `opened`), ready for its epochs:
    /// what ``run(_:trainer:name:experiment:tags:version:opened:resuming:interrupted:onEpoch:onRecord:)``
    /// does before and after training, for a caller that drives the trainer itself (a
    /// ``Lockstep`` group trains several runs' trainers at once).
    public func open(_ config: RunConfiguration, trainer: Trainer, name: String? = nil, experiment: String? = nil,
                     tags: [String: String] = [:], version: String, opened: Int64? = nil, resuming: ResumePoint? = nil) throws -> RunSession {
        if let rule = config.earlyStopping, rule.metric.hasSuffix("accuracy"), !trainer.data.train.task.isClassification {
            throw SettingsError.invalid(key: "early-stop", value: rule.metric, expected: "a loss: this run's data is a regression, with no accuracy")
        }
        // A new run is made and opened by its writer, while the first epoch trains.
        let writer = opened.map { RunWriter(store: store, run: $0, lockWait: lockWait, queue: writeQueue) }
            ?? RunWriter(store: store, opening: { () throws(StoreError) in
                do { return try Self.newRun(config, name: name, experiment: experiment, tags: tags, version: version) } catch {
                    throw .unrecordable(what: "the run's configuration", reason: "\(error)")
                }
            }, lockWait: lockWait, queue: writeQueue)
        return try RunSession(runner: self, config: config, trainer: trainer, writer: writer, resuming: resuming)
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
