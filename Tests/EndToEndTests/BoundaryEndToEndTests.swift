import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// `gradbook plot RUN --boundary`: what the picture shows is what the model predicts. The grid's
/// points, read back from the chart's published attributes, go through `gradbook predict`, and
/// both the published values and the pixels' colours must be the model's predictions there.
final class BoundaryEndToEndTests: EndToEndTestCase {
    /// The attributes of the first element of `tag` with `class` in an SVG text.
    private func attributes(of tag: String, class name: String, in svg: String) throws -> [String: String] {
        try XCTUnwrap(Self.elements(tag, in: svg).first { $0["class"] == name }, "no <\(tag) class=\"\(name)\">")
    }

    static func attributes(_ element: String) -> [String: String] {
        var out: [String: String] = [:]
        let regex = try! NSRegularExpression(pattern: "([a-zA-Z-]+)=\"([^\"]*)\"")
        for m in regex.matches(in: element, range: NSRange(element.startIndex..., in: element)) {
            out[String(element[Range(m.range(at: 1), in: element)!])] = String(element[Range(m.range(at: 2), in: element)!])
        }
        return out
    }

    /// Every element `<tag …>` of the SVG text, as attribute dictionaries.
    static func elements(_ tag: String, in svg: String) -> [[String: String]] {
        svg.components(separatedBy: "<\(tag) ").dropFirst().map { attributes(String($0.prefix { $0 != ">" })) }
    }

    /// RGB pixels of a PNG with 8-bit RGB and stored (uncompressed) deflate blocks, filter 0.
    static func decodePNG(_ data: Data) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let bytes = [UInt8](data)
        XCTAssertEqual(Array(bytes[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var i = 8, width = 0, height = 0, idat: [UInt8] = []
        while i < bytes.count {
            let length = u32(i), type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            let body = Array(bytes[(i + 8)..<(i + 8 + length)])
            if type == "IHDR" { (width, height) = (u32(i + 8), u32(i + 12)); XCTAssertEqual(Array(body[8...9]), [8, 2]) }
            if type == "IDAT" { idat += body }
            i += 12 + length
        }
        var raw: [UInt8] = [], p = 2
        while true {
            let final = idat[p] & 1
            XCTAssertEqual(idat[p] >> 1 & 3, 0, "stored block")
            let count = Int(idat[p + 1]) | Int(idat[p + 2]) << 8
            raw += idat[(p + 5)..<(p + 5 + count)]
            p += 5 + count
            if final == 1 { break }
        }
        var pixels: [UInt8] = []
        let stride = 3 * width + 1
        for row in 0..<height {
            XCTAssertEqual(raw[row * stride], 0, "filter none")
            pixels += raw[(row * stride + 1)..<((row + 1) * stride)]
        }
        return (width, height, pixels)
    }

    func testTheBoundaryIsWhatTheModelPredictsOnTheSamePoints() throws {
        // Feature crosses: the grid must be crossed as the network's data was, or the field is wrong.
        let run = try gradbook("run", "--dataset", "circle", "--samples", "300", "--features", "x,y,x2,y2", "--layers", "6,4",
                               "--activation", "tanh", "--epochs", "40", "--lr", "0.1", "--seed", "4")
        XCTAssertEqual(run.status, 0, run.stderr)
        let plot = try gradbook("plot", "1", "--boundary", "-o", "b.svg")
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let svg = try String(contentsOf: folder.appendingPathComponent("b.svg"), encoding: .utf8)
        let chart = try attributes(of: "svg", class: "boundary", in: svg)
        let (x0, x1) = (Double(chart["data-x-min"]!)!, Double(chart["data-x-max"]!)!)
        let (y0, y1) = (Double(chart["data-y-min"]!)!, Double(chart["data-y-max"]!)!)
        let n = try XCTUnwrap(Int(chart["data-resolution"] ?? ""))
        let values = chart["data-values"]!.split(separator: " ").map { Double($0)! }
        XCTAssertEqual(values.count, n * n)
        XCTAssertEqual(chart["data-epoch"], "40", "the last snapshot by default")

        var lines = ["x,y"]
        for j in 0..<n {
            for i in 0..<n { lines.append("\(x0 + (Double(i) + 0.5) / Double(n) * (x1 - x0)),\(y1 - (Double(j) + 0.5) / Double(n) * (y1 - y0))") }
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("grid.csv"), atomically: true, encoding: .utf8)
        let predict = try gradbook("predict", "1", "grid.csv")
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let rows = parseCSV(predict.stdout)
        let p = rows.dropFirst().map { Double($0.last!)! }
        XCTAssertEqual(p.count, n * n)
        XCTAssertGreaterThan(p.max()! - p.min()!, 0.5, "a field with both classes in it")
        for k in 0..<(n * n) { XCTAssertEqual(values[k], p[k], accuracy: 1e-3 * max(1, p[k]), "grid point \(k)") }

        // Each pixel is the ramp's colour at the predicted probability.
        let image = try attributes(of: "image", class: "field", in: svg)
        let href = try XCTUnwrap(image["href"])
        XCTAssertTrue(href.hasPrefix("data:image/png;base64,"))
        let png = try Self.decodePNG(try XCTUnwrap(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count)))))
        XCTAssertEqual(png.width, n)
        XCTAssertEqual(png.height, n)
        let ramp = chart["data-colors"]!.split(separator: " ").map { hex -> [Double] in
            let v = Int(hex.dropFirst(), radix: 16)!
            return [Double(v >> 16), Double(v >> 8 & 0xff), Double(v & 0xff)]
        }
        XCTAssertEqual(ramp.count, 3)
        for k in 0..<(n * n) {
            let t = p[k] * 2, (a, b) = t < 1 ? (ramp[0], ramp[1]) : (ramp[1], ramp[2]), f = t < 1 ? t : t - 1
            for c in 0..<3 {
                XCTAssertEqual(Double(png.pixels[3 * k + c]), a[c] + (b[c] - a[c]) * f, accuracy: 1.5, "pixel \(k) channel \(c) for p = \(p[k])")
            }
        }

