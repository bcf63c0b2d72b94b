import Foundation
import GRDB
import XCTest

/// Runs that differ only by seed are one curve: their mean with a band, coloured and named by
/// the hyperparameter that varies, never by run; every panel of a report on one y range. Each
/// drawn value is checked against the store through the chart's published attributes.
final class GroupedCurvesEndToEndTests: EndToEndTestCase {
    private func sweep() throws {
        let s = try gradbook("sweep", "--activation", "relu,tanh", "--lr", "0.3,0.03", "--seeds", "3", "--epochs", "12", "--name", "s")
        XCTAssertEqual(s.status, 0, s.stderr)
    }

    /// Each point of a path's `d` as (epoch, value), read back through the chart's scales.
    private func points(_ d: String, chart: [String: String]) -> [(epoch: Double, value: Double)] {
        let numbers = d.split(whereSeparator: { "MLZ ".contains($0) }).compactMap { Double($0) }
        let (x0, x1) = (Double(chart["data-x-min"]!)!, Double(chart["data-x-max"]!)!)
        let (left, right) = (Double(chart["data-left"]!)!, Double(chart["data-right"]!)!)
        let (y0, y1) = (Double(chart["data-y-min"]!)!, Double(chart["data-y-max"]!)!)
        let (bottom, top) = (Double(chart["data-bottom"]!)!, Double(chart["data-top"]!)!)
        let log = chart["data-y-scale"] == "log"
        return stride(from: 0, to: numbers.count - 1, by: 2).map { i in
            let t = (bottom - numbers[i + 1]) / (bottom - top)
            let value = log ? pow(10, log10(y0) + t * (log10(y1) - log10(y0))) : y0 + t * (y1 - y0)
            return (x0 + (numbers[i] - left) / (right - left) * (x1 - x0), value)
        }
    }

    func testAPlotOfASweepDrawsEachConfigurationAsTheMeanOfItsSeedsWithABand() throws {
        try sweep()
        let plot = try gradbook("plot", "--sweep", "s", "-o", "p.svg")
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let svg = try String(contentsOf: folder.appendingPathComponent("p.svg"), encoding: .utf8)
        let chart = try XCTUnwrap(BoundaryEndToEndTests.elements("svg", in: svg).first { $0["class"] == "chart" })
        let paths = BoundaryEndToEndTests.elements("path", in: svg)
        let lines = paths.filter { $0["class"] == "series" }, bands = paths.filter { $0["class"] == "band" }
        XCTAssertEqual(lines.count, 4, "2 activations × 2 learning rates, not 12 runs")
        XCTAssertEqual(bands.count, 4)
        XCTAssertTrue(bands.allSatisfy { $0["data-band"] == "std" })
        XCTAssertEqual(Set(lines.map { $0["data-label"]! }),
                       ["activation = relu, lr = 0.03", "activation = relu, lr = 0.3", "activation = tanh, lr = 0.03", "activation = tanh, lr = 0.3"])
        XCTAssertTrue(svg.contains("band: ±1 std over seeds"))
        XCTAssertFalse(svg.contains("s/0"), "no run names in the legend")

        for line in lines {
            let runs = line["data-runs"]!.split(separator: ",").map { Int64($0)! }
            XCTAssertEqual(runs.count, 3)
            // Independently: the store's test losses of these runs, their mean and sample std per epoch.
            let losses = try query { db in
                try Row.fetchAll(db, sql: "SELECT epoch, test_loss FROM epochs WHERE run_id IN (\(runs.map(String.init).joined(separator: ","))) ORDER BY epoch")
                    .reduce(into: [Int: [Double]]()) { $0[$1[0], default: []].append($1[1]) }
            }
            let drawn = points(line["d"]!, chart: chart)
            XCTAssertEqual(drawn.count, 12)
            for p in drawn {
                let v = losses[Int(p.epoch.rounded())]!
                XCTAssertEqual(p.epoch, p.epoch.rounded(), accuracy: 0.01)
                XCTAssertEqual(p.value, v.reduce(0, +) / 3, accuracy: 2e-3 * max(1, abs(p.value)), "mean at epoch \(p.epoch)")
            }
            let band = try XCTUnwrap(bands.first { $0["data-label"] == line["data-label"] })
            let edge = points(band["d"]!, chart: chart)
            XCTAssertEqual(edge.count, 24, "the upper edge forwards, the lower back")
            for p in edge.prefix(12) {
                let v = losses[Int(p.epoch.rounded())]!, m = v.reduce(0, +) / 3
                let std = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 2).squareRoot()
                XCTAssertEqual(p.value, m + std, accuracy: 2e-3 * max(1, abs(p.value)), "upper edge at epoch \(p.epoch)")
            }
        }

