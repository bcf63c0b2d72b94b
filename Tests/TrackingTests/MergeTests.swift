import Foundation
import GRDB
import GradbookTestSupport
import Tracking
import XCTest

final class MergeTests: StoreTestCase {
    /// A fixture store with every table of a run filled (notes too) merged into an empty one
    /// arrives whole: every row of every ``RunTable``, every column but the local numbering.
    func testEveryTableOfARunIsCopied() throws {
        let source = try QueryFixture.make(at: path("source.sqlite"))
        try source.addNote(run: 1, "kept")
        try source.close()
        let merged = try RunStore(path: path("merged.sqlite"))
        let report = try merged.merge(from: path("source.sqlite"))
        XCTAssertEqual(report.runsAdded, 4)
        try merged.close()
        let before = try StoreTables.rows(path("source.sqlite"), key: "r.uuid"), after = try StoreTables.rows(path("merged.sqlite"), key: "r.uuid")
        for table in RunTable.all.map(\.name) {
            XCTAssertEqual(after[table], before[table], table)
        }
        XCTAssertTrue(RunTable.all.allSatisfy { !(before[$0.name] ?? []).isEmpty }, "the fixture fills every table")
    }

    /// A run merged while it trained is brought up to date by merging its shard again; an older
    /// copy never replaces a newer one; a copy that did not move adds nothing.
    func testARunThatMovedOnIsBroughtUpToDate() throws {
        let shard = try RunStore(path: path("shard.sqlite"))
        let id = try shard.startRun(sampleRun("long"))
        for epoch in 1...2 { try shard.recordEpoch(run: id, EpochRecord(epoch: epoch, trainLoss: 1 / Double(epoch))) }
        try shard.copy(to: path("early.sqlite"))
        let merged = try RunStore(path: path("merged.sqlite"))
        let first = try merged.merge(from: path("shard.sqlite"))
        XCTAssertEqual(first.runsAdded, 1)
        XCTAssertEqual(first.stillRunning.count, 1, "a run still training is named")
        // The shard goes on: three more epochs, an alert, its final weights, finished.
        for epoch in 3...5 {
            var e = EpochRecord(epoch: epoch, trainLoss: 1 / Double(epoch))
            if epoch == 4 { e.alerts = [AlertRecord(epoch: 4, kind: .saturation, layer: 0, value: 0.9, threshold: 0.5, message: "m")] }
            if epoch == 5 { e.snapshot = SnapshotRecord(epoch: 5, final: true, tensors: [TensorRecord(layer: 0, name: "weight", shape: [1], values: [2])]) }
            try shard.recordEpoch(run: id, e)
        }
        try shard.finishRun(run: id, status: .finished)
        let second = try merged.merge(from: path("shard.sqlite"))
        XCTAssertEqual([second.runsAdded, second.runsUpdated, second.runsAlreadyPresent], [0, 1, 0])
        XCTAssertEqual(second.stillRunning, [])
        let run = try merged.run("1")
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(try merged.epochs(run: run.id).map(\.epoch), [1, 2, 3, 4, 5])
        XCTAssertEqual(try merged.alerts(run: run.id).map(\.kind), [.saturation])
        XCTAssertEqual(try merged.snapshots(run: run.id).map(\.epoch), [5])
        XCTAssertEqual(try merged.runs().count, 1, "brought up to date, not copied twice")
        // An earlier copy of the shard changes nothing; the same copy again neither.
        XCTAssertEqual(try merged.merge(from: path("early.sqlite")).runsAlreadyPresent, 1)
        XCTAssertEqual(try merged.epochs(run: run.id).count, 5)
        XCTAssertEqual(try merged.merge(from: path("shard.sqlite")), RunStore.MergeReport(runsAlreadyPresent: 1))
    }

    /// After a merge a sweep's status says what its configurations say, whatever the shards said.
    func testASweepsStatusIsWorkedOutFromItsConfigurations() throws {
        let configs = (0..<3).map { SweepConfig(index: $0, settingsJSON: "{}", configJSON: "{\"i\":\($0)}") }
        let new = NewSweep(name: "s", experiment: nil, method: "grid", metric: "test_loss", goal: .minimize, specJSON: "{}", configs: configs)
        for (file, indices) in [("one.sqlite", [0]), ("two.sqlite", [1, 2])] {
            let shard = try RunStore(path: path(file))
            let sweep = try shard.openSweep(new)
            for i in indices {
                var run = sampleRun("#\(i)")
                (run.sweepID, run.sweepIndex) = (sweep.id, i)
                try shard.finishRun(run: try shard.startRun(run), status: .finished)
            }
            try shard.setSweepStatus(sweep.id, .finished)
            try shard.close()
        }
        let merged = try RunStore(path: path("merged.sqlite"))
        _ = try merged.merge(from: path("one.sqlite"))
        XCTAssertEqual(try merged.sweep(named: "s")?.status, .interrupted, "two configurations are missing, whatever shard one says")
        _ = try merged.merge(from: path("two.sqlite"))
        XCTAssertEqual(try merged.sweep(named: "s")?.status, .finished)
    }

    /// A store named as its own source, however spelled, and a missing source are refused before
    /// anything is written.
    func testItselfAndMissingSourcesAreRefusedBeforeAnyWrite() throws {
        let store = try RunStore(path: path())
        _ = try store.startRun(sampleRun())
        let link = folder.appendingPathComponent("alias.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: path())
        XCTAssertThrowsError(try store.checkMergeSources([folder.appendingPathComponent("./alias.sqlite").path])) { error in
            guard case .mergeIntoItself = error as? StoreError else { return XCTFail("\(error)") }
        }
        try QueryFixture.make(at: path("good.sqlite")).close()
        XCTAssertThrowsError(try store.checkMergeSources([path("good.sqlite"), path("gone.sqlite")])) { error in
            XCTAssertTrue("\(error)".contains("gone.sqlite") && "\(error)".contains("no such file"), "\(error)")
        }
        XCTAssertEqual(try store.runs().count, 1, "nothing merged")
    }
}
