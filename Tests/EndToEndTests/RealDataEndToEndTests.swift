import Datasets
import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// Real CSV files: id and text columns chosen away, missing values, a regression target in its
/// own units, and the task's metrics stored, shown, exported and filtered.
final class RealDataEndToEndTests: EndToEndTestCase {
    /// Penguin-like rows: an id, two text columns, two measurements (every 37th flipper missing)
    /// and a body mass in grams whose noise has a deviation of 300 g.
    private func writePenguins() throws -> (missingRows: Int, meanMass: Double) {
        var rng = SeededGenerator(seed: 5)
        var lines = ["id,species,flipper,bill,island,mass"], missing = 0, total = 0.0
        for i in 0..<400 {
            let flipper = 200 + 14 * rng.normal(), bill = 44 + 5 * rng.normal()
            let mass = 50 * flipper - 7000 + 30 * bill + 300 * rng.normal()
            total += mass
            let cell = i % 37 == 5 ? "NA" : String(format: "%.1f", flipper)
            if i % 37 == 5 { missing += 1 }
            lines.append("\(i),\(["Adelie", "Gentoo"][rng.below(2)]),\(cell),\(String(format: "%.1f", bill)),\(["Biscoe", "Dream"][rng.below(2)]),"
                + String(format: "%.0f", mass))
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("penguins.csv"), atomically: true, encoding: .utf8)
        return (missing, total / 400)
    }