        // The points: the run's training and test parts, where their coordinates say.
        let circles = Self.elements("circle", in: svg)
        let stored = try query { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") }
        XCTAssertEqual(stored, 1)
        XCTAssertEqual(circles.filter { $0["data-part"] == "train" }.count, 150)
        XCTAssertEqual(circles.filter { $0["data-part"] == "test" }.count, 150)
        let (left, top, size) = (Double(chart["data-left"]!)!, Double(chart["data-top"]!)!, Double(chart["data-size"]!)!)
        for c in circles {
            let x = Double(c["data-x"]!)!, y = Double(c["data-y"]!)!
            XCTAssertEqual(Double(c["cx"]!)!, left + (x - x0) / (x1 - x0) * size, accuracy: 0.02)
            XCTAssertEqual(Double(c["cy"]!)!, top + (y1 - y) / (y1 - y0) * size, accuracy: 0.02)
            XCTAssertTrue(x > x0 && x < x1 && y > y0 && y < y1, "every point inside the plane")
        }

        // The hidden units, numbered as the layers are: 6 in layer 1, 4 in layer 2.
        let units = Self.elements("g", in: svg).filter { $0["class"] == "unit" }
        XCTAssertEqual(units.filter { $0["data-layer"] == "1" }.map { $0["data-unit"]! }, (1...6).map(String.init))
        XCTAssertEqual(units.filter { $0["data-layer"] == "2" }.map { $0["data-unit"]! }, (1...4).map(String.init))
        for u in units {
            XCTAssertEqual(u["data-range"], "-1.0 1.0", "tanh units span tanh's range")
            XCTAssertLessThanOrEqual(Double(u["data-min"]!)!, Double(u["data-max"]!)!)
            XCTAssertTrue((-1...1).contains(Double(u["data-min"]!)!))
        }

        // Another epoch's snapshot: the initial weights draw another field.
        XCTAssertEqual(try gradbook("plot", "1", "--boundary", "--epoch", "0", "-o", "b0.svg").status, 0)
        let initial = try attributes(of: "svg", class: "boundary", in: try String(contentsOf: folder.appendingPathComponent("b0.svg"), encoding: .utf8))
        XCTAssertEqual(initial["data-epoch"], "0")
        XCTAssertNotEqual(initial["data-values"], chart["data-values"])
    }

