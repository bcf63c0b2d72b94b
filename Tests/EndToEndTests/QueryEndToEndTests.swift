import Foundation
import GradbookTestSupport
import GRDB
import XCTest

/// The query commands run as a user would, over a sweep of 2 activations × 2 learning rates ×
/// 2 seeds (8 runs of 15 epochs, one at a time so that run ids follow the grid) recorded by the binary itself.
final class QueryEndToEndTests: EndToEndTestCase {
    /// The sweep is trained once; each test works on its own copy.
    nonisolated(unsafe) private static var template: URL?

    override func setUpWithError() throws {
        try super.setUpWithError()
        if Self.template == nil {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-query-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let r = try GradbookProcess.run(["sweep", "--activation", "relu,tanh", "--lr", "0.3,0.03", "--seeds", "2", "--epochs", "15",
                                             "--name", "s", "--jobs", "1"], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try GradbookProcess.run(["gc"], in: dir).status, 0, "gc folds the log into the file")
            Self.template = dir.appendingPathComponent("gradbook.sqlite")
        }
        try FileManager.default.copyItem(at: try XCTUnwrap(Self.template), to: URL(fileURLWithPath: databasePath))
    }

    private func rowCount(_ sql: String) throws -> Int { try query { try Int.fetchOne($0, sql: sql) ?? -1 } }