    func testTextColumnsMissingValuesAndARegressionTargetInItsOwnUnits() throws {
        let (missingRows, meanMass) = try writePenguins()
        let text = try gradbook("run", "--dataset", "penguins.csv", "--epochs", "5")
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stderr.contains("column 'species' holds 'Adelie'") || text.stderr.contains("column 'species' holds 'Gentoo'"), text.stderr)
        XCTAssertTrue(text.stderr.contains("leave it out with --drop 'species'"), text.stderr)
        let missing = try gradbook("run", "--dataset", "penguins.csv", "--drop", "id,species,island", "--epochs", "5")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("penguins.csv:7:3: column 'flipper' has no value ('NA')"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--missing mean"), missing.stderr)
        let typo = try gradbook("run", "--dataset", "penguins.csv", "--columns", "flipper,bil")
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("invalid --columns 'bil'") && typo.stderr.contains("(did you mean 'bill'?)"), typo.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath), "bad input does not touch the store")

        // Filled with the training means: every row kept, numbers in grams.
        let filled = try gradbook("run", "--dataset", "penguins.csv", "--drop", "id,species,island", "--missing", "mean", "--epochs", "80",
                                  "--lr", "0.03", "--name", "filled")
        XCTAssertEqual(filled.status, 0, filled.stderr)
        XCTAssertTrue(filled.stdout.contains("missing values: \(missingRows) filled with their column's training mean"), filled.stdout)
        XCTAssertTrue(filled.stdout.contains("in the target's own units"), filled.stdout)
        let (loss, rmse, mae, r2) = try XCTUnwrap(try query { db in
            try Row.fetchOne(db, sql: """
                SELECT e.test_loss, (SELECT value FROM metrics WHERE run_id = 1 AND epoch = e.epoch AND name = 'test_rmse'),
                       (SELECT value FROM metrics WHERE run_id = 1 AND epoch = e.epoch AND name = 'test_mae'),
                       (SELECT value FROM metrics WHERE run_id = 1 AND epoch = e.epoch AND name = 'test_r2')
                FROM epochs e WHERE e.run_id = 1 ORDER BY e.epoch DESC LIMIT 1
                """).map { ($0[0] as Double, $0[1] as Double, $0[2] as Double, $0[3] as Double) }
        })
        XCTAssertEqual(loss, rmse * rmse, accuracy: loss * 1e-4, "the test loss is the mean squared error, in grams²")
        XCTAssertTrue((200...600).contains(rmse), "RMSE \(rmse) g: near the noise's 300 g, not in standardised units")
        XCTAssertLessThan(mae, rmse)
        XCTAssertTrue((0.5...1).contains(r2), "R² \(r2)")
        let transform = try XCTUnwrap(try query { try String.fetchOne($0, sql: "SELECT input_transform FROM runs WHERE id = 1") })
        XCTAssertTrue(transform.contains("\"columns\":[\"flipper\",\"bill\"]") && transform.contains("\"targetScale\"") && transform.contains("\"fill\""),
                      transform)

        // Predictions in grams, for every row, the missing ones filled the same way.
        let predict = try gradbook("predict", "filled", "penguins.csv", "--keep", "id,mass")
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let rows = parseCSV(predict.stdout)
        XCTAssertEqual(rows.first, ["id", "mass", "predicted"])
        XCTAssertEqual(rows.count, 401)
        let errors = rows.dropFirst().map { abs(Double($0[2])! - Double($0[1])!) }
        XCTAssertLessThan(errors.reduce(0, +) / 400, 2 * mae, "predictions in grams")
        XCTAssertEqual(rows.dropFirst().map { Double($0[2])! }.reduce(0, +) / 400, meanMass, accuracy: 300)
        let eval = try gradbook("eval", "filled", "--dataset", "penguins.csv")
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let evaluated = try XCTUnwrap(eval.stdout.split(separator: "\n").first { $0.hasPrefix("rmse") }?.split(separator: " ").last.flatMap { Double($0) })
        XCTAssertTrue((200...600).contains(evaluated), eval.stdout)

        // Dropped rows, and the same columns chosen three ways.
        let dropped = try gradbook("run", "--dataset", "penguins.csv", "--features", "flipper,bill", "--missing", "drop", "--epochs", "3")
        XCTAssertEqual(dropped.status, 0, dropped.stderr)
        XCTAssertTrue(dropped.stdout.contains("missing values: \(missingRows) rows of the file left out (--missing drop)"), dropped.stdout)
        XCTAssertEqual(try gradbook("run", "--dataset", "penguins.csv", "--columns", "flipper,bill", "--missing", "drop", "--epochs", "3").status, 0)
        let columns = try query { try String.fetchAll($0, sql: "SELECT value FROM params WHERE name = 'columns' ORDER BY run_id") }
        XCTAssertEqual(columns, ["flipper,bill", "flipper,bill"])
        let filter = try gradbook("runs", "--where", "test_rmse < 1000 and best(test_r2) > 0.5", "--format", "csv", "--columns", "id")
        XCTAssertEqual(filter.stdout.split(whereSeparator: \.isNewline).first, "id", filter.stderr)
        XCTAssertTrue(filter.stdout.contains("1"), filter.stdout)
    }

    /// A classifier's confusion matrix at its selected epoch, and precision, recall and F1 per
    /// class that agree with the stored macro-F1 of that epoch.
    func testTheConfusionMatrixAndPerClassMetricsAtTheSelectedEpoch() throws {
        XCTAssertEqual(try gradbook("run", "--dataset", "spiral", "--validation-ratio", "20", "--epochs", "40", "--lr", "0.1",
                                    "--samples", "400").status, 0)
        let counts = try query { try Int.fetchAll($0, sql: "SELECT SUM(count) FROM confusion WHERE run_id = 1 GROUP BY split ORDER BY split") }
        XCTAssertEqual(counts, [200, 40], "every test and validation sample counted once")
        let (epoch, macro) = try XCTUnwrap(try query { db in
            try Row.fetchOne(db, sql: """
                SELECT c.epoch, m.value FROM confusion c JOIN metrics m ON m.run_id = c.run_id AND m.epoch = c.epoch AND m.name = 'test_macro_f1'
                WHERE c.run_id = 1 LIMIT 1
                """).map { ($0[0] as Int, $0[1] as Double) }
        })
        let selected = try query { try Int.fetchOne($0, sql: "SELECT selected_epoch FROM run_summary WHERE run_id = 1") }
        XCTAssertEqual(epoch, selected, "the matrix is the selected epoch's")
        let f1 = try query { try Double.fetchAll($0, sql: "SELECT f1 FROM class_metrics WHERE run_id = 1 AND split = 'test' ORDER BY class_index") }
        XCTAssertEqual(f1.count, 2)
        XCTAssertEqual(f1.reduce(0, +) / 2, macro, accuracy: 1e-9)
        let show = try gradbook("show", "1")
        XCTAssertTrue(show.stdout.contains("classes at the selected epoch \(epoch)"), show.stdout)
        XCTAssertTrue(show.stdout.contains("test confusion matrix (rows: actual class, columns: predicted)"), show.stdout)
        XCTAssertTrue(show.stdout.contains("test_macro_f1") && show.stdout.contains("val_auc"), show.stdout)
        let curves = try gradbook("export", "curves", "1", "--metrics", "test_macro_f1,test_auc", "--layout", "wide")
        XCTAssertEqual(curves.status, 0, curves.stderr)
        XCTAssertEqual(parseCSV(curves.stdout).count, 41, curves.stdout)
        let classes = parseCSV(try gradbook("export", "classes", "1").stdout)
        XCTAssertEqual(classes.first, ["run_id", "run_name", "split", "epoch", "class", "precision", "recall", "f1", "support",
                                       "predicted_negative", "predicted_positive"])
        XCTAssertEqual(classes.count, 5, "two classes on each of two splits")
        let testRows = classes.dropFirst().filter { $0[2] == "test" }
        XCTAssertEqual(testRows.map { Double($0[7])! }.reduce(0, +) / 2, macro, accuracy: 1e-9)
        XCTAssertEqual(testRows.map { Int($0[9])! + Int($0[10])! }, testRows.map { Int($0[8])! }, "a confusion row sums to the support")
        let filtered = try gradbook("runs", "--where", "selected(test_auc) > 0.5", "--format", "csv", "--columns", "id,selected(test_macro_f1)")
        XCTAssertEqual(filtered.status, 0, filtered.stderr)
        XCTAssertEqual(parseCSV(filtered.stdout).count, 2, filtered.stdout)
    }
}
