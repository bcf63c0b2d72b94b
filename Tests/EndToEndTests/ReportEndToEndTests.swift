import Foundation
import GRDB
import XCTest

/// `gradbook report` and `gradbook plot` as a user runs them; the report is loaded in headless
/// Chromium when it is installed (Debian's `chromium`), its script exercised, and a screenshot
/// kept under `.build/report-screenshots/`.
final class ReportEndToEndTests: EndToEndTestCase {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile(atPath:))

    /// Console lines of a headless Chromium load of `file`.
    static func consoleOfChromium(_ chromium: String, file: URL, screenshot: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                             "--window-size=1100,1800", "--screenshot=\(screenshot.path)", file.absoluteString]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }

    func testSweepReportLoadsInABrowserWithoutErrorsAndItsScriptWorks() throws {
        let sweep = try gradbook("sweep", "--activation", "relu,tanh", "--lr", "0.3,0.03", "--seeds", "2", "--epochs", "30", "--name", "s")
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let r = try gradbook("report", "--sweep", "s", "-o", "report.html")
        XCTAssertEqual(r.status, 0, r.stderr)
        let url = folder.appendingPathComponent("report.html")
        let html = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(html.contains("class=\"heatmap\""))
        XCTAssertEqual(html.components(separatedBy: "class=\"cell\"").count - 1, 4, "2 activations × 2 learning rates")
        XCTAssertEqual(html.components(separatedBy: "<tr id=\"run-").count - 1, 8)
        let runsReport = try gradbook("report", "1", "2", "-o", "runs.html")
        XCTAssertEqual(runsReport.status, 0, runsReport.stderr)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("runs.html"), encoding: .utf8).contains("id=\"run1-grad\""))

        guard let chromium = Self.chromium else { throw XCTSkip("chromium is not installed (apt-get install chromium)") }
        // A copy with a script that clicks a header, hovers a chart and clicks a heat-map cell.
        let probe = """
            <script>
            (function () {
              var th = document.querySelectorAll("table.runs th")[8];
              th.click();
              var values = Array.prototype.map.call(document.querySelectorAll("table.runs tbody tr"), function (r) { return Number(r.cells[8].dataset.value); });
              console.log("CHECK sorted " + values.every(function (v, i) { return i === 0 || values[i - 1] <= v; }));
              var svg = document.querySelector("svg.chart"), box = svg.getBoundingClientRect();
              svg.dispatchEvent(new MouseEvent("mousemove", { clientX: box.left + box.width * 0.5, clientY: box.top + 60, bubbles: true }));
              var tip = svg.parentNode.querySelector(".tip");
              console.log("CHECK tip " + (tip.style.display === "block" && tip.textContent.indexOf("epoch") === 0));
              var cell = document.querySelector("a.cell");
              cell.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
              console.log("CHECK hit " + document.querySelectorAll("tr.hit").length + " of " + cell.getAttribute("data-runs").split(",").length);
            })();
            </script>
            """
        let probed = folder.appendingPathComponent("probed.html")
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(to: probed, atomically: true, encoding: .utf8)
        let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/report-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let plain = try Self.consoleOfChromium(chromium, file: url, screenshot: shots.appendingPathComponent("sweep-report.png"))
        XCTAssertEqual(plain, [], "no console output, no errors: \(plain)")
        let console = try Self.consoleOfChromium(chromium, file: probed, screenshot: shots.appendingPathComponent("sweep-report-probed.png"))
        XCTAssertFalse(console.contains { $0.contains("Uncaught") || $0.contains("Error") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK sorted true") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK tip true") }, "\(console)")
        XCTAssertTrue(console.contains { $0.contains("CHECK hit 2 of 2") }, "\(console)")
        let png = try Data(contentsOf: shots.appendingPathComponent("sweep-report.png"))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG screenshot")
    }

    func testPlotWritesAnSVGAndAPNG() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "20").status, 0)
        let svg = try gradbook("plot", "1", "--metric", "test_loss,train_loss", "-o", "curves.svg")
        XCTAssertEqual(svg.status, 0, svg.stderr)
        let text = try String(contentsOf: folder.appendingPathComponent("curves.svg"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), String(text.prefix(80)))
        XCTAssertEqual(text.components(separatedBy: "class=\"series\"").count - 1, 2)
        let bad = try gradbook("plot", "1", "-o", "curves.pdf")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("invalid --output 'curves.pdf': expected a file ending in .svg or .png"), bad.stderr)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") else {
            throw XCTSkip("rsvg-convert is not installed (apt-get install librsvg2-bin)")
        }
        let png = try gradbook("plot", "1", "-o", "curves.png")
        XCTAssertEqual(png.status, 0, png.stderr)
        XCTAssertEqual(Array(try Data(contentsOf: folder.appendingPathComponent("curves.png")).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }
}
