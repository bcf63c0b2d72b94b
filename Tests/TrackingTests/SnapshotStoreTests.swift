import GradbookTestSupport
import Foundation
import GRDB
import Tracking
import XCTest

final class SnapshotStoreTests: StoreTestCase {
    private func tensor(_ v: Float) -> [TensorRecord] {
        [TensorRecord(layer: 0, name: "weight", shape: [2, 2], values: [v, -v, 0.5, .pi]), TensorRecord(layer: 0, name: "bias", shape: [2], values: [1, 2])]
    }

    func testANewBestSnapshotReplacesTheOldOneUnlessKeptForAnotherReason() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        try store.recordSnapshot(run: id, SnapshotRecord(epoch: 0, initial: true, tensors: tensor(0)))
        for (epoch, every) in [(1, false), (2, true), (3, false)] {
            var e = EpochRecord(epoch: epoch, testLoss: 1 / Double(epoch))
            e.snapshot = SnapshotRecord(epoch: epoch, every: every, best: true, tensors: tensor(Float(epoch)))
            try store.recordEpoch(run: id, e)
        }
        let kept = try store.snapshots(run: id)
        XCTAssertEqual(kept.map(\.epoch), [0, 2, 3], "epoch 1 lost its only reason; epoch 2 is kept as an every-N snapshot")
        XCTAssertEqual(kept.map(\.best), [false, false, true])
        XCTAssertEqual(try store.snapshotTensors(run: id, epoch: 3), tensor(3).sorted { $0.name < $1.name }.map { t in
            var t = t
            (t.runID, t.epoch) = (id, 3)
            return t
        })
        let orphans = try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM snapshot_tensors WHERE epoch = 1") }
        XCTAssertEqual(orphans, 0)
    }

    func testTensorsAreLittleEndianFloat32() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        try store.recordSnapshot(run: id, SnapshotRecord(epoch: 0, initial: true, tensors: tensor(1.5)))
        let blob = try RawDatabase.read(store.path) { try Data.fetchOne($0, sql: "SELECT data FROM snapshot_tensors WHERE name = 'weight'") }
        // 1.5 is 0x3FC00000: little-endian bytes 00 00 C0 3F.
        XCTAssertEqual(Array(try XCTUnwrap(blob).prefix(8)), [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0xC0, 0xBF])
    }

    func testNPYHeaderIsNumPysVersionOneFormat() {
        let data = NPYFile.data(shape: [3], values: [1, 2, 3])
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
        var expected = Data([0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0])
        expected.append(contentsOf: (header + String(repeating: " ", count: 128 - 10 - header.utf8.count - 1) + "\n").utf8)
        expected.append(contentsOf: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40])
        XCTAssertEqual(data, expected)
    }

    func testAlertsAreStoredPerEpochAndSummarisedByFirstEpoch() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        for epoch in 1...4 {
            var e = EpochRecord(epoch: epoch, trainLoss: 1)
            if epoch >= 2 { e.alerts = [AlertRecord(epoch: 0, kind: .deadReLU, layer: 1, value: 0.75, threshold: 0.5, message: "6 of 8 dead")] }
            try store.recordEpoch(run: id, e)
        }
        try store.recordAlerts(run: id, epoch: 5, [AlertRecord(epoch: 0, kind: .nan, layer: -1, value: nil, threshold: nil, message: "loss nan")])
        let stored = try store.alerts(run: id)
        XCTAssertEqual(stored.map(\.epoch), [2, 3, 4, 5])
        // Every field as it was raised (the severity the kind's usual one).
        var first = AlertRecord(epoch: 2, kind: .deadReLU, layer: 1, value: 0.75, threshold: 0.5, message: "6 of 8 dead")
        first.runID = id
        var last = AlertRecord(epoch: 5, kind: .nan, layer: -1, value: nil, threshold: nil, message: "loss nan")
        last.runID = id
        XCTAssertEqual(stored.first, first)
        XCTAssertEqual(stored.last, last)
        XCTAssertEqual(stored.last?.severity, .critical)
        let summary = try RawDatabase.read(store.path) { try Row.fetchAll($0, sql: "SELECT kind, layer, first_epoch, last_epoch, epochs FROM alert_summary ORDER BY kind") }
        XCTAssertEqual(summary.map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int)-\($0[3] as Int) x\($0[4] as Int)" },
                       ["dead_relu 1 2-4 x3", "nan -1 5-5 x1"])
    }
}
