import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// Pictures computed from a run's stored weights: the loss along the line between two weight
/// settings (`plot --interpolate`) and the report's weight and hidden-output histograms, checked
/// against a forward pass written out here, on a CSV file whose every row the test knows.
final class ModelViewsEndToEndTests: EndToEndTestCase {
    /// 40 rows of x1, x2, label: classes a and b, twenty each.
    private let rows: [(x: [Double], label: String)] = (0..<40).map { k in
        let t = Double(k)
        return ([cos(t * 0.7) * (1 + t / 40), sin(t * 1.3) - 0.5 + t / 80], k % 2 == 0 ? "a" : "b")
    }

    private func writeData() throws {
        let text = "x1,x2,label\n" + rows.map { "\($0.x[0]),\($0.x[1]),\($0.label)" }.joined(separator: "\n") + "\n"
        try text.write(to: folder.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
    }

    /// A run's tensors at one epoch, by layer and name, read straight from the file.
    private func tensors(run: Int, epoch: Int) throws -> [String: [Float]] {
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("gradbook.sqlite").path)
        return try queue.read { db in
            var out: [String: [Float]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT layer, name, data FROM snapshot_tensors WHERE run_id = ? AND epoch = ?", arguments: [run, epoch]) {
                let data: Data = row["data"]
                out["\(row["layer"] as Int) \(row["name"] as String)"] = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            return out
        }
    }

    /// The 2-3-1 tanh network by hand: hidden outputs and binary cross-entropy for each row.
    private func forward(_ t: [String: [Float]], _ x: [Double]) -> (hidden: [Double], loss: (String) -> Double) {
        let (w0, b0, w1, b1) = (t["0 weight"]!, t["0 bias"]!, t["1 weight"]!, t["1 bias"]!)
        // Weights are stored [inputs, outputs], row-major.
        let h = (0..<3).map { j in tanh(Double(b0[j]) + x[0] * Double(w0[j]) + x[1] * Double(w0[3 + j])) }
        let z = Double(b1[0]) + (0..<3).reduce(0) { $0 + h[$1] * Double(w1[$1]) }
        let p = 1 / (1 + exp(-z))
        return (h, { label in label == "b" ? -log(p) : -log(1 - p) })
    }

    private func train() throws {
        try writeData()
        let run = try gradbook("run", "--dataset", "points.csv", "--no-standardize", "--train-ratio", "95", "--layers", "3", "--activation", "tanh",
                               "--lr", "0.3", "--batch-size", "4", "--epochs", "15", "--snapshot-every", "5", "--seed", "3", "--name", "p")
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    func testTheLossAlongTheWeightLineIsTheNetworksLossAtTheInterpolatedWeights() throws {
        try train()
        let plot = try gradbook("plot", "p", "--interpolate", "--steps", "4", "-o", "line.csv")
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let table = parseCSV(try String(contentsOf: folder.appendingPathComponent("line.csv"), encoding: .utf8))
        XCTAssertEqual(table[0], ["alpha", "train_loss", "test_loss", "train_accuracy", "test_accuracy"])
        let points = table.dropFirst().filter { $0.count == 5 }
        XCTAssertEqual(points.map { Double($0[0])! }, [0, 0.25, 0.5, 0.75, 1])
        let (initial, final) = (try tensors(run: 1, epoch: 0), try tensors(run: 1, epoch: 15))
        for point in points {
            let alpha = Float(point[0])!
            let weights = initial.mapValues { _ in [Float]() }.keys.reduce(into: [String: [Float]]()) { out, key in
                out[key] = zip(initial[key]!, final[key]!).map { (1 - alpha) * $0 + alpha * $1 }
            }
            // 38 training rows and 2 test rows: together, every row of the file.
            let all = rows.map { forward(weights, $0.x).loss($0.label) }.reduce(0, +) / 40
            let (train, test) = (Double(point[1])!, Double(point[2])!)
            XCTAssertEqual((38 * train + 2 * test) / 40, all, accuracy: 1e-5, "α = \(alpha)")
        }
        // At α = 1 the test loss is what training recorded for its last epoch.
        let stored = try gradbook("runs", "p", "--columns", "final(test_loss)", "--format", "csv")
        XCTAssertEqual(Double(points.last![2])!, Double(parseCSV(stored.stdout)[1][0])!, accuracy: 1e-6)

        // Between two runs of one shape: a chart whose x axis is α; a run of another shape is refused, nothing written.
        let second = try gradbook("run", "--dataset", "points.csv", "--no-standardize", "--train-ratio", "95", "--layers", "3", "--activation", "tanh",
                                  "--epochs", "5", "--seed", "4", "--name", "q")
        XCTAssertEqual(second.status, 0, second.stderr)
        let between = try gradbook("plot", "p", "--interpolate", "--with", "q", "-o", "between.svg")
        XCTAssertEqual(between.status, 0, between.stderr)
        let svg = try String(contentsOf: folder.appendingPathComponent("between.svg"), encoding: .utf8)
        let chart = try XCTUnwrap(BoundaryEndToEndTests.elements("svg", in: svg).first)
        XCTAssertEqual(chart["data-x-min"], "0.0")
        XCTAssertEqual(chart["data-x-max"], "1.0")
        XCTAssertTrue(svg.contains(">α</text>"))
        XCTAssertTrue(svg.contains("from run 1 p epoch 15 (α = 0) to run 2 q epoch 5 (α = 1)"), svg.prefix(1500).description)
        let wide = try gradbook("run", "--dataset", "points.csv", "--layers", "4", "--epochs", "2", "--name", "wide")
        XCTAssertEqual(wide.status, 0, wide.stderr)
        let refused = try gradbook("plot", "p", "--interpolate", "--with", "wide", "-o", "refused.svg")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("runs 1 and 3 have networks of different shapes"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("refused.svg").path))
        let misplaced = try gradbook("plot", "p", "--with", "q")
        XCTAssertNotEqual(misplaced.status, 0)
        XCTAssertTrue(misplaced.stderr.contains("--with and --steps belong to --interpolate"), misplaced.stderr)
    }

    func testTheReportsHistogramsCountTheStoredWeightsAndTheHiddenOutputs() throws {
        try train()
        let report = try gradbook("report", "p", "--histogram-epochs", "0,6,15", "-o", "p.html")
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try String(contentsOf: folder.appendingPathComponent("p.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("At epochs 0, 5, 15 (the nearest snapshots)"), "epoch 6 is taken at the snapshot of epoch 5")
        func histogram(_ id: String) throws -> (svg: [String: String], bars: [[String: String]]) {
            let start = try XCTUnwrap(html.range(of: "id=\"\(id)\""), id)
            let text = String(html[start.lowerBound...]).components(separatedBy: "</svg>")[0]
            let svg = BoundaryEndToEndTests.attributes("<svg " + text.prefix { $0 != ">" })
            return (svg, BoundaryEndToEndTests.elements("path", in: text).filter { $0["class"] == "bars" })
        }
        func bins(_ values: [Double], _ svg: [String: String]) -> [Int] {
            let (low, high, n) = (Double(svg["data-min"]!)!, Double(svg["data-max"]!)!, Int(svg["data-bins"]!)!)
            var out = [Int](repeating: 0, count: n)
            for v in values { out[min(n - 1, max(0, Int((v - low) / ((high - low) / Double(n)))))] += 1 }
            return out
        }
        let epochs = [0, 5, 15]
        let stored = try epochs.map { try tensors(run: 1, epoch: $0) }
        for (layer, id) in [(0, "run1-weights-1"), (1, "run1-weights-2")] {
            let (svg, bars) = try histogram(id)
            XCTAssertEqual(bars.map { $0["data-label"] }, epochs.map { "epoch \($0)" })
            let all = stored.flatMap { $0["\(layer) weight"]!.map(Double.init) }
            XCTAssertEqual(Double(svg["data-min"]!)!, all.min()!)
            XCTAssertEqual(Double(svg["data-max"]!)!, all.max()!)
            for (k, bar) in bars.enumerated() {
                XCTAssertEqual(bar["data-counts"], bins(stored[k]["\(layer) weight"]!.map(Double.init), svg).map(String.init).joined(separator: ","),
                               "layer \(layer + 1) weights at epoch \(epochs[k])")
            }
        }
        // Hidden outputs on the 38 training rows: every row's outputs by hand, less the two test rows'.
        let (svg, bars) = try histogram("run1-outputs-1")
        XCTAssertTrue(html.contains("layer 1 outputs (tanh)"))
        XCTAssertEqual(bars.count, 3)
        for (k, bar) in bars.enumerated() {
            let drawn = bar["data-counts"]!.split(separator: ",").map { Int($0)! }
            let mine = bins(rows.flatMap { forward(stored[k], $0.x).hidden }, svg)
            XCTAssertEqual(drawn.reduce(0, +), 38 * 3, "38 training rows × 3 units")
            XCTAssertTrue(zip(mine, drawn).allSatisfy { $0 >= $1 }, "epoch \(epochs[k]): \(drawn) within every row's \(mine)")
            XCTAssertEqual(zip(mine, drawn).map { $0 - $1 }.reduce(0, +), 2 * 3, "all but the two test rows")
        }
        let bad = try gradbook("report", "p", "--histogram-epochs", "0,x", "-o", "bad.html")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("invalid --histogram-epochs '0,x'"), bad.stderr)

        guard let chromium = ReportEndToEndTests.chromium else { throw XCTSkip("chromium is not installed (apt-get install chromium)") }
        let console = try ReportEndToEndTests.consoleOfChromium(chromium, file: folder.appendingPathComponent("p.html"),
                                                                screenshot: folder.appendingPathComponent("p.png"))
        XCTAssertEqual(console, [], "no console output, no errors: \(console)")
    }
}
