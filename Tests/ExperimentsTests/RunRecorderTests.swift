import Experiments
import Foundation
import Neural
import Synchronization
import Tracking
import XCTest

/// A recorder that keeps what it is told in memory: another store standing where `RunStore` stands.
private final class MemoryRecorder: RunRecorder {
    struct Log {
        var started: [NewRun] = []; var epochs: [EpochRecord] = []; var snapshots: [Int] = []; var finished: [RunStatus] = []
        /// How many epochs each call brought.
        var batches: [Int] = []
        /// What each call of `record` brought, by kind.
        var calls: [[String]] = []
        /// When `startRun` returned, and when the trainer reported its first epoch.
        var opened: Date?, firstEpoch: Date?
        /// Calls of `record` under way now, and the most there were at once.
        var recording = 0, mostAtOnce = 0
    }
    let log = Mutex(Log())
    /// Seconds each write of epochs takes (a slow disk).
    let delay: Double
    /// Seconds opening a run takes, and the error it fails with, if any.
    let openDelay: Double, openError: StoreError?

    init(delay: Double = 0, openDelay: Double = 0, openError: StoreError? = nil) {
        self.delay = delay
        self.openDelay = openDelay
        self.openError = openError
    }

    func startRun(_ new: NewRun, identity: ProcessIdentity) throws(StoreError) -> Int64 {
        if openDelay > 0 { Thread.sleep(forTimeInterval: openDelay) }
        if let openError { throw openError }
        log.withLock { $0.started.append(new); $0.opened = Date() }
        return 7
    }
    func record(run: Int64, _ writes: [RunWrite]) throws(StoreError) {
        let epochs = writes.compactMap { if case .epoch(let e) = $0 { e } else { nil } }
        log.withLock { $0.recording += 1; $0.mostAtOnce = max($0.mostAtOnce, $0.recording) }
        defer { log.withLock { $0.recording -= 1 } }
        if delay > 0, !epochs.isEmpty { Thread.sleep(forTimeInterval: delay) }
        log.withLock { log in
            if !epochs.isEmpty { log.epochs += epochs; log.batches.append(epochs.count) }
            log.calls.append(writes.map { w in
                switch w {
                case .epoch(let e): "epoch \(e.epoch)"
                case .snapshot(let s): "snapshot \(s.epoch)"
                case .alerts: "alerts"
                case .checkpoint: "checkpoint"
                case .confusion: "confusion"
                case .inputTransform: "input transform"
                case .finish(let status, _, _): "finish \(status.rawValue)"
                }
            })
            for w in writes {
                switch w {
                case .snapshot(let s): log.snapshots.append(s.epoch)
                case .finish(let status, _, _): log.finished.append(status)
                default: break
                }
            }
        }
    }
    func beat(run: Int64) throws(StoreError) {}
}

final class RunRecorderTests: XCTestCase {
    /// Epochs that wait while a write is slow reach the store together, in order, in one call
    /// (one transaction for RunStore), instead of one commit each.
    func testEpochsThatWaitAreWrittenTogether() throws {
        let recorder = MemoryRecorder(delay: 0.05)
        let config = try RunSettings(["dataset": "circle", "layers": "4", "epochs": "40", "snapshots": "none"]).configuration()
        _ = try Runner(store: recorder).run(config, version: "t")
        let log = recorder.log.withLock { $0 }
        XCTAssertEqual(log.epochs.map(\.epoch), Array(1...40), "every epoch, in order")
        XCTAssertEqual(log.batches.reduce(0, +), 40)
        XCTAssertLessThan(log.batches.count, 10, "epochs queued behind a 50 ms write go in one call: \(log.batches)")
    }

    /// A fast run's epochs are not committed one by one: the writer waits a moment for the next
    /// ones, so a run of forty quick epochs reaches the store in a few calls, every epoch in order.
    func testAFastRunsEpochsAreWrittenAFewAtATime() throws {
        let recorder = MemoryRecorder()
        let config = try RunSettings(["dataset": "circle", "layers": "4", "epochs": "40", "snapshots": "none"]).configuration()
        _ = try Runner(store: recorder).run(config, version: "t")
        let log = recorder.log.withLock { $0 }
        XCTAssertEqual(log.epochs.map(\.epoch), Array(1...40), "every epoch, in order")
        XCTAssertLessThanOrEqual(log.batches.count, 10, "a batch gathers the epochs of a moment: \(log.batches)")
        XCTAssertEqual(log.finished, [.finished], "the run closed after its last epoch was written")
    }

    /// A writer that fell behind does not then commit whatever arrived during its last write, an
    /// epoch or two at a time: a trickle of epochs waits the batch window (25 ms) for the next
    /// pass. (Passing again at once made most of a tracked sweep's commits a few epochs each.)
    /// Epochs every 2 ms, writes of 5 ms: at most one pass per window, plus the opening's,
    /// the drain's and those a full queue starts.
    func testAWriterBehindATrickleOfEpochsWaitsAWindowBeforeWritingAgain() throws {
        let recorder = MemoryRecorder(delay: 0.005)
        let config = try RunSettings(["dataset": "circle", "layers": "4", "epochs": "100", "snapshots": "none"]).configuration()
        let start = Date()
        _ = try Runner(store: recorder).run(config, version: "t", onEpoch: { _ in Thread.sleep(forTimeInterval: 0.002) })
        let elapsed = Date().timeIntervalSince(start)
        let log = recorder.log.withLock { $0 }
        XCTAssertEqual(log.epochs.map(\.epoch), Array(1...100), "every epoch, in order")
        XCTAssertLessThanOrEqual(Double(log.batches.count), elapsed / 0.025 + 6, "\(elapsed) s: \(log.batches)")
    }