    func testWhatCannotBeDrawnSaysWhy() throws {
        XCTAssertEqual(try gradbook("run", "--dataset", "blobs", "--dimensions", "5", "--epochs", "2").status, 0)
        XCTAssertEqual(try gradbook("run", "--dataset", "xor", "--epochs", "2", "--snapshot-every", "1").status, 0)
        let wide = try gradbook("plot", "1", "--boundary", "-o", "b.svg")
        XCTAssertNotEqual(wide.status, 0)
        XCTAssertTrue(wide.stderr.contains("run 1 has 5 input columns"), wide.stderr)
        let two = try gradbook("plot", "1", "2", "--boundary", "-o", "b.svg")
        XCTAssertNotEqual(two.status, 0)
        XCTAssertTrue(two.stderr.contains("--boundary draws one run; the selection has 2"), two.stderr)
        let epoch = try gradbook("plot", "2", "--boundary", "--epoch", "7", "-o", "b.svg")
        XCTAssertNotEqual(epoch.status, 0)
        XCTAssertTrue(epoch.stderr.contains("no snapshot at epoch 7; it has epochs 0, 1, 2"), epoch.stderr)
        let stray = try gradbook("plot", "2", "--best", "-o", "b.svg")
        XCTAssertNotEqual(stray.status, 0)
        XCTAssertTrue(stray.stderr.contains("choose the snapshot of --boundary or --interpolate"), stray.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.svg").path), "nothing written")
    }

    func testTwoDimensionalRunsKeepFramesByDefaultAndOthersDoNot() throws {
        XCTAssertEqual(try gradbook("run", "--dataset", "xor", "--epochs", "100").status, 0)
        XCTAssertEqual(try gradbook("run", "--dataset", "blobs", "--dimensions", "5", "--epochs", "100").status, 0)
        XCTAssertEqual(try gradbook("run", "--dataset", "xor", "--epochs", "100", "--snapshot-every", "25").status, 0)
        let every = try query { db in
            try (1...3).map { try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots WHERE run_id = ? AND every = 1", arguments: [$0])! }
        }
        XCTAssertEqual(every, [50, 0, 4], "every 2nd epoch of 100 for the 2-D run; none for 5 inputs; --snapshot-every as given")
    }

    func testTheReportPlaysTheBoundaryThroughTrainingAndASweepHasAGallery() throws {
        let sweep = try gradbook("sweep", "--dataset", "circle", "--activation", "relu,tanh", "--lr", "0.3,0.03", "--seeds", "2",
                                 "--epochs", "30", "--layers", "5,3", "--name", "s")
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let seeds = try query { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT run_id, value FROM params WHERE name = 'seed'")
                .map { (String($0[0] as Int64), $0[1] as Int) })
        }
        for seed in [1, 2] {
            var arguments = ["report", "--sweep", "s", "-o", "sweep\(seed).html"]
            if seed == 2 { arguments += ["--seed", "2"] }
            let report = try gradbook(arguments)
            XCTAssertEqual(report.status, 0, report.stderr)
            let html = try String(contentsOf: folder.appendingPathComponent("sweep\(seed).html"), encoding: .utf8)
            let cells = Self.elements("td", in: html).compactMap { $0["data-run"] }
            XCTAssertEqual(cells.count, 4, "one boundary per activation × learning rate")
            XCTAssertEqual(cells.map { seeds[$0] }, Array(repeating: seed, count: 4), "the runs of seed \(seed)")
            XCTAssertEqual(Self.elements("svg", in: html).filter { $0["class"] == "boundary" }.count, 4)
        }

        let report = try gradbook("report", "1", "-o", "run.html")
        XCTAssertEqual(report.status, 0, report.stderr)
        let url = folder.appendingPathComponent("run.html")
        let html = try String(contentsOf: url, encoding: .utf8)
        let slider = try XCTUnwrap(Self.elements("input", in: html).first { $0["class"] == "epoch-slider" })
        let framesStart = try XCTUnwrap(html.range(of: "<script type=\"application/json\" id=\"learned-1-frames\">"))
        let framesEnd = try XCTUnwrap(html[framesStart.upperBound...].range(of: "</script>"))
        let frames = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(html[framesStart.upperBound..<framesEnd.lowerBound].utf8)) as? [[String: Any]])
        // 30 epochs keep a frame every epoch: 31 snapshots, 21 of them spread over training in the report.
        XCTAssertEqual(frames.count, 21)
        XCTAssertEqual(slider["max"], "20")
        let epochs = frames.map { $0["epoch"] as! Int }
        XCTAssertEqual(epochs.first, 0)
        XCTAssertEqual(epochs.last, 30)
        XCTAssertEqual(epochs, epochs.sorted())
        XCTAssertTrue(frames.allSatisfy { ($0["units"] as! [String]).count == 8 }, "5 + 3 hidden units in every frame")
        XCTAssertEqual(Set(frames.map { $0["field"] as! String }).count, 21, "every frame draws its own field")
        // The per-layer charts name layers as `show` does: the first hidden layer is layer 1.
        let labels = Set(Self.elements("path", in: html).filter { $0["data-metric"] == "grad_norm_mean" }.compactMap { $0["data-label"] })
        XCTAssertEqual(labels, ["layer 1", "layer 2", "output"])