    func testRunsFiltersSortsAndPrintsCSV() throws {
        let r = try gradbook("runs", "--sweep", "s", "--where", "activation = 'relu' and lr < 0.1", "--sort", "best(test_loss)",
                             "--columns", "id, activation, lr, best(test_loss)", "--format", "csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = parseCSV(r.stdout)
        XCTAssertEqual(rows.first, ["id", "activation", "lr", "best(test_loss)"])
        let expected = try query {
            try Row.fetchAll($0, sql: """
                SELECT run_id, best_test_loss FROM run_summary WHERE activation = 'relu' AND lr < 0.1 ORDER BY best_test_loss
                """).map { ["\($0[0] as Int64)", "relu", "0.03", "\($0[1] as Double)"] }
        }
        XCTAssertEqual(Array(rows.dropFirst()), expected)
        XCTAssertEqual(expected.count, 2)
        let table = try gradbook("runs", "--status", "finished")
        XCTAssertEqual(table.stdout.split(separator: "\n").count, 9, table.stdout)
    }

    func testBadFiltersExitTwoWithThePositionAndChangeNothing() throws {
        let tables = try query { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
        let counts = try tables.map { try rowCount("SELECT COUNT(*) FROM \"\($0)\"") }
        let unknown = try gradbook("runs", "--where", "lrr < 0.1")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("invalid --where: at column 1: unknown name 'lrr' (did you mean 'lr'?)"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("Hyperparameters: activation,"), unknown.stderr)
        let hostile = try gradbook("runs", "--where", "x = '1'; DROP TABLE runs; --'")
        XCTAssertEqual(hostile.status, 2)
        XCTAssertTrue(hostile.stderr.contains("at column 8: unexpected character ';'"), hostile.stderr)
        let quoted = try gradbook("export", "runs", "--where", "name = '1''; DROP TABLE runs; --'")
        XCTAssertEqual(quoted.status, 1)
        XCTAssertTrue(quoted.stderr.contains("no run matches the selection"), quoted.stderr)
        let none = try gradbook("runs", "--where", "lr > 100", "--columns", "id, lr", "--format", "csv")
        XCTAssertEqual(none.status, 0, "no match is an answer for runs")
        XCTAssertEqual(none.stdout, "id,lr\r\n")
        XCTAssertEqual(none.stderr, "no run matches the selection\n")
        let format = try gradbook("runs", "--format", "xml")
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.stderr.contains("invalid --format 'xml': expected one of table, csv, tsv, json, jsonl"), format.stderr)
        XCTAssertEqual(try tables.map { try rowCount("SELECT COUNT(*) FROM \"\($0)\"") }, counts)
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
    }

    func testShowAndCompare() throws {
        _ = try gradbook("note", "1", "lr too high?")
        let show = try gradbook("show", "1")
        XCTAssertEqual(show.status, 0, show.stderr)
        for part in ["run 1 \"s/0\"", "status     finished", "sweep s", "hyperparameters", "activation=relu", "metrics at epoch 15",
                     "loss curves", "alerts", "layer health at epoch 15", "snapshots  epoch 0 (initial)", "lr too high?"] {
            XCTAssertTrue(show.stdout.contains(part), "missing \(part):\n\(show.stdout)")
        }
        XCTAssertTrue(show.stdout.contains(where: { Sparkline.blocks.contains($0) }), show.stdout)

        let compare = try gradbook("compare", "1", "2", "--reach", "test_loss<10", "--reach", "test_loss<0.0001", "--curves")
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertTrue(compare.stdout.contains("same in all:"), compare.stdout)
        XCTAssertTrue(compare.stdout.contains("dataset=spiral"), compare.stdout)
        let lines = compare.stdout.split(separator: "\n").map(String.init)
        let seed = try XCTUnwrap(lines.first { $0.hasPrefix("seed ") }, "seed differs between run 1 and 2").split(separator: " ").filter { !$0.isEmpty }
        XCTAssertEqual(seed, ["seed", "1", "2"])
        let reached = try XCTUnwrap(lines.first { $0.hasPrefix("reached test_loss<10 at epoch") })
        XCTAssertEqual(reached.split(separator: " ").suffix(2), ["1", "1"], reached)
        let never = try XCTUnwrap(lines.first { $0.hasPrefix("reached test_loss<0.0001 at epoch") })
        XCTAssertEqual(never.split(separator: " ").suffix(2), ["never", "never"], never)
        XCTAssertTrue(lines.contains { $0.hasPrefix("epoch  1:train_loss") }, compare.stdout)
    }

    func testSweepPivotGivesMeanStdAndCountOverSeeds() throws {
        let text = try gradbook("compare", "--sweep", "s", "--rows", "activation", "--cols", "lr", "--metric", "test_loss", "--agg", "best")
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("activation \\ lr  0.03"), text.stdout)
        XCTAssertEqual(text.stdout.components(separatedBy: "(2)").count - 1, 4, text.stdout)
        let csv = try gradbook("compare", "--sweep", "s", "--rows", "activation", "--cols", "lr", "--agg", "final", "--format", "csv")
        let rows = parseCSV(csv.stdout)
        XCTAssertEqual(rows.first, ["activation", "lr", "mean", "std", "count", "ci95_low", "ci95_high", "min", "max"])
        XCTAssertEqual(rows.count, 5)
        for row in rows.dropFirst() {
            let finals = try query {
                try Double.fetchAll($0, sql: "SELECT final_test_loss FROM run_summary WHERE activation = ? AND lr = ?",
                                    arguments: [row[0], Double(row[1])])
            }
            XCTAssertEqual(row[4], "2")
            XCTAssertEqual(try XCTUnwrap(Double(row[2])), finals.reduce(0, +) / 2, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(Double(row[7])), finals.min()!)
            // Two seeds: mean ± t(0.975, 1) · std / √2, with scipy's t.ppf(0.975, 1) = 12.706204736174694.
            let std = abs(finals[0] - finals[1]) / 2.squareRoot()
            XCTAssertEqual(try XCTUnwrap(Double(row[3])), std, accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(Double(row[5])), finals.reduce(0, +) / 2 - 12.706204736174694 * std / 2.squareRoot(), accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(Double(row[6])), finals.reduce(0, +) / 2 + 12.706204736174694 * std / 2.squareRoot(), accuracy: 1e-9)
        }
        let bad = try gradbook("compare", "--sweep", "s", "--rows", "activation", "--agg", "worst")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("invalid --agg 'worst': expected best, final, mean or median"), bad.stderr)
    }

    func testExportCurvesToAFileReadsBackExactly() throws {
        let r = try gradbook("export", "curves", "--sweep", "s", "--with", "activation,lr", "-o", "curves.csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = parseCSV(try String(contentsOf: folder.appendingPathComponent("curves.csv"), encoding: .utf8))
        XCTAssertEqual(rows.first, ["run_id", "run_name", "activation", "lr", "epoch", "metric", "value"])
        XCTAssertEqual(rows.count - 1, 8 * 15 * 4)
        let stored = try query { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT run_id, epoch, metric, value FROM curves").map {
                ("\($0[0] as Int64)/\($0[1] as Int)/\($0[2] as String)", $0[3] as Double)
            })
        }
        for row in rows.dropFirst() {
            XCTAssertEqual(Double(row[6]), stored["\(row[0])/\(row[4])/\(row[5])"], "\(row)")
        }
        let wide = try gradbook("export", "curves", "1", "2", "--layout", "wide", "--metrics", "test_loss", "--every", "5", "--format", "tsv")
        let lines = wide.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "epoch\t1:test_loss\t2:test_loss")
        XCTAssertTrue(lines.count >= 5 && lines.count <= 8, wide.stdout)
        let unknown = try gradbook("export", "curves", "--metrics", "test_lost")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown metric 'test_lost'"), unknown.stderr)
    }

    func testExportRunsAndDiagnosticsAsJSON() throws {
        let runs = try gradbook("export", "runs", "--format", "json")
        let objects = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(objects.count, 8)
        XCTAssertEqual(Set(objects.compactMap { $0["params.activation"] as? String }), ["relu", "tanh"])
        XCTAssertEqual(objects.first?["sweep"] as? String, "s")
        XCTAssertNotNil(objects.first?["best_test_loss"] as? Double)
        let diagnostics = try gradbook("export", "diagnostics", "1", "--format", "jsonl")
        let lines = diagnostics.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 15 * 3, "15 epochs × (2 hidden layers + output)")
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["run_id"] as? Int, 1)
        XCTAssertNotNil(first["grad_norm_mean"] as? Double)
    }

    func testDeleteAsksShowsAndRemovesOnlyTheSelection() throws {
        let refused = try gradbook("delete", "--where", "activation = 'tanh'")
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("will delete 4 runs with"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("pass --yes"), refused.stderr)
        XCTAssertEqual(try rowCount("SELECT COUNT(*) FROM runs"), 8, "nothing deleted without --yes")
        let everything = try gradbook("delete", "--yes")
        XCTAssertEqual(everything.status, 2, "no selection: refused")
        let relu = try rowCount("SELECT COUNT(*) FROM epochs WHERE run_id IN (SELECT run_id FROM params WHERE name = 'activation' AND value = 'relu')")
        let done = try gradbook("delete", "--where", "activation = 'tanh'", "--yes")
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertTrue(done.stdout.hasPrefix("deleted 4 runs with"), done.stdout)
        XCTAssertEqual(try rowCount("SELECT COUNT(*) FROM runs"), 4)
        for table in ["params", "epochs", "metrics", "layer_health", "snapshots", "snapshot_tensors", "alerts", "tags", "notes"] {
            XCTAssertEqual(try rowCount("SELECT COUNT(*) FROM \(table) WHERE run_id NOT IN (SELECT id FROM runs)"), 0, table)
        }
        XCTAssertEqual(try rowCount("SELECT COUNT(*) FROM epochs"), relu, "the relu runs keep every epoch")
        XCTAssertEqual(try gradbook("gc").status, 0)
    }

    func testTagsAndNotesSelectRuns() throws {
        XCTAssertEqual(try gradbook("tag", "3", "team=vision", "keep").stdout, "keep\nteam=vision\n")
        XCTAssertEqual(try gradbook("tag", "3", "--remove", "keep").stdout, "team=vision\n")
        let tagged = try gradbook("runs", "--tag", "team=vision", "--columns", "id", "--format", "csv")
        XCTAssertEqual(tagged.stdout, "id\r\n3\r\n")
        let byFilter = try gradbook("runs", "--where", "tag.team = 'vision'", "--columns", "id,tag.team", "--format", "jsonl")
        XCTAssertEqual(byFilter.stdout, "{\"id\":3,\"tag.team\":\"vision\"}\n")
        XCTAssertEqual(try gradbook("note", "3", "looks good").status, 0)
        XCTAssertTrue(try gradbook("note", "3").stdout.hasSuffix("looks good\n"))
    }
}


/// The characters of a terminal curve.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
}
