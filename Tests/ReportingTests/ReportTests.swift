import Foundation
import GradbookTestSupport
import Reporting
import Tracking
import XCTest

final class ReportTests: XCTestCase {
    private var folder: URL!
    private var store: RunStore!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try QueryFixture.make(at: folder.appendingPathComponent("r.sqlite").path)
    }

    override func tearDownWithError() throws {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The attribute `name` of the first element matching `pattern` in `text`.
    private func attribute(_ name: String, in element: String) -> String? {
        guard let r = element.range(of: "\(name)=\"") else { return nil }
        return String(element[r.upperBound...].prefix { $0 != "\"" })
    }

    private func element(_ text: String, containing marker: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        let start = text[..<r.lowerBound].lastIndex(of: "<")!
        let end = text[r.lowerBound...].firstIndex(of: ">")!
        return String(text[start...end])
    }

    /// The (x, y) pairs of a path's `d`.
    private func points(_ d: String) -> [(Double, Double)] {
        let numbers = d.split { $0 == " " || $0 == "M" || $0 == "L" }.compactMap { Double($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
    }

    /// Epoch k of run r is drawn where its value says, by the chart's own published scales.
    func testEveryPointSitsWhereItsValueSays() throws {
        for kind in [Scale.Kind.linear, .log] {
            let series = try [1, 2].map { run in
                LineChart.Series(label: "run \(run)", color: Palette.color(Int(run)),
                                 points: try store.curves(run: run, metrics: ["test_loss"])[0].points, run: run, metric: "test_loss")
            }
            let svg = LineChart(title: "test loss", series: series, yScale: kind).svg(id: "c")
            let root = try XCTUnwrap(element(svg, containing: "class=\"chart\""))
            func number(_ name: String) throws -> Double { try XCTUnwrap(Double(XCTUnwrap(attribute(name, in: root))), name) }
            let (x0, x1, y0, y1) = (try number("data-x-min"), try number("data-x-max"), try number("data-y-min"), try number("data-y-max"))
            let (left, right, top, bottom) = (try number("data-left"), try number("data-right"), try number("data-top"), try number("data-bottom"))
            XCTAssertEqual(attribute("data-y-scale", in: root), kind.rawValue)
            for run: Int64 in [1, 2] {
                let path = try XCTUnwrap(element(svg, containing: "data-run=\"\(run)\""))
                let drawn = points(try XCTUnwrap(attribute("d", in: path)))
                let stored = try store.curves(run: run, metrics: ["test_loss"])[0].points
                XCTAssertEqual(drawn.count, stored.count)
                for (p, s) in zip(drawn, stored) {
                    let x = left + (Double(s.epoch) - x0) / (x1 - x0) * (right - left)
                    let t = kind == .log ? (log10(s.value) - log10(y0)) / (log10(y1) - log10(y0)) : (s.value - y0) / (y1 - y0)
                    XCTAssertEqual(p.0, x, accuracy: 0.006, "run \(run) epoch \(s.epoch) x")
                    XCTAssertEqual(p.1, bottom + t * (top - bottom), accuracy: 0.006, "run \(run) epoch \(s.epoch) y (\(kind))")
                }
            }
            XCTAssertLessThanOrEqual(y0, 0.3)
            XCTAssertGreaterThanOrEqual(y1, 1.1)
        }
    }

    func testHeatMapCellsShowTheirRunsAndLinkToTheBest() throws {
        let pivot = try Pivot(store: store, runs: [1, 2, 3, 4], rows: Term(name: "activation"), cols: Term(name: "lr"),
                              value: Term(name: "test_loss", function: "best"))
        let svg = HeatMap(pivot: pivot, title: "best").svg(id: "h")
        let relu = try XCTUnwrap(element(svg, containing: "data-row=\"relu\" data-col=\"0.1\""))
        XCTAssertEqual(attribute("href", in: relu), "#run-1")
        XCTAssertEqual(attribute("data-runs", in: relu), "1", "run 4 (relu, 0.1) has no epochs and no value")
        XCTAssertEqual(attribute("data-mean", in: relu), "0.3")
        XCTAssertTrue(svg.contains(">0.3</text>"))
        XCTAssertTrue(svg.contains(">2.5</text>"), "sigmoid at 0.001")
        XCTAssertEqual(svg.components(separatedBy: "class=\"cell\"").count - 1, 3, "three cells with values")
        let best = try XCTUnwrap(svg.range(of: "data-row=\"relu\" data-col=\"0.1\"").map { svg[$0.upperBound...] }?.prefix(400))
        XCTAssertTrue(best.contains("stroke-width=\"2.5\""), "the best cell is outlined")
    }

    func testTheReportIsOneSelfContainedFile() throws {
        let html = try HTMLReport(store: store, runs: [1, 2, 3], sweep: false).html()
        // The only address is SVG's namespace, which is a name, not a fetch.
        let addresses = html.components(separatedBy: "http").count - 1
        XCTAssertEqual(addresses, html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
        for external in ["<link", " src=", "@import", "url(http", "fetch(", "XMLHttpRequest"] {
            XCTAssertFalse(html.contains(external), external)
        }
        XCTAssertTrue(html.contains("<tr id=\"run-1\">") && html.contains("<tr id=\"run-3\">"))
        XCTAssertTrue(html.contains("prefers-color-scheme: dark"))
        // Run 1's details: gradient norms on a log scale, the dead_relu alert marked at epoch 3.
        let grad = try XCTUnwrap(element(html, containing: "id=\"run1-grad\""))
        XCTAssertEqual(attribute("data-y-scale", in: grad), "log")
        XCTAssertTrue(html.contains("<line class=\"marker\" data-epoch=\"3\""), "the alert's first epoch is marked")
        XCTAssertTrue(html.contains("id=\"run1-dead\""))
        XCTAssertTrue(html.contains("dead_relu</td>"))
        // The hover data parses and holds the stored values.
        let start = try XCTUnwrap(html.range(of: "<script type=\"application/json\" id=\"chart-data\">"))
        let json = html[start.upperBound...].prefix { $0 != "<" }
        let charts = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let loss = try XCTUnwrap(charts.first { $0["id"] as? String == "run1-loss" })
        let series = try XCTUnwrap(loss["series"] as? [[String: Any]])
        let test = try XCTUnwrap(series.first { $0["label"] as? String == "test_loss" }?["points"] as? [[Double]])
        XCTAssertEqual(test, [[1, 1.1], [2, 0.6], [3, 0.3], [4, 0.35]])
    }

    func testASweepReportLeadsWithTheHeatMapAndPanelsPerColumn() throws {
        // Runs 1 and 4 are one cell (relu, lr 0.1): a grid.
        let html = try HTMLReport(store: store, runs: [1, 4], sweep: true).html()
        XCTAssertTrue(html.contains("class=\"heatmap\""))
        XCTAssertFalse(html.contains("class=\"parallel\""), "two axes that form a grid need no parallel coordinates")
        XCTAssertTrue(html.contains("lr = 0.1"), "one panel per learning rate")
        XCTAssertLessThan(try XCTUnwrap(html.range(of: "class=\"heatmap\"")).lowerBound, try XCTUnwrap(html.range(of: "<h2>Runs")).lowerBound)
    }

    func testRunsThatDoNotFormAGridGetParallelCoordinatesInsteadOfASparseHeatMap() throws {
        // relu at 0.1 and tanh at 0.01: two of the four cells of activation × lr.
        let html = try HTMLReport(store: store, runs: [1, 2], sweep: true).html()
        XCTAssertFalse(html.contains("class=\"heatmap\""))
        XCTAssertTrue(html.contains("do not form a grid of activation × lr"))
        XCTAssertLessThan(try XCTUnwrap(html.range(of: "class=\"parallel\"")).lowerBound, try XCTUnwrap(html.range(of: "<h2>Runs")).lowerBound)
        XCTAssertEqual(html.components(separatedBy: "class=\"scatter\"").count - 1, 3, "lr, activation and batch_size vary")
    }
}
