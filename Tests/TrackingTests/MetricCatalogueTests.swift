import Foundation
import GRDB
import GradbookTestSupport
import Tracking
import XCTest

final class MetricCatalogueTests: StoreTestCase {
    /// The metrics kept in columns of `epochs` are exactly the catalogue's `.epochs` metrics.
    func testTheCatalogueKnowsEveryColumnOfEpochs() throws {
        try RunStore(path: path()).close()
        let columns = try RawDatabase.read(path()) { try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('epochs')") }
            .filter { !["run_id", "epoch", "recorded_at"].contains($0) }
        XCTAssertEqual(Set(columns), Set(Metric.catalogue.filter { $0.source == .epochs }.map(\.name)))
        XCTAssertEqual(Set(Metric.catalogue.map(\.name)).count, Metric.catalogue.count, "one entry per name")
    }

    /// `best(M)` and `best_epoch(M)` in the query language agree with ``Goal`` on every metric of
    /// the fixture: the one definition of "best", in SQL and in Swift.
    func testBestInSQLFollowsTheMetricsGoal() throws {
        let store = try QueryFixture.make(at: path())
        for metric in Metric.catalogue where metric.source != .layers {
            let points = try store.curves(run: 1, metrics: [metric.name])[0].points
            guard let first = points.first else { continue }
            let best = points.dropFirst().reduce(first) { metric.goal.improves($1.value, on: $0.value) ? $1 : $0 }
            let row = try XCTUnwrap(store.table(runs: [1], columns: [Term(name: metric.name, function: "best"),
                                                                      Term(name: metric.name, function: "best_epoch")]).rows.first)
            XCTAssertEqual(row[0].number, best.value, metric.name)
            XCTAssertEqual(row[1].number, Double(best.epoch), metric.name)
        }
        // Accuracy improves upwards, loss downwards: the fixture's best test accuracy is 0.8 at epoch 3.
        XCTAssertEqual(Metric.named("test_accuracy").goal, .maximize)
        XCTAssertEqual(try store.table(runs: [1], columns: [Term(name: "test_accuracy", function: "best")]).rows[0][0], .real(0.8))
        XCTAssertEqual(Metric.named("a_metric_of_its_own").goal, .minimize, "unknown metrics: lower is better")
    }

    func testGoalsImproveStrictly() {
        XCTAssertTrue(Goal.minimize.improves(1, on: 2))
        XCTAssertFalse(Goal.minimize.improves(2, on: 2), "a tie keeps the earlier epoch")
        XCTAssertTrue(Goal.maximize.improves(0.9, on: 0.8))
        XCTAssertEqual(Goal.maximize.better(0.8, 0.9), 0.9)
    }

    /// Every alert kind can be asked for in a filter and gets a column in `export runs`.
    func testEveryAlertKindIsQueryableAndExported() throws {
        let store = try QueryFixture.make(at: path())
        let columns = try store.runsReport(runs: [1]).columns
        for kind in AlertKind.allCases {
            XCTAssertNoThrow(try store.select(RunSelection(filter: "alert.\(kind.rawValue) >= 0")), kind.rawValue)
            XCTAssertTrue(columns.contains("alerts.\(kind.rawValue)"), kind.rawValue)
        }
        XCTAssertEqual(try store.select(RunSelection(filter: "alert.dead_relu = 2")), [1])
    }
}
