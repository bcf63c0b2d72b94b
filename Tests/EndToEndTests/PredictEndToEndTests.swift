import Datasets
import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// A snapshot is a model: `predict` and `eval` on a file apply the run's stored input transform
/// (its columns by name, the standardiser fitted on its training part, its classes) and fit
/// nothing on the new rows.
final class PredictEndToEndTests: EndToEndTestCase {
    /// Three classes of text labels on features of very different scales, so that a standardiser
    /// fitted on the new rows instead of the training part would change every prediction.
    private func writeData() throws {
        var rng = SeededGenerator(seed: 11)
        var lines = ["id,a,b,kind"]
        for i in 0..<300 {
            let c = ["cat", "dog", "eel"][rng.below(3)]
            let centre: (Double, Double) = c == "cat" ? (0, 0) : c == "dog" ? (5, 50) : (0, 80)
            lines.append("\(i),\(100 + centre.0 + rng.normal()),\(centre.1 + 10 * rng.normal()),\(c)")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("animals.csv"), atomically: true, encoding: .utf8)
        // 19 rows of two of the classes, columns in another order: a file that re-derived its own
        // classes and statistics would read them wrongly.
        let few = lines.dropFirst().filter { !$0.hasSuffix(",eel") }.prefix(19).map { row -> String in
            let f = row.split(separator: ",")
            return "\(f[2]),\(f[3]),\(f[1]),\(f[0])"
        }
        try (["b,kind,a,id"] + few).joined(separator: "\n").write(to: folder.appendingPathComponent("few.csv"), atomically: true, encoding: .utf8)
    }

    func testASnapshotIsAModelOnNewRows() throws {
        try writeData()
        XCTAssertEqual(try gradbook("run", "--dataset", "animals.csv", "--label", "kind", "--layers", "8", "--epochs", "60", "--lr", "0.1",
                                    "--evaluate-train").status, 0)
        let transform = try XCTUnwrap(try query { try String.fetchOne($0, sql: "SELECT input_transform FROM runs WHERE id = 1") })
        XCTAssertTrue(transform.contains("\"classes\":[\"cat\",\"dog\",\"eel\"]"), transform)
        let eval = try gradbook("eval", "1", "--dataset", "few.csv")
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("on few.csv (19 rows"), eval.stdout)
        let accuracy = try XCTUnwrap(eval.stdout.split(separator: "\n").first { $0.hasPrefix("accuracy") })
        XCTAssertEqual(accuracy.split(separator: " ").last, "1.0", "these rows are classified as in training: \(eval.stdout)")

        let predict = try gradbook("predict", "1", "few.csv")
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let rows = parseCSV(predict.stdout)
        XCTAssertEqual(rows.first, ["b", "kind", "a", "id", "predicted", "p_cat", "p_dog", "p_eel"])
        XCTAssertEqual(rows.count, 20)
        for row in rows.dropFirst() {
            XCTAssertEqual(row[4], row[1], "predicted class \(row)")
            let p = row[5...7].map { Double($0)! }
            XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertEqual(["cat", "dog", "eel"][p.indices.max { p[$0] < p[$1] }!], row[4])
        }
        XCTAssertTrue(predict.stderr.contains("on 19 labelled rows"), predict.stderr)
        let kept = parseCSV(try gradbook("predict", "1", "few.csv", "--keep", "id", "--format", "csv").stdout)
        XCTAssertEqual(kept.first, ["id", "predicted", "p_cat", "p_dog", "p_eel"])

        // The whole training file evaluated through the model gives the logged numbers of the final epoch
        // on its training and test parts together: the same rows, weights and transform.
        let logged = try XCTUnwrap(try query { try Row.fetchOne($0, sql: "SELECT train_loss, test_loss FROM epochs WHERE run_id = 1 AND epoch = 60") })
        let whole = try gradbook("eval", "1", "--dataset", "animals.csv")
        let loss = try XCTUnwrap(Double(try XCTUnwrap(whole.stdout.split(separator: "\n").first { $0.hasPrefix("loss") }?.split(separator: " ").last)))
        XCTAssertEqual(loss, ((logged["train_loss"] as Double) + (logged["test_loss"] as Double)) / 2, accuracy: 1e-6,
                       "a 50 % train ratio: the mean of the two halves")

        // Clear errors naming the column, row and value.
        try "a,b\n1,2\n".write(to: folder.appendingPathComponent("missing.csv"), atomically: true, encoding: .utf8)
        let missing = try gradbook("predict", "1", "missing.csv")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no column 'id'; the run's inputs are 'id', 'a', 'b'"), missing.stderr)
        try "id,a,b,kind\n1,2,3,cow\n".write(to: folder.appendingPathComponent("cow.csv"), atomically: true, encoding: .utf8)
        let cow = try gradbook("eval", "1", "--dataset", "cow.csv")
        XCTAssertEqual(cow.status, 1)
        XCTAssertTrue(cow.stderr.contains("cow.csv:2:4: label 'cow' is not one of the run's classes (cat, dog, eel)"), cow.stderr)
        try "id,a,b\n1,oops,3\n".write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try gradbook("predict", "1", "bad.csv")
        XCTAssertTrue(bad.stderr.contains("bad.csv:2:2: column 'a' holds 'oops'; expected a finite number"), bad.stderr)
        let noLabel = try gradbook("eval", "1", "--dataset", "bad.csv")
        XCTAssertEqual(noLabel.status, 1)
    }

    /// A run on a built-in set predicts from a file of x, y columns.
    func testABuiltInRunPredictsFromXAndY() throws {
        XCTAssertEqual(try gradbook("run", "--dataset", "circle", "--activation", "tanh", "--epochs", "150", "--lr", "0.1").status, 0)
        try "x,y\n0,0\n5.5,0\n0,-5.5\n".write(to: folder.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
        let rows = parseCSV(try gradbook("predict", "1", "points.csv").stdout)
        XCTAssertEqual(rows.first, ["x", "y", "predicted", "p_negative", "p_positive"])
        XCTAssertEqual(rows.count, 4)
        XCTAssertNotEqual(rows[1][2], rows[2][2], "the centre and the ring are told apart")
        XCTAssertEqual(rows[2][2], rows[3][2])
    }
}
