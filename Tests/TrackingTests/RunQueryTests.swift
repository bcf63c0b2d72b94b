import Foundation
import GRDB
import GradbookTestSupport
import Tracking
import XCTest

final class RunQueryTests: StoreTestCase {
    private var store: RunStore!

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try QueryFixture.make(at: path())
    }

    private func ids(_ filter: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int64] {
        try store.select(RunSelection(filter: filter))
    }

    func testEveryOperatorOnHyperparametersAndAttributes() throws {
        let expected: [(String, [Int64])] = [
            ("lr < 0.05", [3, 2]), ("lr <= 0.01", [3, 2]), ("lr > 0.01", [4, 1]), ("lr >= 0.01", [4, 2, 1]),
            ("lr = 0.1", [4, 1]), ("lr != 0.1", [3, 2]), ("batch_size = 10", [4, 3, 1]), ("param.lr = 0.01", [2]),
            ("activation in ('relu', 'tanh')", [4, 2, 1]), ("activation not in ('relu')", [3, 2]),
            ("name like 'beta%'", [2]), ("name not like '%a'", [3]), ("layers = '8,8'", [2, 1]),
            ("tag.team is null", [4, 3]), ("tag.team is not null", [2, 1]), ("tag.team = 'vision'", [1]),
            ("status = 'failed'", [3]), ("status = 'running'", [4]), ("status in ('finished')", [2, 1]),
            ("sweep = 'grid'", [2, 1]), ("experiment = 'exp'", [4, 3, 2, 1]), ("id >= 3", [4, 3]),
            ("error = 'boom'", [3]), ("created < '2026-01-03'", [2, 1]),
            ("(lr = 0.1 or lr = 0.01) and not status = 'running'", [2, 1]), ("lr = 0.1 or lr = 0.01 and status = 'running'", [4, 1]),
            ("not (activation = 'relu')", [3, 2]),
        ]
        for (filter, want) in expected {
            XCTAssertEqual(try ids(filter), want, filter)
        }
    }

    func testMetricsFunctionsAndDiagnostics() throws {
        let expected: [(String, [Int64])] = [
            ("test_loss < 0.5", [1]), ("final(test_loss) = 0.35", [1]), ("best(test_loss) <= 0.3", [1]), ("min(train_loss) = 0.125", [1]),
            ("max(test_loss) > 2", [3]), ("mean(train_loss) > 0.79 and mean(train_loss) < 0.81", [2]), ("at(test_loss, 2) = 0.6", [1]),
            ("first(test_loss) = 1.1", [1]), ("best_epoch(test_loss) = 3", [2, 1]), ("best(test_accuracy) = 0.8", [1]),
            ("median(test_loss) = 0.475", [1]), ("median(test_loss) = 0.8", [2]), ("test_accuracy is null", [4, 3]),
            ("alerts > 0", [1]), ("alert.dead_relu = 2", [1]), ("alert.nan = 0", [4, 3, 2, 1]), ("dead_units = 4", [1]),
            ("max(dead_units) = 5", [1]), ("dead_fraction = 0.5", [1]), ("grad_norm < 0.3", [1]), ("max(grad_norm) = 2", [1]),
            ("epochs_done = 3", [2]), ("duration = 2", [1]), ("train_loss < test_loss", [3, 1]), ("learning_rate = 0.001", [3]),
        ]
        for (filter, want) in expected {
            XCTAssertEqual(try ids(filter), want, filter)
        }
        let table = try store.table(runs: [1, 2, 3, 4], columns: FilterParser.terms("median(test_loss), mean(train_loss), best(test_loss), test_loss"))
        XCTAssertEqual(table.columns, ["median(test_loss)", "mean(train_loss)", "best(test_loss)", "test_loss"])
        XCTAssertEqual(table.rows[0], [.real(0.475), .real((1.0 + 0.5 + 0.25 + 0.125) / 4), .real(0.3), .real(0.35)])
        XCTAssertEqual(table.rows[3], [.null, .null, .null, .null], "a run without epochs has no metrics")
    }

    /// Precision, recall and F1 per class, derived from the stored confusion matrix by the
    /// `class_metrics` view (worked by hand: class 0 has 7 of 9 predictions right and 7 of its 10).
    func testClassMetricsComeFromTheConfusionMatrix() throws {
        let rows = try store.classMetrics(run: 1)
        XCTAssertEqual(rows.map(\.class), ["0", "1"], "a run without stored classes numbers them")
        XCTAssertEqual(rows.map(\.epoch), [4, 4])
        XCTAssertEqual(rows.map(\.support), [10, 10])
        XCTAssertEqual(try XCTUnwrap(rows[0].precision), 7.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(rows[0].recall), 0.7, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(rows[0].f1), 14.0 / 19, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(rows[1].precision), 8.0 / 11, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(rows[1].f1), 16.0 / 21, accuracy: 1e-12)
        XCTAssertEqual(try store.confusion(run: 1, split: "test")?.counts, [[7, 3], [2, 8]])
        XCTAssertNil(try store.confusion(run: 1, split: "validation"))
        XCTAssertEqual(try store.classMetrics(run: 2), [])
    }

    func testSelectionOptionsSortAndLimit() throws {
        XCTAssertEqual(try store.select(RunSelection()), [4, 3, 2, 1], "newest first")
        XCTAssertEqual(try store.select(RunSelection(sort: "test_loss")), [1, 2, 3, 4], "missing values last")
        XCTAssertEqual(try store.select(RunSelection(sort: "test_loss:desc")), [3, 2, 1, 4], "missing values last when descending too")
        XCTAssertEqual(try store.select(RunSelection(sort: "lr")), [3, 2, 1, 4], "ties by id")
        XCTAssertEqual(try store.select(RunSelection(sort: "lr", limit: 2)), [3, 2])
        XCTAssertEqual(try store.select(RunSelection(runs: ["2", "1"])), [2, 1], "the order given")
        XCTAssertEqual(try store.select(RunSelection(runs: ["2", "1"], filter: "lr = 0.1")), [1])
        XCTAssertEqual(try store.select(RunSelection(runs: ["00000000-0000-4000-8000-000000000003"])), [3], "by uuid")
        XCTAssertEqual(try store.select(RunSelection(statuses: [.finished])), [2, 1])
        XCTAssertEqual(try store.select(RunSelection(statuses: [.failed, .running])), [4, 3])
        XCTAssertEqual(try store.select(RunSelection(tags: ["team=vision"])), [1])
        XCTAssertEqual(try store.select(RunSelection(tags: ["team"])), [2, 1])
        XCTAssertEqual(try store.select(RunSelection(sweeps: ["grid"], sort: "best(test_loss)")), [1, 2])
        XCTAssertEqual(try store.select(RunSelection(filter: "lr = 0.1", experiments: ["exp"], statuses: [.finished])), [1])
        let other = try store.openSweep(NewSweep(name: "other", experiment: "exp2", method: "grid", metric: "test_loss", goal: .minimize,
                                                 specJSON: "{}", configs: [.init(index: 0, settingsJSON: "{}", configJSON: "{}")]))
        let fifth = try store.startRun(NewRun(name: "fifth", experiment: "exp2", seed: 1, epochsPlanned: 1, configJSON: "{}", params: [:], tags: [:],
                                              gradbookVersion: "test", sweepID: other.id, sweepIndex: 0))
        XCTAssertEqual(try store.select(RunSelection(sweeps: ["grid", "other"])), [fifth, 2, 1], "repeated sweeps select both")
        XCTAssertEqual(try store.select(RunSelection(experiments: ["exp", "exp2"])), [fifth, 4, 3, 2, 1])
        XCTAssertEqual(try store.select(RunSelection(sweeps: ["other"])), [fifth])
        XCTAssertThrowsError(try store.select(RunSelection(sweeps: ["nope"]))) { XCTAssertEqual("\($0)", "no sweep 'nope' in the database") }
        XCTAssertThrowsError(try store.select(RunSelection(runs: ["99"]))) { XCTAssertTrue("\($0)".hasPrefix("no run '99' in the database")) }
    }

    func testUnknownNamesListTheNamesThatExist() throws {
        XCTAssertThrowsError(try ids("lrr < 0.1")) { error in
            guard case .invalidQuery(let e) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.column, 1)
            XCTAssertEqual(e.option, "--where")
            XCTAssertTrue(e.message.contains("unknown name 'lrr' (did you mean 'lr'?)"), e.message)
            XCTAssertTrue(e.message.contains("Hyperparameters: activation, batch_size, layers, lr"), e.message)
            XCTAssertTrue(e.message.contains("Metrics: train_loss, test_loss"), e.message)
            XCTAssertTrue(e.message.contains("grad_norm"), e.message)
            XCTAssertTrue(e.message.contains("Tags: tag.team"), e.message)
        }
        XCTAssertThrowsError(try ids("activation = relu")) { error in
            XCTAssertTrue("\(error)".contains("at column 14: unknown name 'relu'; quote text values ('relu')"), "\(error)")
        }
        XCTAssertThrowsError(try ids("best(lr) < 1")) { error in
            XCTAssertTrue("\(error)".contains("best() takes a metric, and 'lr' is a hyperparameter"), "\(error)")
        }
        XCTAssertThrowsError(try ids("best(tset_loss) < 1")) { error in
            XCTAssertTrue("\(error)".contains("unknown metric 'tset_loss' (did you mean 'test_loss'?)"), "\(error)")
        }
        XCTAssertThrowsError(try ids("alert.bogus > 0")) { error in
            XCTAssertTrue("\(error)".contains("unknown alert 'bogus'; expected alert. followed by one of vanishing, exploding"), "\(error)")
        }
        XCTAssertThrowsError(try store.select(RunSelection(sort: "bogus:desc"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("invalid --sort: at column 1: unknown name 'bogus'"), "\(error)")
        }
    }

    func testHostileFiltersChangeNothing() throws {
        let before = try snapshotOfEveryTable()
        XCTAssertThrowsError(try ids("x = '1'; DROP TABLE runs; --'"))
        XCTAssertEqual(try ids("name = '1''; DROP TABLE runs; --'"), [], "a quoted attack is just text that matches no name")
        XCTAssertThrowsError(try ids("tag.x'); DELETE FROM runs; -- = 1"), "the lexer stops names at the quote")
        XCTAssertEqual(try store.select(RunSelection(tags: ["team' OR '1'='1"])), [])
        XCTAssertEqual(try store.select(RunSelection(filter: "name like '%'' OR 1=1 --'")), [])
        XCTAssertThrowsError(try store.select(RunSelection(sort: "lr; DROP TABLE runs")))
        // Found by the fuzzer: SQLite refuses LIKE patterns over 50,000 bytes with an SQL error.
        // (Four-byte characters: a filter of 60,000 ASCII characters is over the filter's own limit.)
        XCTAssertThrowsError(try ids("name like '\(String(repeating: "😀", count: 15_000))'")) { error in
            XCTAssertTrue("\(error)".contains("at column 1: a like pattern of 60000 bytes; expected at most 50000"), "\(String(describing: error).prefix(200))")
        }
        XCTAssertThrowsError(try store.select(RunSelection(sweeps: ["grid'; DROP TABLE runs; --"])))
        XCTAssertEqual(try snapshotOfEveryTable(), before)
        XCTAssertEqual(try RawDatabase.read(store.path) { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
    }

    /// Filters at and past each limit: what fits runs, what does not is a positioned error
    /// (deep nesting crashed the process; ~90 `or` terms gave SQLite's "parser stack overflow").
    func testFilterLimitsArePositionedErrorsNeverCrashes() throws {
        let terms = (0..<FilterParser.maxPredicates).map { "lr = \($0 == 0 ? "0.1" : "\($0 + 1000)")" }
        XCTAssertEqual(try ids(terms.joined(separator: " or ")), [4, 1], "\(FilterParser.maxPredicates) conditions run as one flat OR")
        XCTAssertEqual(try ids(terms.joined(separator: " and ")), [], "and an AND chain as long")
        XCTAssertThrowsError(try ids((terms + ["lr = 1"]).joined(separator: " or "))) { error in
            XCTAssertTrue("\(error)".contains("more than \(FilterParser.maxPredicates) conditions"), "\(error)")
        }
        let nested = { (n: Int) in String(repeating: "(", count: n) + "lr = 0.1" + String(repeating: ")", count: n) }
        XCTAssertEqual(try ids(nested(FilterParser.maxDepth)), [4, 1])
        XCTAssertEqual(try ids(String(repeating: "not ", count: FilterParser.maxDepth) + "lr = 0.1"), [4, 1], "an even number of nots")
        for deep in [nested(FilterParser.maxDepth + 1), nested(9_000), String(repeating: "not ", count: 4_000) + "lr = 1"] {
            XCTAssertThrowsError(try ids(deep)) { error in
                XCTAssertTrue("\(error)".contains("nested deeper than \(FilterParser.maxDepth) levels"), "\(String(describing: error).prefix(300))")
                XCTAssertLessThan("\(error)".count, 400, "the message shows the place, not the whole filter")
            }
        }
        XCTAssertThrowsError(try ids("lr = 1 or " + String(repeating: "x", count: FilterParser.maxLength))) { error in
            XCTAssertTrue("\(error)".contains("expected at most \(FilterParser.maxLength)"), "\(String(describing: error).prefix(300))")
        }
        XCTAssertThrowsError(try ids("name = 'a\u{0}b'")) { error in
            XCTAssertTrue("\(error)".contains("at column 10: a NUL byte"), "\(error)")
        }
    }

    /// Selection reads test numbers at the epoch validation chose: run 1's best val_loss is at
    /// epoch 4 (test_loss 0.35 there, though its best is 0.3 at epoch 3), its best val_accuracy at
    /// epoch 3; run 2 has no validation split, so it is selected on test_loss itself.
    func testSelectionIsOnValidationDataAndSaysSo() throws {
        let columns = try FilterParser.terms("""
            id, selected(test_loss), selected_epoch(test_loss), selected_on(test_loss), best(test_loss), \
            selected(test_accuracy), selected_epoch(test_accuracy), at_best(test_loss, val_loss), at_best(train_loss, test_accuracy), \
            selected(val_loss), selected(train_loss)
            """)
        let rows = try store.table(runs: [1, 2], columns: columns).rows.map { $0.map(\.text) }
        XCTAssertEqual(rows[0], ["1", "0.35", "4", "val_loss", "0.3", "0.8", "3", "0.35", "0.25", "0.375", "0.125"])
        XCTAssertEqual(rows[1], ["2", "0.7", "3", "test_loss", "0.7", "0.6", "3", "", "0.7", "", "0.7"])
        XCTAssertEqual(try ids("selected(test_loss) < 0.5"), [1])
        XCTAssertEqual(try ids("selected_on(test_loss) = 'test_loss'"), [3, 2], "run 4 has no epochs, so nothing selected")
        XCTAssertThrowsError(try ids("at_best(test_loss) < 1")) { error in
            XCTAssertTrue("\(error)".contains("',' and the metric that picks the epoch"), "\(error)")
        }
        XCTAssertThrowsError(try ids("at_best(test_loss, vall_loss) < 1")) { error in
            XCTAssertTrue("\(error)".contains("unknown metric 'vall_loss' (did you mean 'val_loss'?)"), "\(error)")
        }
    }

    func testDeleteRemovesEveryRowOfARunAndNothingElse() throws {
        let others = try [2, 3, 4].map { try QueryFixture.rowCounts(store, run: $0) }
        let alpha = try QueryFixture.rowCounts(store, run: 1)
        XCTAssertTrue(RunTable.all.map(\.name).allSatisfy { (alpha[$0] ?? 0) > 0 || $0 == "notes" }, "the fixture fills every table: \(alpha)")
        try store.addNote(run: 1, "to be deleted")
        let removed = try store.delete(runs: [1])
        XCTAssertEqual(removed.first { $0.table == "epochs" }?.rows, 4)
        XCTAssertEqual(removed.first { $0.table == "notes" }?.rows, 1)
        XCTAssertTrue(try QueryFixture.rowCounts(store, run: 1).values.allSatisfy { $0 == 0 }, "every row of run 1 is gone")
        XCTAssertEqual(try [2, 3, 4].map { try QueryFixture.rowCounts(store, run: $0) }, others, "other runs keep every row")
        XCTAssertNotNil(try store.sweep(named: "grid"), "the sweep stays")
        XCTAssertEqual(try RawDatabase.read(store.path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM snapshot_tensors WHERE run_id = 1") }, 0)
        XCTAssertEqual(try RawDatabase.read(store.path) { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }.count, 0)
        XCTAssertEqual(try store.select(RunSelection()), [4, 3, 2])
    }

    func testTagsNotesAndVacuum() throws {
        try store.tag(run: 3, set: ["team": "nlp", "quick": ""])
        try store.tag(run: 3, set: ["team": "vision"], remove: ["quick"])
        XCTAssertEqual(try store.tags(run: 3), ["team": "vision"])
        XCTAssertEqual(try store.select(RunSelection(tags: ["team=vision"])), [3, 1])
        try store.addNote(run: 3, "first")
        try store.addNote(run: 3, "it's ; DROP TABLE notes")
        XCTAssertEqual(try store.notes(run: 3).map(\.text), ["first", "it's ; DROP TABLE notes"])
        try store.delete(runs: [1, 2])
        let vacuum = try store.vacuum()
        XCTAssertGreaterThan(vacuum.bytesBefore, 0)
        XCTAssertLessThanOrEqual(vacuum.bytesAfter, vacuum.bytesBefore)
        XCTAssertEqual(try store.select(RunSelection()), [4, 3])
    }

    /// Every table's rows, as text, to compare before and after.
    private func snapshotOfEveryTable() throws -> [String: [String]] {
        try RawDatabase.read(store.path) { db in
            var out: [String: [String]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { "\($0)" }
            }
            return out
        }
    }
}
