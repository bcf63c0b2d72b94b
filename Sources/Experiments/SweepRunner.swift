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
        /// Train configurations of one shape together, up to ``Lockstep/width`` at a time, as
        /// one computation (each still its own run, with the numbers it has alone).
        public var lockstep: Bool

        public init(jobs: Int, shard: SweepSlice? = nil, retryFailed: Bool = false, version: String, lockWait: Double = Runner.defaultLockWait,
                    memory: MemoryBudget = .standard, lockstep: Bool = true) {
            self.lockstep = lockstep
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
        /// These configurations train together, as one ``Lockstep`` computation.
        case together(indices: [Int])
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
    /// Groups of configurations still to run: one alone, or several to train together.
    private let queue: Mutex<[[Int]]>
    private let outcome = Mutex(Outcome())
    /// The queue every run of the sweep writes the store on (``Runner/writeQueue``).
    private let writes = DispatchQueue(label: "gradbook.sweep-writer")

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
        let groups = options.lockstep ? Self.groups(todo, of: sweep, jobs: options.jobs) : todo.map { [$0] }
        queue.withLock { $0 = groups }
        try store.setSweepStatus(sweep.id, .running)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.jobs, groups.count)) {
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

    /// The configurations `todo` in groups that may train together: same data and network,
    /// differing in seed, learning rate, schedule and epochs (``RunConfiguration/lockstepKey``),
    /// each group at most ``Lockstep/width`` and the groups of a kind as even as they can be;
    /// large groups are halved while there are fewer groups than `jobs`, so no core idles.
    static func groups(_ todo: [Int], of sweep: StoredSweep, jobs: Int) -> [[Int]] {
        var kinds: [String: [Int]] = [:], order: [String] = []
        for index in todo {
            let key = (try? configuration(index, of: sweep))?.lockstepKey ?? "#\(index)"
            if kinds[key] == nil { order.append(key) }
            kinds[key, default: []].append(index)
        }
        var groups: [[Int]] = []
        for key in order {
            let members = kinds[key]!, count = (members.count + Lockstep.width - 1) / Lockstep.width
            let size = (members.count + count - 1) / count
            groups += stride(from: 0, to: members.count, by: size).map { Array(members[$0..<min($0 + size, members.count)]) }
        }
        while groups.count < jobs, let widest = groups.indices.max(by: { groups[$0].count < groups[$1].count }), groups[widest].count > 1 {
            let members = groups[widest], half = (members.count + 1) / 2
            groups[widest] = Array(members[..<half])
            groups.insert(Array(members[half...]), at: widest + 1)
        }
        return groups
    }

    private func work(interrupted: @escaping @Sendable () -> Bool, events: @Sendable (Event) -> Void) {
        while !interrupted(), let ready = next(events: events) {
            // A resumed run continues alone from its checkpoint; the fresh ones train together.
            let fresh = ready.filter { $0.resuming == nil }
            if fresh.count > 1 {
                train(fresh, interrupted: interrupted, events: events)
            } else {
                for run in fresh { train(run, interrupted: interrupted, events: events) }
            }
            // Every claimed run is trained (or closed as interrupted at once): none is left running.
            for run in ready where run.resuming != nil { train(run, interrupted: interrupted, events: events) }
        }
    }

    /// The next group's configurations, claimed: several that train together, or one. Taken
    /// from the queue and claimed under its lock, so that runs are numbered in the order of
    /// the queue whichever thread gets there first. A group's trainers are made before anything
    /// is claimed: a group that cannot train together goes back to the queue one by one, each
    /// configuration claimed only when its turn comes. `nil` when the queue is empty.
    private func next(events: @Sendable (Event) -> Void) -> [Ready]? {
        queue.withLock { queue -> [Ready]? in
            while let indices = queue.first {
                queue.removeFirst()
                guard indices.count > 1 else { return prepare(indices, events: events) }
                let trainers = indices.compactMap(trainer)
                guard trainers.count == indices.count, Lockstep.obstacle(trainers) == nil else {
                    queue.insert(contentsOf: indices.map { [$0] }, at: 0)
                    continue
                }
                return prepare(indices, trainers: trainers, events: events)
            }
            return nil
        }
    }

    /// Configuration `index` of `sweep`, as stored.
    private static func configuration(_ index: Int, of sweep: StoredSweep) throws -> RunConfiguration {
        try JSONDecoder().decode(RunConfiguration.self, from: Data(sweep.configs[index].configJSON.utf8))
    }

    /// A trainer for `config`. Runs at once share the cores: one BLAS thread each.
    private func makeTrainer(_ config: RunConfiguration) throws -> Trainer {
        try config.makeTrainer(blasThreads: options.jobs > 1 ? 1 : nil, memory: options.memory)
    }

    /// Configuration `index`'s trainer, when it can be made (else the configuration runs
    /// alone, where the error is recorded).
    private func trainer(_ index: Int) -> Trainer? {
        try? makeTrainer(Self.configuration(index, of: sweep))
    }

    /// A configuration claimed, its run opened and its trainer made: ready to train.
    private struct Ready {
        let index: Int
        let config: RunConfiguration
        let runID: Int64
        let trainer: Trainer
        let resuming: Runner.ResumePoint?
    }

    /// Claims configurations `indices` (all in one transaction: a group waits for the store's
    /// writer once) and makes their trainers unless `trainers` are given; leaves out those
    /// another process claimed and those that failed (recorded, and said through `events`).
    private func prepare(_ indices: [Int], trainers: [Trainer]? = nil, events: @Sendable (Event) -> Void) -> [Ready] {
        var ready = [Ready?](repeating: nil, count: indices.count)
        var claims: [(position: Int, config: RunConfiguration, new: NewRun)] = []
        for (position, index) in indices.enumerated() {
            events(.started(index: index))
            do {
                let config = try Self.configuration(index, of: sweep)
                // An interrupted or crashed run with a checkpoint continues; otherwise a new run is claimed.
                if let resumed = try store.resumeConfiguration(sweep: sweep.id, index: index, identity: .current) {
                    ready[position] = made(index, config, run: resumed.run, trainer: trainers?[position], resumed: resumed, events: events)
                } else {
                    claims.append((position, config, try Runner.newRun(config, name: "\(sweep.name)/\(index)", experiment: sweep.experiment,
                                                                       version: options.version, sweep: (sweep.id, index))))
                }
            } catch {
                failed(index, error, events: events)
            }
        }
        do {
            // A configuration is claimed and its run opened in one transaction: two processes
            // running the same sweep never train it twice.
            let runs = try store.claimConfigurations(claims.map(\.new), retryFailed: options.retryFailed, identity: .current)
            for (claim, run) in zip(claims, runs) {
                let index = indices[claim.position]
                guard let run else { events(.skipped(index: index)); continue }
                ready[claim.position] = made(index, claim.config, run: run, trainer: trainers?[claim.position], resumed: nil, events: events)
            }
        } catch {
            for claim in claims { failed(indices[claim.position], error, events: events) }
        }
        return ready.compactMap { $0 }
    }

    /// A claimed configuration made ready: its trainer (made here unless given), and the point
    /// a resumed run goes on from; `nil` when that fails (the run closed as failed, and said).
    private func made(_ index: Int, _ config: RunConfiguration, run: Int64, trainer made: Trainer?,
                      resumed: (run: Int64, epoch: Int, state: Data)?, events: @Sendable (Event) -> Void) -> Ready? {
        do {
            let trainer = try made ?? makeTrainer(config)
            let resuming = try resumed.map { r in
                Runner.ResumePoint(checkpoint: try TrainerCheckpoint(decoding: r.state), epochs: try store.epochs(run: r.run))
            }
            return Ready(index: index, config: config, runID: run, trainer: trainer, resuming: resuming)
        } catch {
            try? store.finishRun(run: run, status: .failed, error: "\(error)")
            failed(index, error, events: events)
            return nil
        }
    }

    /// The run's value for the sweep: its metric at the selected epoch, as the table reports
    /// it, from the epochs a resumed run had already.
    private func selection(_ run: Ready) -> Selection {
        var selection = Selection(metric: Metric.named(sweep.metric))
        for record in run.resuming?.epochs ?? [] { selection.add(record) }
        return selection
    }

    private func train(_ run: Ready, interrupted: () -> Bool, events: @Sendable (Event) -> Void) {
        var selection = selection(run)
        do {
            let result = try Runner(store: store, lockWait: options.lockWait, writeQueue: writes).run(
                run.config, trainer: run.trainer, version: options.version, opened: run.runID, resuming: run.resuming, interrupted: interrupted,
                onRecord: { selection.add($0) })
            finished(run.index, result, selection, events: events)
        } catch {
            failed(run.index, error, events: events)
        }
    }

    /// Trains `runs` as one ``Lockstep`` group, each recorded as its own run.
    private func train(_ runs: [Ready], interrupted: () -> Bool, events: @Sendable (Event) -> Void) {
        var sessions: [RunSession] = [], members: [Ready] = []
        for run in runs {
            do {
                sessions.append(try Runner(store: store, lockWait: options.lockWait, writeQueue: writes).open(run.config, trainer: run.trainer, version: options.version,
                                                                                        opened: run.runID))
                members.append(run)
            } catch {
                failed(run.index, error, events: events)
            }
        }
        // The runs that opened are a group of one shape still (a group of one trains as it does alone).
        guard !members.isEmpty, let group = try? Lockstep(members.map(\.trainer)) else { return }
        if members.count > 1 { events(.together(indices: members.map(\.index))) }
        var selections = members.map(selection)
        var errors = [(any Error)?](repeating: nil, count: members.count)
        let outcomes = group.train(interrupted: interrupted) { i, report in
            do {
                let observed = try sessions[i].observe(report)
                selections[i].add(observed.record)
                return observed.decision
            } catch {
                errors[i] = error
                return .stop
            }
        }
        // Every member's closing writes are queued before any is waited for.
        for i in members.indices where errors[i] == nil {
            do { try sessions[i].close(outcomes[i]) } catch { errors[i] = error }
        }
        for (i, run) in members.enumerated() {
            do {
                if let error = errors[i] { throw error }
                finished(run.index, try sessions[i].finish(outcomes[i]), selections[i], events: events)
            } catch {
                sessions[i].fail(error)
                failed(run.index, error, events: events)
            }
        }
    }

    /// Counts a configuration that failed and says so.
    private func failed(_ index: Int, _ error: any Error, events: @Sendable (Event) -> Void) {
        outcome.withLock { $0.failed += 1 }
        events(.failed(index: index, message: "\(error)"))
    }

    /// Counts a recorded run's result and says so.
    private func finished(_ index: Int, _ result: Runner.Result, _ selection: Selection, events: @Sendable (Event) -> Void) {
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
    }
}
