import Experiments
import Foundation
import Synchronization
import Tracking
import XCTest

/// A recorder that keeps what it is told in memory: another store standing where `RunStore` stands.
private final class MemoryRecorder: RunRecorder {
    struct Log {
        var started: [NewRun] = []; var epochs: [EpochRecord] = []; var snapshots: [Int] = []; var finished: [RunStatus] = []
        /// How many epochs each call brought.
        var batches: [Int] = []
    }
    let log = Mutex(Log())
    /// Seconds each write of epochs takes (a slow disk).
    let delay: Double

    init(delay: Double = 0) { self.delay = delay }

    func startRun(_ new: NewRun, identity: ProcessIdentity) throws(StoreError) -> Int64 {
        log.withLock { $0.started.append(new) }
        return 7
    }
    func recordEpoch(run: Int64, _ epoch: EpochRecord) throws(StoreError) { try recordEpochs(run: run, [epoch]) }
    func recordEpochs(run: Int64, _ epochs: [EpochRecord]) throws(StoreError) {
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        log.withLock { $0.epochs += epochs; $0.batches.append(epochs.count) }
    }
    func recordSnapshot(run: Int64, _ snapshot: SnapshotRecord) throws(StoreError) { log.withLock { $0.snapshots.append(snapshot.epoch) } }
    func recordAlerts(run: Int64, epoch: Int, _ alerts: [AlertRecord]) throws(StoreError) {}
    func recordConfusion(run: Int64, _ confusion: ConfusionRecord) throws(StoreError) {}
    func recordCheckpoint(run: Int64, epoch: Int, state: Data) throws(StoreError) {}
    func beat(run: Int64) throws(StoreError) {}
    func recordInputTransform(run: Int64, json: String) throws(StoreError) {}
    func finishRun(run: Int64, status: RunStatus, error: String?, stopReason: String?) throws(StoreError) {
        log.withLock { $0.finished.append(status) }
    }
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
}
