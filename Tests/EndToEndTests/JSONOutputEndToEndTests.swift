import Foundation
import GRDB
import XCTest

/// `--format json` on `run`, `sweep`, `show` and `eval`: one document on stdout whose numbers
/// are the store's, exactly.
final class JSONOutputEndToEndTests: EndToEndTestCase {
    private func document(_ result: GradbookProcess.Result) throws -> [String: Any] {
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    func testRunShowEvalAndSweepPrintJSON() throws {
        let run = try document(try gradbook("run", "--dataset", "xor", "--epochs", "12", "--validation-ratio", "20", "--format", "json", "--name", "j"))
        XCTAssertEqual(run["run_id"] as? Int, 1)
        XCTAssertEqual(run["status"] as? String, "finished")
        XCTAssertEqual((run["params"] as? [String: Any])?["dataset"] as? String, "xor")
        let final = try XCTUnwrap(run["final"] as? [String: Double])
        let stored = try XCTUnwrap(try query { try Row.fetchOne($0, sql: "SELECT test_loss, test_accuracy FROM epochs WHERE run_id = 1 AND epoch = 12") })
        // Written exactly (the shortest text that reads back the same); Foundation's JSON reader is
        // off in the last digit at times, hence the tolerance.
        XCTAssertEqual(try XCTUnwrap(final["test_loss"]), stored[0] as Double, accuracy: 1e-15)
        XCTAssertTrue(try gradbook("run", "--dataset", "xor", "--epochs", "1", "--format", "json").stdout
            .contains("\"test_loss\": \(try XCTUnwrap(try query { try Double.fetchOne($0, sql: "SELECT test_loss FROM epochs WHERE run_id = 2") }))"))
        XCTAssertEqual(final["test_accuracy"], stored[1] as Double)
        XCTAssertNotNil(final["val_auc"])
        let selected = try XCTUnwrap(run["selected"] as? [String: Any])
        XCTAssertEqual(selected["selected_on"] as? String, "val_loss")

        let show = try document(try gradbook("show", "j", "--format", "json"))
        XCTAssertEqual(show["name"] as? String, "j")
        let metrics = try XCTUnwrap(show["metrics"] as? [String: [String: Any]])
        XCTAssertEqual(try XCTUnwrap(metrics["test_loss"]?["final"] as? Double), stored[0] as Double, accuracy: 1e-15)
        XCTAssertEqual((show["selected"] as? [String: Any])?["epoch"] as? Int, selected["epoch"] as? Int)
        XCTAssertEqual((show["classes"] as? [Any])?.count, 4, "two classes on two splits")
        XCTAssertEqual(((show["confusion"] as? [String: Any])?["counts"] as? [[Int]])?.joined().reduce(0, +), 250, "the 250 test samples")

        let eval = try document(try gradbook("eval", "1", "--epoch", "12", "--format", "json"))
        let testLoss = try XCTUnwrap((eval["metrics"] as? [String: [String: Double]])?["test_loss"])
        XCTAssertEqual(try XCTUnwrap(testLoss["evaluated"]), stored[0] as Double, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(testLoss["logged"]), stored[0] as Double, accuracy: 1e-15)

        let sweep = try document(try gradbook("sweep", "--activation", "relu,tanh", "--lr", "0.1", "--epochs", "3", "--seeds", "2", "--format", "json"))
        XCTAssertEqual(sweep["configurations"] as? Int, 4)
        XCTAssertEqual((sweep["runs"] as? [String: Int])?["finished"], 4)
        let cells = try XCTUnwrap(sweep["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["activation"] as? String }, ["relu", "tanh"])
        XCTAssertEqual(cells.map { $0["count"] as? Int }, [2, 2])
        let configs = try XCTUnwrap(sweep["configs"] as? [[String: Any]])
        let relu = configs.filter { ($0["settings"] as? [String: String])?["activation"] == "relu" }.compactMap { $0["value"] as? Double }
        XCTAssertEqual(try XCTUnwrap(cells[0]["mean"] as? Double), relu.reduce(0, +) / 2, accuracy: 1e-12)
        XCTAssertEqual(try gradbook("show", "1", "--format", "yaml").status, 2)
        XCTAssertEqual(try gradbook("show", "1", "--format", "table").stdout, try gradbook("show", "1").stdout)
    }
}
