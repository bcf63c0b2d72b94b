import Foundation
import Neural
import Synchronization
public import Tracking

/// Runs a stored sweep's configurations that are not done yet, several at once, all writing
/// the one store; a failed or diverged run is recorded and the sweep goes on.
public final class SweepRunner: Sendable {
    /// How to run.
    public struct Options: Sendable {
        /// Runs at once, each in its own thread with one BLAS thread.
        public var jobs: Int
        /// Run only this slice of the configurations (one task of an array job).
        public var shard: SweepSlice?
        /// Run `failed` configurations again (finished and diverged ones are done).
        public var retryFailed: Bool
        public var version: String
        /// How long an epoch's write may meet other commands' locks (``Runner/lockWait``).
        public var lockWait: Double

        /// What each run may take in memory.
        public var memory: MemoryBudget

        public init(jobs: Int, shard: SweepSlice? = nil, retryFailed: Bool = false, version: String, lockWait: Double = Runner.defaultLockWait,
                    memory: MemoryBudget = .standard) {
            self.lockWait = lockWait
            self.memory = memory
            self.jobs = jobs
            self.shard = shard
            self.retryFailed = retryFailed
            self.version = version
        }
    }

    /// What the sweep reports while it runs (from worker threads).
    public enum Event: Sendable {
        case started(index: Int)
        /// `value`: the sweep metric at the run's selected epoch; `selecting`: what selected it
        /// (the validation value, with a split), which is what a best run is chosen by.
        case finished(index: Int, run: Int64, status: RunStatus, value: Double?, selecting: Double?, selectedOn: String?)
        case failed(index: Int, message: String)
        /// Another process claimed the configuration first (the same sweep running twice).
        case skipped(index: Int)
    }

    /// How the sweep run ended.
    public struct Outcome: Sendable {
        /// Configurations run now, by result.
        public var finished = 0
        public var diverged = 0
        public var failed = 0
        /// Whether an interruption stopped it before every pending configuration ran.
        public var interrupted = false
    }

    public let store: any SweepRecorder
    public let sweep: StoredSweep
    public let options: Options
    private let queue: Mutex<[Int]>
    private let outcome = Mutex(Outcome())

    public init(store: any SweepRecorder, sweep: StoredSweep, options: Options) {
        self.store = store
        self.sweep = sweep
        self.options = options
        queue = Mutex([])
    }

    /// The configuration indices this process should run: in its shard, and without a
    /// finished or diverged run (nor a failed one, unless retrying), nor one running elsewhere.
    public func pending() throws(StoreError) -> [Int] {
        let statuses = try store.sweepRunStatuses(sweep: sweep.id)
        return sweep.configs.map(\.index).filter { i in
            if let shard = options.shard, !shard.contains(i) { return false }
            let s = statuses[i] ?? []
            if s.contains(.finished) || s.contains(.diverged) || s.contains(.running) { return false }
            if s.contains(.failed) && !options.retryFailed { return false }
            return true
        }
    }

    /// Runs the pending configurations with `options.jobs` worker threads.
    public func run(interrupted: @escaping @Sendable () -> Bool,
                    events: @escaping @Sendable (Event) -> Void) throws -> Outcome {
        if let shard = options.shard { try store.claimSlice(shard, of: sweep) }
        let todo = try pending()
        queue.withLock { $0 = todo }
        try store.setSweepStatus(sweep.id, .running)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.jobs, todo.count)) {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                work(interrupted: interrupted, events: events)
            }
            thread.start()
        }
        group.wait()
        var result = outcome.withLock { $0 }
        result.interrupted = interrupted() || result.interrupted
        let remaining = try pending()
        let status: SweepStatus = result.interrupted ? .interrupted : (remaining.isEmpty ? .finished : .failed)
        try store.setSweepStatus(sweep.id, status)
        return result
    }

    private func work(interrupted: @escaping @Sendable () -> Bool, events: @Sendable (Event) -> Void) {
        while !interrupted(), let index = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            events(.started(index: index))
            let entry = sweep.configs[index]
            do {
                let config = try JSONDecoder().decode(RunConfiguration.self, from: Data(entry.configJSON.utf8))
                // The configuration is claimed and its run opened in one transaction: two
                // processes running the same sweep never train it twice.
                let new = try Runner.newRun(config, name: "\(sweep.name)/\(index)", experiment: sweep.experiment, version: options.version,
                                            sweep: (sweep.id, index))
                // An interrupted or crashed run with a checkpoint continues; otherwise a new run is claimed.
                let resumed = try store.resumeConfiguration(sweep: sweep.id, index: index, identity: .current)
                guard let runID = try resumed?.run ?? store.claimConfiguration(new, retryFailed: options.retryFailed, identity: .current) else {
                    events(.skipped(index: index))
                    continue
                }
                let trainer: Trainer
                let resumePoint: Runner.ResumePoint?
                do {
                    // Runs at once share the cores: one BLAS thread each.
                    trainer = try config.makeTrainer(blasThreads: options.jobs > 1 ? 1 : nil, memory: options.memory)
                    resumePoint = try resumed.map { r in
                        Runner.ResumePoint(checkpoint: try TrainerCheckpoint(decoding: r.state), epochs: try store.epochs(run: r.run))
                    }
                } catch {
                    try store.finishRun(run: runID, status: .failed, error: "\(error)")
                    outcome.withLock { $0.failed += 1 }
                    events(.failed(index: index, message: "\(error)"))
                    continue
                }
                // The run's value for the sweep: its metric at the selected epoch, as the table reports it.
                var selection = Selection(metric: Metric.named(sweep.metric))
                for record in resumePoint?.epochs ?? [] { selection.add(record) }
                let result = try Runner(store: store, lockWait: options.lockWait).run(
                    config, trainer: trainer, version: options.version, opened: runID, resuming: resumePoint, interrupted: interrupted,
                    onRecord: { selection.add($0) })
                outcome.withLock {
                    switch result.status {
                    case .finished: $0.finished += 1
                    case .diverged: $0.diverged += 1
                    case .interrupted: $0.interrupted = true
                    default: $0.failed += 1
                    }
                }
                events(.finished(index: index, run: result.runID, status: result.status, value: selection.value,
                                 selecting: selection.selecting, selectedOn: selection.epoch == nil ? nil : selection.selectedOn.name))
            } catch {
                outcome.withLock { $0.failed += 1 }
                events(.failed(index: index, message: "\(error)"))
            }
        }
    }
}
