import Experiments
import Foundation
import Synchronization
import Tracking
import XCTest

/// A recorder that keeps what it is told in memory: another store standing where `RunStore` stands.
private final class MemoryRecorder: RunRecorder {
    struct Log { var started: [NewRun] = []; var epochs: [EpochRecord] = []; var snapshots: [Int] = []; var finished: [RunStatus] = [] }
    let log = Mutex(Log())

    func startRun(_ new: NewRun, identity: ProcessIdentity) throws(StoreError) -> Int64 {
        log.withLock { $0.started.append(new) }
        return 7
    }
    func recordEpoch(run: Int64, _ epoch: EpochRecord) throws(StoreError) { log.withLock { $0.epochs.append(epoch) } }
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
