import GradbookTestSupport
import Foundation
import GRDB
import Tracking
import XCTest

final class RunStoreTests: StoreTestCase {
    func testRunIsRecordedAndReadBackExactly() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun("alpha"))
        let epochs = [
            EpochRecord(epoch: 1, trainLoss: 0.9, testLoss: 0.95, trainAccuracy: 0.5, testAccuracy: 0.45, learningRate: 0.03, seconds: 0.01,
                        extra: ["grad_norm": 1.5]),
            EpochRecord(epoch: 2, trainLoss: 0.5, testLoss: 0.6, trainAccuracy: 0.8, testAccuracy: 0.7, learningRate: 0.03, seconds: 0.012,
                        extra: ["grad_norm": 0.75]),
            EpochRecord(epoch: 3, trainLoss: 0.3, testLoss: 0.65, trainAccuracy: 0.9, testAccuracy: 0.72, learningRate: 0.03, seconds: 0.011),
        ]
        for e in epochs { try store.recordEpoch(run: id, e) }
        try store.finishRun(run: id, status: .finished)

        let reopened = try RunStore(path: path())
        let run = try reopened.run("\(id)")
        XCTAssertEqual(run.name, "alpha")
        XCTAssertEqual(run.experiment, "exp")
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(run.seed, 7)
        XCTAssertEqual(run.epochsDone, 3)
        XCTAssertEqual(run.epochsPlanned, 3)
        XCTAssertEqual(run.pid, getpid())
        XCTAssertEqual(run.configJSON, #"{"lr":0.03}"#)
        XCTAssertNotNil(run.endedAt)
        XCTAssertEqual(try reopened.run(String(run.uuid.prefix(8))).id, id, "a uuid prefix finds the run")
        // Read back with the run and the time the store gave them.
        let read = try reopened.epochs(run: id)
        XCTAssertEqual(read.map(\.runID), [id, id, id])
        // UTC text in SQLite's own format, within a minute of SQLite's clock.
        let sqliteNow = try XCTUnwrap(try RawDatabase.read(path()) { try String.fetchOne($0, sql: "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')") })
        for e in read {
            let stamp = try XCTUnwrap(e.recordedAt)
            XCTAssertNotNil(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}/), stamp)
            let format = DateFormatter()
            format.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
            format.timeZone = TimeZone(identifier: "UTC")
            let gap = try XCTUnwrap(format.date(from: sqliteNow)).timeIntervalSince(try XCTUnwrap(format.date(from: stamp)))
            XCTAssertLessThan(abs(gap), 60, "written in UTC, by the same clock SQLite reads")
        }
        XCTAssertEqual(read.map { var e = $0; e.runID = 0; e.recordedAt = nil; return e }, epochs)
        XCTAssertEqual(try reopened.params(run: id), ["lr": .number(0.03), "activation": .text("relu"), "batch_size": .integer(10),
                                                      "batch_norm": .integer(0), "clip_norm": .none])
        XCTAssertEqual(try reopened.tags(run: id), ["team": "vision"])
    }

    func testParamsAreQueryableAsNumbers() throws {
        let store = try RunStore(path: path())
        for lr in [0.3, 0.1, 0.03, 0.01] { _ = try store.startRun(sampleRun("lr\(lr)", lr: lr)) }
        let names = try RawDatabase.read(store.path) { db in
            try String.fetchAll(db, sql: """
                SELECT r.name FROM runs r JOIN params p ON p.run_id = r.id
                WHERE p.name = 'lr' AND p.value < 0.1 AND typeof(p.value) = 'real' ORDER BY p.value
                """)
        }
        XCTAssertEqual(names, ["lr0.01", "lr0.03"])
        let exact = try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM params WHERE name = 'lr' AND value = 0.03") }
        XCTAssertEqual(exact, 1)
    }

    func testViewsGiveFinalAndBestMetricsAndLongCurves() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        for (i, loss) in [0.8, 0.4, 0.5].enumerated() {
            try store.recordEpoch(run: id, EpochRecord(epoch: i + 1, trainLoss: loss - 0.1, testLoss: loss, trainAccuracy: 0.5,
                                                       testAccuracy: 1 - loss, learningRate: 0.03, seconds: 0.1, extra: ["x": Double(i)]))
        }
        try store.finishRun(run: id, status: .finished)
        let row = try XCTUnwrap(try RawDatabase.read(store.path) { try Row.fetchOne($0, sql: "SELECT * FROM run_summary WHERE run_id = ?", arguments: [id]) })
        XCTAssertEqual(row["final_test_loss"], 0.5)
        XCTAssertEqual(row["best_test_loss"], 0.4)
        XCTAssertEqual(row["best_test_loss_epoch"], 2)
        XCTAssertEqual(row["activation"], "relu")
        XCTAssertEqual(row["lr"], 0.03)
        XCTAssertEqual(row["experiment"], "exp")
        XCTAssertEqual(row["status"], "finished")
        let curve = try RawDatabase.read(store.path) { try Double.fetchAll($0, sql: "SELECT value FROM curves WHERE run_id = ? AND metric = 'test_loss' ORDER BY epoch", arguments: [id]) }
        XCTAssertEqual(curve, [0.8, 0.4, 0.5])
        let extra = try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM curves WHERE metric = 'x'") }
        XCTAssertEqual(extra, 3)
    }

    func testNonFiniteValuesAreStoredAsNull() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        try store.recordEpoch(run: id, EpochRecord(epoch: 1, trainLoss: .nan, testLoss: .infinity, extra: ["g": .nan]))
        let e = try store.epochs(run: id)
        XCTAssertEqual(e.count, 1)
        XCTAssertNil(e[0].trainLoss)
        XCTAssertNil(e[0].testLoss)
    }

    func testAnEpochIsWrittenWholeOrNotAtAll() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        try store.recordEpoch(run: id, EpochRecord(epoch: 1, trainLoss: 1, extra: ["a": 1]))
        // Epoch 1 again violates the primary key after nothing else was written for it:
        // the transaction rolls back, taking the extra metric with it.
        XCTAssertThrowsError(try store.recordEpoch(run: id, EpochRecord(epoch: 1, trainLoss: 2, extra: ["b": 2])))
        XCTAssertEqual(try store.epochs(run: id).map(\.trainLoss), [1])
        let extras = try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM metrics") }
        XCTAssertEqual(extras, 1)
    }

    /// Every field of a layer's health row and of an extra metric comes back as written (the
    /// rows go through their own column lists and prepared statements, not GRDB's encoding).
    func testLayerHealthAndExtraMetricsReadBackExactly() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        let layer = LayerHealthRecord(layer: 1, units: 8, activation: "tanh", gradNormMean: 0.11, gradNormMax: 0.12,
                                      biasGradNormMean: 0.13, biasGradNormMax: 0.14, weightNorm: 0.15, updateRatio: 0.16,
                                      actMean: 0.17, actStd: 0.18, deadUnits: 2, deadFraction: 0.19, saturatedFraction: 0.2,
                                      evalActMean: 0.21, evalActStd: 0.22, evalDeadUnits: 3, evalSaturatedFraction: 0.23)
        var epoch = EpochRecord(epoch: 4, trainLoss: 1, extra: ["grad_norm": 0.5, "val_auc": 0.75, "my_metric": 2.5])
        epoch.layers = [layer]
        try store.recordEpoch(run: id, epoch)
        var expected = layer
        (expected.runID, expected.epoch) = (id, 4)
        XCTAssertEqual(try RawDatabase.read(store.path) { try LayerHealthRecord.fetchAll($0) }, [expected])
        func rows(_ sql: String) throws -> [String] {
            try RawDatabase.read(store.path) { db in
                try Row.fetchAll(db, sql: sql).map {
                    "\($0["run_id"] as Int64) \($0["epoch"] as Int) \($0["name"] as String) \($0["value"] as Double)"
                }
            }
        }
        // The catalogue's metrics are columns of the epoch's one row; a metric of the run's own
        // is a row of `extra_metrics`; the `metrics` view shows both in long form, as before.
        let columns = try RawDatabase.read(store.path) { try Row.fetchOne($0, sql: "SELECT grad_norm, val_auc, val_loss FROM epochs") }
        XCTAssertEqual(columns?[0] as Double?, 0.5)
        XCTAssertEqual(columns?[1] as Double?, 0.75)
        XCTAssertNil(columns?[2] as Double?)
        XCTAssertEqual(try rows("SELECT run_id, epoch, name, value FROM extra_metrics"), ["\(id) 4 my_metric 2.5"])
        XCTAssertEqual(try rows("SELECT run_id, epoch, name, value FROM metrics ORDER BY name"),
                       ["\(id) 4 grad_norm 0.5", "\(id) 4 my_metric 2.5", "\(id) 4 val_auc 0.75"])
        XCTAssertEqual(try store.epochs(run: id).map(\.extra), [["grad_norm": 0.5, "val_auc": 0.75, "my_metric": 2.5]])
    }

    /// Epochs written together are one transaction: a bad one takes the others with it.
    func testEpochsWrittenTogetherAreAllOrNone() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        try store.recordEpochs(run: id, [EpochRecord(epoch: 1, trainLoss: 1), EpochRecord(epoch: 2, trainLoss: 0.5, extra: ["a": 1])])
        XCTAssertThrowsError(try store.recordEpochs(run: id, [EpochRecord(epoch: 3, trainLoss: 0.4, extra: ["b": 2]),
                                                              EpochRecord(epoch: 2, trainLoss: 0.3)]))
        XCTAssertEqual(try store.epochs(run: id).map(\.epoch), [1, 2])
        let extras = try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM metrics") }
        XCTAssertEqual(extras, 1)
    }

    func testDeadProcessesAndStaleRemoteHeartbeatsShowAsCrashedButNotALiveRunBehindTheClock() throws {
        let store = try RunStore(path: path())
        let here = ProcessIdentity.current
        // A pid that cannot exist (above pid_max) on this host: dead.
        let dead = try store.startRun(sampleRun("dead"), identity: ProcessIdentity(pid: 99_999_999, host: here.host))
        // This very process: alive, though its heartbeat (below) is ten minutes behind.
        let alive = try store.startRun(sampleRun("alive"))
        // This pid, but another process's start mark: the pid was given to a later process.
        let reused = try store.startRun(sampleRun("reused"), identity: ProcessIdentity(pid: here.pid, host: here.host, start: "another-boot:12"))
        // Another host, beating: unknown liveness, fresh heartbeat, so running.
        let remote = try store.startRun(sampleRun("remote"), identity: ProcessIdentity(pid: 1, host: "elsewhere"))
        // Another host, silent for ten minutes: crashed.
        let silent = try store.startRun(sampleRun("silent"), identity: ProcessIdentity(pid: 1, host: "elsewhere"))
        try RawDatabase.write(store.path) { db in
            try db.execute(sql: "UPDATE runs SET heartbeat_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-10 minutes') WHERE id IN (?, ?)", arguments: [silent, alive])
        }
        // Until a command reaps them, runs show the status they stored.
        XCTAssertEqual(try store.run("\(silent)").status, .running)
        XCTAssertEqual(try store.run("\(dead)").status, .running)
        XCTAssertEqual(Set(try store.reapCrashedRuns()), [dead, silent, reused])
        XCTAssertEqual(try store.run("\(silent)").status, .crashed)
        XCTAssertEqual(try store.run("\(dead)").status, .crashed)
        XCTAssertTrue(try store.run("\(dead)").error!.contains("process 99999999 on \(here.host) stopped without closing the run"))
        XCTAssertEqual(try store.run("\(alive)").status, .running)
        XCTAssertEqual(try store.run("\(remote)").status, .running)
        let stored = try RawDatabase.read(store.path) { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE id = ?", arguments: [silent]) }
        XCTAssertEqual(stored, "crashed")
    }

    /// A group's claim is one transaction with each configuration's own answer: taken when
    /// finished, failed (unless retried) or training in a live process; taken over from a dead one.
    func testConfigurationsClaimedTogetherAnswerEachAsAlone() throws {
        let store = try RunStore(path: path())
        let sweep = try store.openSweep(NewSweep(name: "s", experiment: nil, method: "grid", metric: "test_loss", goal: .minimize, specJSON: "{}",
                                                 configs: (0..<5).map { .init(index: $0, settingsJSON: "{}", configJSON: "{}") }))
        func new(_ index: Int) -> NewRun {
            NewRun(name: "s/\(index)", configJSON: "{}", params: ["i": .integer(Int64(index))], gradbookVersion: "test", sweepID: sweep.id, sweepIndex: index)
        }
        let first = try store.claimConfigurations((0..<5).map(new), retryFailed: false, identity: .current)
        XCTAssertEqual(first.compactMap { $0 }.count, 5)
        XCTAssertEqual(first, first.sorted { ($0 ?? 0) < ($1 ?? 0) }, "runs numbered in the order asked")
        try store.finishRun(run: first[0]!, status: .finished)
        try store.finishRun(run: first[1]!, status: .failed, error: "boom")
        // 2 stays running in this live process; 3's process is dead; 4 was interrupted.
        try RawDatabase.write(store.path) { db in try db.execute(sql: "UPDATE runs SET pid = 99999999 WHERE id = ?", arguments: [first[3]!]) }
        try store.finishRun(run: first[4]!, status: .interrupted)
        let again = try store.claimConfigurations((0..<5).map(new), retryFailed: false, identity: .current)
        XCTAssertEqual(again.map { $0 != nil }, [false, false, false, true, true])
        XCTAssertEqual(try store.run("\(first[3]!)").status, .crashed)
        XCTAssertEqual(try store.params(run: XCTUnwrap(again[3]))["i"], .integer(3))
        XCTAssertEqual(try store.claimConfigurations([new(1)], retryFailed: true, identity: .current).map { $0 != nil }, [true])
    }

    func testAUUIDPrefixOfDigitsStillFindsItsRun() throws {
        let store = try RunStore(path: path())
        let id = try store.startRun(sampleRun())
        try RawDatabase.write(store.path) { try $0.execute(sql: "UPDATE runs SET uuid = '75453234-0000-4000-8000-000000000000' WHERE id = ?", arguments: [id]) }
        XCTAssertEqual(try store.run("75453234").id, id)
        XCTAssertEqual(try store.run("\(id)").id, id, "a short id still wins")
    }

    func testUnknownRunsAreNamed() throws {
        let store = try RunStore(path: path())
        let expected = ": expected a run's id, uuid (or its first 4 characters or more) or name"
        XCTAssertThrowsError(try store.run("42")) { XCTAssertEqual("\($0)", "no run '42' in the database" + expected) }
        XCTAssertThrowsError(try store.run("a%")) { XCTAssertEqual("\($0)", "no run 'a%' in the database" + expected) }
    }

    func testARunIsFoundByItsNameAndASharedNameIsAnErrorListingTheRuns() throws {
        let store = try RunStore(path: path())
        let baseline = try store.startRun(sampleRun("spiral-baseline"))
        let first = try store.startRun(sampleRun("twice"))
        let second = try store.startRun(sampleRun("twice"))
        let named = try store.startRun(sampleRun("\(first)"))
        XCTAssertEqual(try store.run("spiral-baseline").id, baseline)
        XCTAssertEqual(try store.run("\(first)").id, first, "an id wins over a name")
        XCTAssertNotEqual(named, first)
        XCTAssertThrowsError(try store.run("twice")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("'twice' names several runs: \(first) ("), text)
            XCTAssertTrue(text.contains("; \(second) ("), text)
            XCTAssertTrue(text.hasSuffix("give one of their ids"), text)
        }
        XCTAssertEqual(try store.select(RunSelection(runs: ["spiral-baseline", "\(second)"])), [baseline, second])
    }

    func testWritersInOneProcessDoNotLoseEpochs() throws {
        let store = try RunStore(path: path())
        let ids = try (0..<4).map { _ in try store.startRun(sampleRun()) }
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            for epoch in 1...50 { try! store.recordEpoch(run: ids[i], EpochRecord(epoch: epoch, trainLoss: Double(epoch))) }
        }
        for id in ids { XCTAssertEqual(try store.epochs(run: id).map(\.epoch), Array(1...50)) }
    }
}