    /// Runs that share a write queue (a sweep's, a ``Lockstep`` group's members) take turns at
    /// the store: their writes never run at once, each waiting for the other's lock.
    func testRunsSharingAWriteQueueWriteOneAtATime() throws {
        let recorder = MemoryRecorder(delay: 0.01)
        let runner = Runner(store: recorder, writeQueue: DispatchQueue(label: "test.writes"))
        let configs = try (1...4).map { seed in
            try RunSettings(["dataset": "circle", "layers": "4", "epochs": "60", "snapshots": "none", "seed": "\(seed)"]).configuration()
        }
        let trainers = try configs.map { try $0.makeTrainer() }
        let sessions = try zip(configs, trainers).map { try runner.open($0, trainer: $1, version: "t", opened: 7) }
        let outcomes = try Lockstep(trainers).train { i, report in (try? sessions[i].observe(report).decision) ?? .stop }
        for (session, outcome) in zip(sessions, outcomes) { _ = try session.finish(outcome) }
        let log = recorder.log.withLock { $0 }
        XCTAssertEqual(log.epochs.count, 4 * 60, "every member's every epoch")
        XCTAssertEqual(log.mostAtOnce, 1, "one write at a time")
    }

    func testTheRunnerWritesThroughAnyRecorder() throws {
        let recorder = MemoryRecorder()
        let config = try RunSettings(["dataset": "circle", "layers": "4", "epochs": "6", "snapshot-every": "3"]).configuration()
        let result = try Runner(store: recorder).run(config, version: "t")
        XCTAssertEqual(result.runID, 7)
        let log = recorder.log.withLock { $0 }
        XCTAssertEqual(log.started.map(\.params), [config.params])
        XCTAssertEqual(log.epochs.map(\.epoch), Array(1...6))
        XCTAssertEqual(log.epochs.compactMap(\.snapshot?.epoch), [3, 6])
        XCTAssertEqual(log.snapshots.first, 0, "the initial weights")
        XCTAssertEqual(log.finished, [.finished])
    }

    /// A new run is opened by its writer while the first epoch trains: a store slow to open
    /// a run (a busy file, a remote tracker) does not hold training back.
    func testANewRunIsOpenedWhileItsFirstEpochTrains() throws {
        let recorder = MemoryRecorder(openDelay: 0.3)
        let config = try RunSettings(["dataset": "circle", "layers": "4", "epochs": "3", "snapshots": "none"]).configuration()
        let result = try Runner(store: recorder).run(config, version: "t", onEpoch: { report in
            if report.epoch == 1 { recorder.log.withLock { $0.firstEpoch = Date() } }
        })
        XCTAssertEqual(result.runID, 7)
        let log = recorder.log.withLock { $0 }
        let opened = try XCTUnwrap(log.opened), first = try XCTUnwrap(log.firstEpoch)
        XCTAssertLessThan(first, opened, "the first epoch trained while the store opened the run")
        XCTAssertEqual(log.epochs.map(\.epoch), [1, 2, 3], "and every epoch was written after it")
        XCTAssertEqual(log.finished, [.finished])
    }

    /// A store that cannot open the run fails the run with its error, and nothing is written
    /// for a run that does not exist. Training stops at the next step, not at the end of the
    /// epoch (2,000 steps here).
    func testARunTheStoreCannotOpenFailsWithItsError() throws {
        let recorder = MemoryRecorder(openError: .readOnly(path: "/ro.sqlite"))
        let config = try RunSettings(["dataset": "circle", "samples": "2500", "train-ratio": "80", "batch-size": "1", "layers": "4",
                                      "epochs": "3"]).configuration()
        var steps = 0
        // The first step waits for the writer's queue to have tried the open (a thread to wake).
        let checked = { () -> Bool in
            steps += 1
            if steps == 1 { Thread.sleep(forTimeInterval: 0.5) }
            return false
        }
        XCTAssertThrowsError(try Runner(store: recorder).run(config, version: "t", interrupted: checked)) { error in
            XCTAssertEqual("\(error)", "\(StoreError.readOnly(path: "/ro.sqlite"))")
        }
        XCTAssertEqual(recorder.log.withLock { $0.calls }, [], "no write for a run never opened")
        XCTAssertLessThan(steps, 10, "training stopped at the next step after the store failed, early in the first epoch")
    }

    /// A run's closing writes — the best weights held back, the selected epoch's confusion,
    /// its status — reach the store in one call (one transaction), however the writer's passes
    /// fall: a reader never sees a finished run without them. Runs of every length, so that
    /// passes start before, during and after the closing.
    func testARunsClosingWritesReachTheStoreTogether() throws {
        for epochs in [1, 2, 7, 30] {
            // Snapshots every 4 epochs: the best of the last epochs is held back until the close.
            let recorder = MemoryRecorder(delay: epochs == 30 ? 0.002 : 0)
            let config = try RunSettings(["dataset": "circle", "layers": "4", "epochs": "\(epochs)", "snapshot-every": "4",
                                          "lr": "0.3"]).configuration()
            _ = try Runner(store: recorder).run(config, version: "t")
            let calls = recorder.log.withLock { $0.calls }
            let closing = try XCTUnwrap(calls.last)
            XCTAssertEqual(closing.last, "finish finished", "\(epochs) epochs: \(calls)")
            XCTAssertTrue(closing.contains("confusion"), "the selected epoch's confusion closes with the run: \(calls)")
            XCTAssertEqual(calls.flatMap { $0 }.filter { $0.hasPrefix("finish") || $0 == "confusion" }.count, 2,
                           "written once, at the close: \(calls)")
        }
    }
}
