import Foundation
public import Neural
import Datasets
public import Tracking

/// One run between its opening and its closing: takes each epoch's report into the store
/// (through its background writer), keeps its heartbeat, checkpoint and best snapshot, and
/// closes the run with the status training ended with.
///
/// ``Runner/run(_:trainer:name:experiment:tags:version:opened:resuming:interrupted:onEpoch:onRecord:)``
/// drives one; a ``Lockstep`` group drives one per member, from one training loop.
public final class RunSession {
    private let store: any RunRecorder
    private let config: RunConfiguration
    private let trainer: Trainer
    private let heartbeat: Heartbeat
    private let writer: RunWriter
    private var recorder: EpochRecorder
    private let resumedAfter: Int?
    private let scale: TargetScale?
    /// Epochs shorter than this are finished on an interrupt (``Runner/interruptGrace``).
    private let interruptGrace: Double
    /// The trainer's state after an epoch (the last one, when that epoch was long enough to be
    /// abandoned on an interrupt), and the training time of the last checkpoint written.
    private var checkpoint: TrainerCheckpoint?
    private var trained = 0.0, checkpointed = 0.0
    private var last: EpochReport?
    private var seconds = 0.0
    private var closed = false
    /// What ``close(_:)`` decided: the outcome it closed with, the status and why training stopped.
    private var closing: (outcome: TrainingOutcome, status: RunStatus, stopReason: String?)?

    /// Starts the run's heartbeat and writer and queues what precedes the first epoch (its
    /// input transform and initial snapshot, after the run's opening when `writer` opens it); a
    /// resumed run's trainer continues from its checkpoint. On an error the run is closed as failed.
    init(runner: Runner, config: RunConfiguration, trainer: Trainer, writer: RunWriter, resuming: Runner.ResumePoint?) throws {
        store = runner.store
        self.config = config
        self.trainer = trainer
        self.writer = writer
        heartbeat = Heartbeat(store: store, run: { writer.run }, interval: runner.heartbeatInterval)
        let interval = config.tracking.snapshotInterval(epochs: config.training.epochs, planar: trainer.data.transform?.columns.count == 2,
                                                        parameters: trainer.engine.parameters.reduce(0) { $0 + $1.count })
        recorder = EpochRecorder(options: config.tracking, plannedEpochs: config.training.epochs, earlyStopping: config.earlyStopping,
                                 snapshotInterval: interval)
        resumedAfter = resuming?.checkpoint.epoch
        interruptGrace = runner.interruptGrace
        // A standardised regression target: every number recorded is in the target's own units.
        scale = trainer.data.transform?.targetScale
        // A resumed run: the trainer continues from the checkpoint, the recorder from the epochs stored up to it.
        if let resuming {
            do { try trainer.restore(resuming.checkpoint) } catch {
                fail(error)
                throw error
            }
            recorder.replay(resuming.epochs)
        }
        do {
            if let transform = trainer.data.transform {
                try writer.enqueue { (try? JSONEncoder.sorted.encode(transform)).map { .inputTransform(json: String(decoding: $0, as: UTF8.self)) } }
            }
            if resuming == nil, let initial = recorder.initialSnapshot(trainer.engine) { try writer.enqueue(.snapshot(initial)) }
        } catch {
            fail(error)
            throw error
        }
    }

    deinit { heartbeat.stop() }

    /// The run's id: `nil` until the store has opened it (on the writer's queue, for a run not
    /// opened before), and when opening it failed.
    public var runID: Int64? { writer.run }

    /// Whether a write to the store failed: training should stop at its next step (the error
    /// is thrown by the next ``observe(_:)`` or by ``finish(_:)``).
    public var storeFailed: Bool { writer.failed }

