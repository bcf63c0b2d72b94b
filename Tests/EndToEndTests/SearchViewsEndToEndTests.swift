import Foundation
import GradbookTestSupport
import XCTest

/// Every kind of sweep gets a picture that reads: a random search is not a sparse heat map but
/// parallel coordinates, the metric against each hyperparameter and, in the terminal, the best
/// runs; a sweep's gradient flow is each activation's per-layer norm. Every drawn position is
/// turned back into a value through the chart's published axes and checked against the store.
final class SearchViewsEndToEndTests: EndToEndTestCase {
    private typealias Elements = BoundaryEndToEndTests

    /// The value at pixel `p` of an axis drawn with ``SweepAxis``'s published attributes.
    private func value(at p: Double, on axis: [String: String]) throws -> String {
        let start = Double(try XCTUnwrap(axis["data-start"]))!, end = Double(try XCTUnwrap(axis["data-end"]))!
        let t = (p - start) / (end - start)
        switch axis["data-kind"] {
        case "category":
            let json = try XCTUnwrap(axis["data-categories"]).replacingOccurrences(of: "&quot;", with: "\"")
            let categories = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String])
            return categories.count == 1 ? categories[0] : categories[Int((t * Double(categories.count - 1)).rounded())]
        case "log":
            let (low, high) = (log10(Double(axis["data-min"]!)!), log10(Double(axis["data-max"]!)!))
            return "\(pow(10, low + t * (high - low)))"
        default:
            let (low, high) = (Double(axis["data-min"]!)!, Double(axis["data-max"]!)!)
            return "\(low + t * (high - low))"
        }
    }

    /// Whether a value read back from a drawing is the stored one: the same text, or a number
    /// within a pixel's rounding of the axis' span.
    private func assertSame(_ read: String, _ stored: String, axis: [String: String], _ message: String) {
        guard let r = Double(read), let s = Double(stored), axis["data-kind"] != "category" else {
            return XCTAssertEqual(read, stored, message)
        }
        let (low, high) = (Double(axis["data-min"]!)!, Double(axis["data-max"]!)!)
        let tolerance = axis["data-kind"] == "log" ? s * log(high / low) * 1e-4 : (high - low) * 1e-4
        XCTAssertEqual(r, s, accuracy: tolerance, message)
    }

    func testARandomSearchShowsParallelCoordinatesScattersAndItsBestRunsNotASparsePivot() throws {
        let spec = """
            method: random
            count: 12
            seed: 7
            metric: {name: test_loss, goal: minimize}
            parameters:
              activation: {values: [relu, tanh]}
              lr: {distribution: log_uniform_values, min: 0.01, max: 0.3}
              layers: {values: ["4", "6"]}
              epochs: {value: 8}
            """
        try spec.write(to: folder.appendingPathComponent("search.yaml"), atomically: true, encoding: .utf8)
        let sweep = try gradbook("sweep", "--spec", "search.yaml", "--name", "search", "--jobs", "2")
        XCTAssertEqual(sweep.status, 0, sweep.stderr)

        let csv = try gradbook("runs", "--sweep", "search", "--columns", "id,activation,param.lr,param.layers,selected(test_loss)", "--format", "csv")
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let stored = parseCSV(csv.stdout).dropFirst().filter { $0.count == 5 }
        XCTAssertEqual(stored.count, 12)
        let byRun = Dictionary(uniqueKeysWithValues: stored.map { ($0[0], Array($0.dropFirst())) })

        // The terminal: no pivot of mostly empty cells, the best ten runs in order with their settings.
        let out = sweep.stdout
        XCTAssertTrue(out.contains("activation × lr is not a grid"), out)
        XCTAssertFalse(out.contains("activation \\ lr"), "no sparse pivot: \(out)")
        let lines = out.components(separatedBy: "\n")
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("rank") }, out)
        XCTAssertEqual(lines[header].split(separator: " ").map(String.init), ["rank", "run", "test_loss", "activation", "lr", "layers"])
        let top = lines[(header + 1)...].prefix { !$0.hasPrefix("…") && !$0.hasPrefix("export") }.map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(top.count, 10)
        XCTAssertTrue(out.contains("… and 2 more"), out)
        let ranked = stored.sorted { Double($0[4])! < Double($1[4])! }
        XCTAssertEqual(top.map { $0[1] }, ranked.prefix(10).map { $0[0] }, "the best runs, best first")
        for row in top { XCTAssertEqual(Double(row[2])!, Double(byRun[row[1]]![3])!, accuracy: 1e-3, "run \(row[1])'s value") }
        XCTAssertEqual(top.map { [$0[3], $0[5]] }, ranked.prefix(10).map { [$0[1], $0[3]] }, "each run's settings")

        let report = try gradbook("report", "--sweep", "search", "-o", "search.html")
        XCTAssertEqual(report.status, 0, report.stderr)
        let url = folder.appendingPathComponent("search.html")
        let html = try String(contentsOf: url, encoding: .utf8)
        XCTAssertFalse(html.contains("class=\"heatmap\""), "a random search has no grid to draw")
        XCTAssertFalse(html.contains("table class=\"gallery\""), "nor a gallery of its cells")

        // Parallel coordinates: one line per run, whose height on every axis is the run's value.
        let svgs = Elements.elements("svg", in: html)
        XCTAssertEqual(svgs.first { $0["class"] == "parallel" }?["data-runs"], "12")
        let parallel = String(html[html.range(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"parallel\"")!.lowerBound...]).components(separatedBy: "</svg>")[0]
        let axes = Elements.elements("g", in: parallel).filter { $0["class"] == "axis" }
        XCTAssertEqual(axes.map { $0["data-name"] }, ["activation", "lr", "layers", "selected(test_loss)"])
        XCTAssertEqual(axes.map { $0["data-kind"] }, ["category", "log", "category", "linear"])
        let paths = Elements.elements("path", in: parallel).filter { $0["class"] == "line" }
        XCTAssertEqual(Set(paths.compactMap { $0["data-run"] }), Set(byRun.keys))
        for path in paths {
            let run = path["data-run"]!, ys = path["data-ys"]!.split(separator: ",").map { Double($0)! }
            XCTAssertEqual(ys.count, 4)
            for (k, axis) in axes.enumerated() {
                assertSame(try value(at: ys[k], on: axis), byRun[run]![k], axis: axis, "run \(run) on \(axis["data-name"]!)")
            }
            // The path goes through those heights at the axes' x.
            let d = path["d"]!.replacingOccurrences(of: "M", with: "").replacingOccurrences(of: "L", with: "")
            let numbers = d.split(separator: " ").map { Double($0)! }
            XCTAssertEqual(stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }, ys, "run \(run)'s path")
            XCTAssertEqual(stride(from: 0, to: numbers.count, by: 2).map { numbers[$0] }, axes.map { Double($0["data-x"]!)! })
        }

        // The metric against each hyperparameter: every dot where its run's values are.
        let scatters = html.components(separatedBy: "class=\"scatter\"").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        XCTAssertEqual(scatters.count, 3, "one per varied hyperparameter")
        for (k, scatter) in scatters.enumerated() {
            let groups = Elements.elements("g", in: scatter)
            let x = try XCTUnwrap(groups.first { $0["class"] == "x-axis" }), y = try XCTUnwrap(groups.first { $0["class"] == "y-axis" })
            XCTAssertEqual(x["data-name"], axes[k]["data-name"])
            let dots = Elements.elements("circle", in: scatter).filter { $0["class"] == "point" }
            XCTAssertEqual(dots.count, 12)
            for dot in dots {
                let run = dot["data-run"]!
                XCTAssertEqual(dot["data-x"], byRun[run]![k])
                assertSame(try value(at: Double(dot["cy"]!)!, on: y), byRun[run]![3], axis: y, "run \(run)'s dot, y")
                if x["data-kind"] != "category" {
                    assertSame(try value(at: Double(dot["cx"]!)!, on: x), byRun[run]![k], axis: x, "run \(run)'s dot, x")
                }
            }
        }

        // In a browser: no console output; brushing the learning rate's axis keeps exactly the runs inside.
        guard let chromium = ReportEndToEndTests.chromium else { throw XCTSkip("chromium is not installed (apt-get install chromium)") }
        let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/report-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let plain = try ReportEndToEndTests.consoleOfChromium(chromium, file: url, screenshot: shots.appendingPathComponent("search-report.png"))
        XCTAssertEqual(plain, [], "no console output, no errors: \(plain)")
        let probe = """
            <script>
            (function () {
              var svg = document.querySelector("svg.parallel"), area = svg.querySelectorAll("rect.brush-area")[1];
              var box = area.getBoundingClientRect(), x = box.left + box.width / 2;
              area.dispatchEvent(new MouseEvent("mousedown", { clientX: x, clientY: box.top + box.height * 0.1, bubbles: true }));
              window.dispatchEvent(new MouseEvent("mousemove", { clientX: x, clientY: box.top + box.height * 0.3, bubbles: true }));
              window.dispatchEvent(new MouseEvent("mouseup", { clientX: x, clientY: box.top + box.height * 0.65, bubbles: true }));
              var brush = svg.querySelectorAll("g.axis")[1].getAttribute("data-brush").split(",").map(Number);
              var wrong = 0, kept = 0;
              svg.querySelectorAll("path.line").forEach(function (line) {
                var y = Number(line.getAttribute("data-ys").split(",")[1]);
                var inside = y >= brush[0] && y <= brush[1];
                if (inside === line.classList.contains("dim")) { wrong += 1; }
                if (inside) { kept += 1; }
              });
              console.log("CHECK wrong " + wrong);
              console.log("CHECK kept " + kept + " " + svg.getAttribute("data-selected") + " " + document.querySelectorAll("tr.hit").length);
              console.log("CHECK span " + (brush[1] - brush[0] > 50));
            })();
            </script>
            """
        let probed = folder.appendingPathComponent("probed.html")
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(to: probed, atomically: true, encoding: .utf8)
        let console = try ReportEndToEndTests.consoleOfChromium(chromium, file: probed, screenshot: shots.appendingPathComponent("search-report-brushed.png"))
        XCTAssertFalse(console.contains { $0.contains("Uncaught") || $0.contains("Error") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK wrong 0") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK span true") }, "\(console)")
        let kept = try XCTUnwrap(console.first { $0.contains("CHECK kept") }, "\(console)")
        let counts = kept.components(separatedBy: "CHECK kept ")[1].prefix { $0 != "\"" }.split(separator: " ").map { Int($0) ?? -1 }
        XCTAssertEqual(counts.count, 3, kept)
        XCTAssertEqual(Set(counts).count, 1, "the lines kept, the chart's count and the highlighted table rows agree: \(kept)")
        XCTAssertGreaterThan(counts[0], 0, kept)
        XCTAssertLessThan(counts[0], 12, kept)
    }

    func testAGridWithAThirdAxisKeepsItsHeatMapAndAddsParallelCoordinatesAndGradientFlow() throws {
        let sweep = try gradbook("sweep", "--activation", "relu,sigmoid", "--lr", "0.3,0.03", "--layers", "8,8/4,4", "--seeds", "2",
                                 "--epochs", "12", "--name", "g", "--jobs", "2")
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        XCTAssertTrue(sweep.stdout.contains("activation \\ lr"), "a grid keeps its pivot: \(sweep.stdout)")
        XCTAssertTrue(sweep.stdout.contains("more than two settings vary; the best 10 of 16 runs"), sweep.stdout)
        let report = try gradbook("report", "--sweep", "g", "-o", "g.html")
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try String(contentsOf: folder.appendingPathComponent("g.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("class=\"heatmap\""))
        XCTAssertTrue(html.contains("class=\"parallel\""), "three axes: the heat map averages over the third")

        // Gradient flow: per activation and layer, the geometric mean over its 8 runs of the stored norm.
        let diagnostics = try gradbook("export", "diagnostics", "--sweep", "g", "--format", "csv")
        XCTAssertEqual(diagnostics.status, 0, diagnostics.stderr)
        let table = parseCSV(diagnostics.stdout)
        let column = { (name: String) in table[0].firstIndex(of: name)! }
        let runs = try gradbook("runs", "--sweep", "g", "--columns", "id,activation", "--format", "csv")
        let activation = Dictionary(uniqueKeysWithValues: parseCSV(runs.stdout).dropFirst().filter { $0.count == 2 }.map { ($0[0], $0[1]) })
        var logs: [String: [Int: [Double]]] = [:]   // "relu layer 1" → epoch → log10 norms
        for row in table.dropFirst() where row.count == table[0].count {
            let layer = row[column("layer")] == "3" ? "output" : "layer \(row[column("layer")])"
            logs["\(activation[row[column("run_id")]]!) \(layer)", default: [:]][Int(row[column("epoch")])!, default: []].append(log10(Double(row[column("grad_norm_mean")])!))
        }
        let start = try XCTUnwrap(html.range(of: "<script type=\"application/json\" id=\"chart-data\">"))
        let end = try XCTUnwrap(html[start.upperBound...].range(of: "</script>"))
        let charts = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as? [[String: Any]])
        let flow = charts.filter { ($0["id"] as! String).hasPrefix("flow-") }
        XCTAssertEqual(flow.count, 2, "a panel per activation")
        let titles = html.components(separatedBy: "<h2>Gradient flow")[1].components(separatedBy: "</section>")[0]
        XCTAssertTrue(titles.contains("activation = relu (8 runs)") && titles.contains("activation = sigmoid (8 runs)"), titles)
        var checked = 0
        for (panel, name) in zip(flow, ["relu", "sigmoid"]) {
            for series in panel["series"] as! [[String: Any]] {
                let label = series["label"] as! String
                let expected = try XCTUnwrap(logs["\(name) \(label)"], label)
                for point in series["points"] as! [[Any]] {
                    let epoch = point[0] as! Int, value = (point[1] as! NSNumber).doubleValue
                    let values = try XCTUnwrap(expected[epoch])
                    XCTAssertEqual(values.count, 8)
                    XCTAssertEqual(log10(value), values.reduce(0, +) / 8, accuracy: 1e-9, "\(name) \(label) epoch \(epoch)")
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 2 * 3 * 12, "two activations × three layers × twelve epochs")

        guard let chromium = ReportEndToEndTests.chromium else { throw XCTSkip("chromium is not installed (apt-get install chromium)") }
        let console = try ReportEndToEndTests.consoleOfChromium(chromium, file: folder.appendingPathComponent("g.html"),
                                                                screenshot: folder.appendingPathComponent("g.png"))
        XCTAssertEqual(console, [], "no console output, no errors: \(console)")
    }
}