        // Coloured by one hyperparameter: its values name the legend.
        XCTAssertEqual(try gradbook("plot", "--sweep", "s", "--color-by", "lr", "--band", "minmax", "-o", "c.svg").status, 0)
        let coloured = try String(contentsOf: folder.appendingPathComponent("c.svg"), encoding: .utf8)
        let legend = coloured.components(separatedBy: "<g class=\"legend\">").dropFirst().map { $0.components(separatedBy: "dy=\"0.32em\" fill=\"currentColor\">")[1].prefix { $0 != "<" } }
        XCTAssertEqual(legend.map(String.init).sorted(), ["lr = 0.03", "lr = 0.3"])
        let colourOf = Dictionary(grouping: BoundaryEndToEndTests.elements("path", in: coloured).filter { $0["class"] == "series" }) { $0["stroke"]! }
        XCTAssertEqual(colourOf.count, 2, "one colour per learning rate")
        XCTAssertTrue(BoundaryEndToEndTests.elements("path", in: coloured).filter { $0["class"] == "band" }.allSatisfy { $0["data-band"] == "minmax" })

        // One line per run, named by its values and seed.
        XCTAssertEqual(try gradbook("plot", "--sweep", "s", "--group-by", "none", "-o", "n.svg").status, 0)
        let each = BoundaryEndToEndTests.elements("path", in: try String(contentsOf: folder.appendingPathComponent("n.svg"), encoding: .utf8))
        XCTAssertEqual(each.filter { $0["class"] == "series" }.count, 12)
        XCTAssertEqual(each.filter { $0["class"] == "band" }.count, 0, "a run alone has no band")

        let bad = try gradbook("plot", "--sweep", "s", "--group-by", "activaton", "-o", "x.svg")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("invalid --group-by or --color-by 'activaton': expected a hyperparameter of these runs (activation"), bad.stderr)
        let band = try gradbook("plot", "--sweep", "s", "--band", "iqr", "-o", "x.svg")
        XCTAssertNotEqual(band.status, 0)
        XCTAssertTrue(band.stderr.contains("invalid --band 'iqr': expected std, minmax, none"), band.stderr)
    }

    func testASweepReportsPanelsShareOneYRangeAndGroupTheSeeds() throws {
        try sweep()
        XCTAssertEqual(try gradbook("report", "--sweep", "s", "-o", "r.html").status, 0)
        let html = try String(contentsOf: folder.appendingPathComponent("r.html"), encoding: .utf8)
        let panels = BoundaryEndToEndTests.elements("svg", in: html).filter { $0["class"] == "chart" && $0["id"]!.hasPrefix("loss-") }
        XCTAssertEqual(panels.count, 2, "one panel per learning rate")
        XCTAssertEqual(Set(panels.map { "\($0["data-y-min"]!) \($0["data-y-max"]!) \($0["data-y-scale"]!)" }).count, 1, "one y range")
        let lines = BoundaryEndToEndTests.elements("path", in: html).filter { $0["class"] == "series" && $0["data-metric"] == "test_loss" }
        XCTAssertEqual(lines.count, 4, "per panel: one mean line per activation")
        XCTAssertTrue(lines.allSatisfy { $0["data-runs"]!.split(separator: ",").count == 3 })
        XCTAssertTrue(html.contains(">activation = relu</text>"), "the legend names the values")
    }
}