    /// Takes an epoch's report from the trainer into the store: the decision to hand back to
    /// the trainer, the epoch as recorded (metrics, health, alerts), and the report in the
    /// target's units. Throws when the store failed (the caller then calls ``fail(_:)``).
    public func observe(_ raw: EpochReport) throws -> (decision: TrainingDecision, record: EpochRecord, report: EpochReport) {
        let report = scale?.reported(raw) ?? raw
        let (epoch, earlierBest) = recorder.record(report)
        // A best held back goes before the epoch that lets it out.
        try writer.enqueue(earlierBest.map { [.snapshot($0), .epoch(epoch)] } ?? [.epoch(epoch)])
        // Written every checkpointInterval seconds of training and when the run is interrupted;
        // kept every epoch when epochs are long (an interrupt abandons the epoch in progress and
        // the run resumes after the last whole one), while an interrupt finishes a short one.
        let abandons = report.seconds >= interruptGrace
        trainer.finishesEpochOnInterrupt = !abandons
        trained += report.seconds
        let due = trained - checkpointed >= Runner.checkpointInterval
        if abandons || due { trainer.keepCheckpoint(after: report.epoch, tensors: report.layers.flatMap(\.tensors), in: &checkpoint) }
        if due, let state = try checkpoint?.encoded() {
            try writer.enqueue(.checkpoint(epoch: report.epoch, state: state))
            checkpointed = trained
        }
        last = report
        seconds += report.seconds
        let stops = recorder.stopsEarly || (config.tracking.stopOnExploding && recorder.exploded)
        return (stops ? .stop : .proceed, epoch, report)
    }

    /// Closes the run as failed after `error` (training or the store failed), writing what the
    /// writer still holds where it can.
    public func fail(_ error: any Error) {
        guard !closed else { return }
        closed = true
        heartbeat.stop()
        _ = try? writer.drain()
        if let run = writer.run { try? store.finishRun(run: run, status: .failed, error: "\(error)") }
    }

    /// Queues the run's closing writes behind its epochs — the closing snapshots, the selected
    /// epoch's confusion, an interrupted run's checkpoint or a diverged run's alert, and its
    /// status — without waiting for them: a ``Lockstep`` group closes every member this way and
    /// then waits for them together (one after another, each member's wait met the store's
    /// writer busy with the other runs' epochs). ``finish(_:)`` closes the run if this was not called.
    public func close(_ outcome: TrainingOutcome) throws {
        guard closing == nil else { return }
        let stopReason = recorder.stopReason(at: outcome.epochs)
        let status: RunStatus
        var message: String?
        switch outcome.reason {
        case .completed: status = .finished
        case .stoppedByObserver where stopReason != nil: status = .finished
        case .stoppedByObserver:
            status = .diverged
            message = "stopped at epoch \(outcome.epochs) on exploding gradients (stop-on-exploding)"
        case .interrupted: status = .interrupted
        case let .diverged(_, reason):
            status = .diverged
            message = reason
        }
        closing = (outcome, status, stopReason)
        do {
            // One list: the store writes them in one transaction, the status with what it closes.
            var writes = recorder.closingSnapshots().map(RunWrite.snapshot)
            if let confusion = recorder.selectedConfusion { writes.append(.confusion(confusion)) }
            if case .interrupted = outcome.reason {
                // Not kept after the last epoch: the trainer finished it and stopped at its end.
                if let last, checkpoint?.epoch != last.epoch { trainer.keepCheckpoint(after: last.epoch, in: &checkpoint) }
                if let checkpoint { writes.append(.checkpoint(epoch: checkpoint.epoch, state: try checkpoint.encoded())) }
            }
            if case let .diverged(epoch, reason) = outcome.reason {
                writes.append(.alerts(epoch: epoch, [HealthMonitor.nanAlert(epoch: epoch, message: reason)]))
            }
            writes.append(.finish(status: status, error: message, stopReason: stopReason))
            try writer.enqueue(writes)
        } catch {
            fail(error)
            throw error
        }
    }

    /// Closes the run (``close(_:)``) and waits until everything it wrote is stored.
    public func finish(_ outcome: TrainingOutcome) throws -> Runner.Result {
        try close(outcome)
        let (runID, storeSeconds): (Int64, Double)
        do {
            (runID, storeSeconds) = try writer.drain()
        } catch {
            fail(error)
            throw error
        }
        closed = true
        heartbeat.stop()
        let (outcome, status, stopReason) = closing!
        return Runner.Result(runID: runID, status: status, outcome: outcome, stopReason: stopReason, last: last, lastRecord: recorder.lastMetrics,
                             selected: recorder.selected,
                             selectedBy: recorder.selected == nil ? nil : recorder.selection.selectedOn, seconds: seconds,
                             storeSeconds: storeSeconds, missing: trainer.data.missing, targetUnits: trainer.data.transform?.targetScale != nil,
                             resumedAfter: resumedAfter, kernels: trainer.engine.layers.map(\.kernel),
                             threads: trainer.engine.workers?.size ?? 1)
    }
}