        guard let chromium = ReportEndToEndTests.chromium else { throw XCTSkip("chromium is not installed (apt-get install chromium)") }
        let probe = """
            <script>
            (function () {
              var slider = document.querySelector("input.epoch-slider");
              var frames = JSON.parse(document.getElementById("learned-1-frames").textContent);
              slider.value = 0;
              slider.dispatchEvent(new Event("input"));
              var box = document.getElementById("learned-1");
              var units = Array.prototype.map.call(box.querySelectorAll("image.unit-field"), function (i) { return i.getAttribute("href"); });
              console.log("CHECK field " + (box.querySelector("image.field").getAttribute("href") === frames[0].field));
              console.log("CHECK units " + (units.join() === frames[0].units.join()));
              console.log("CHECK epoch " + box.querySelector(".epoch-label").textContent + " " + box.querySelector("svg.boundary").getAttribute("data-epoch"));
            })();
            </script>
            """
        let probed = folder.appendingPathComponent("probed.html")
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(to: probed, atomically: true, encoding: .utf8)
        let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/report-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let plain = try ReportEndToEndTests.consoleOfChromium(chromium, file: url, screenshot: shots.appendingPathComponent("boundary-report.png"))
        XCTAssertEqual(plain, [], "no console output, no errors: \(plain)")
        let sweepConsole = try ReportEndToEndTests.consoleOfChromium(chromium, file: folder.appendingPathComponent("sweep1.html"),
                                                                       screenshot: shots.appendingPathComponent("gallery-report.png"))
        XCTAssertEqual(sweepConsole, [], "no console output, no errors: \(sweepConsole)")
        let console = try ReportEndToEndTests.consoleOfChromium(chromium, file: probed, screenshot: shots.appendingPathComponent("boundary-report-probed.png"))
        XCTAssertFalse(console.contains { $0.contains("Uncaught") || $0.contains("Error") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK field true") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK units true") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK epoch 0 0") }, "\(console)")
    }
}
