import Foundation
import XCTest

/// `gradbook report --watch`: the file is rewritten whole while a run trains, the page reloads
/// itself meanwhile, and the command ends on its own once the run has, leaving a page that no
/// longer reloads.
final class LiveReportEndToEndTests: EndToEndTestCase {
    private let refresh = "http-equiv=\"refresh\""

    /// Waits up to `seconds` for `condition`, looking every 20 ms.
    private func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    private func read(_ name: String) -> String? {
        try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    func testTheReportIsRewrittenWhileTheRunTrainsAndStopsReloadingWhenItEnds() throws {
        // Long enough to watch several rewrites (pages are stamped to the second; at 25,000 epochs the
        // run trained ~1 s after the watch began, and one run in five showed a single stamp); the run
        // is named so that the report can select it before it ends.
        let training = try GradbookProcess.start(["run", "--epochs", "100000", "--layers", "4", "--snapshots", "none", "--name", "long"], in: folder)
        defer { if training.isRunning { kill(training.processIdentifier, SIGKILL) } }
        XCTAssertTrue(try eventually(20) { try gradbook("runs", "long", "--columns", "status", "--format", "csv").stdout.contains("running") })
        let watch = try GradbookProcess.start(["report", "long", "--watch", "--interval", "0.5", "-o", "live.html"], in: folder)
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }

        // While it trains: every read of the file is a whole page, live, and later pages are newer.
        var written = Set<String>()
        var reads = 0
        while training.isRunning && reads < 2000 {
            if let html = read("live.html") {
                reads += 1
                XCTAssertTrue(html.hasSuffix("</html>\n"), "a whole page, never a half-written one")
                if html.contains(refresh), let stamp = html.components(separatedBy: "data-written=\"").dropFirst().first?.prefix(20) {
                    written.insert(String(stamp))
                    XCTAssertTrue(html.contains("data-running=\"1\""))
                }
            }
            usleep(100_000)
        }
        training.waitUntilExit()
        XCTAssertEqual(training.terminationStatus, 0)
        XCTAssertGreaterThan(written.count, 1, "rewritten while the run trained (\(reads) reads)")

        // The run has ended: the watch ends by itself, and its last page does not reload.
        XCTAssertTrue(eventually(15) { !watch.isRunning }, "the watch stops once no run is running")
        guard !watch.isRunning else { return }
        XCTAssertEqual(watch.terminationStatus, 0)
        let last = try XCTUnwrap(read("live.html"))
        XCTAssertFalse(last.contains(refresh))
        XCTAssertFalse(last.contains("class=\"live\""))
        XCTAssertTrue(last.contains("<td>finished</td>"), "the final page shows the run finished")

        // A live page loads in a browser from its file without a word on the console.
        if let chromium = ReportEndToEndTests.chromium {
            let page = try XCTUnwrap(read("live.html"))
            let live = page.replacingOccurrences(of: "<meta name=\"generator\" content=\"gradbook\">",
                                                 with: "<meta name=\"generator\" content=\"gradbook\">\n<meta \(refresh) content=\"30\">")
                .replacingOccurrences(of: "Hover a chart for its values.</p>", with: "Hover a chart for its values.</p><p class=\"live\">Live</p>")
            let url = folder.appendingPathComponent("live-copy.html")
            try live.write(to: url, atomically: true, encoding: .utf8)
            let console = try ReportEndToEndTests.consoleOfChromium(chromium, file: url, screenshot: folder.appendingPathComponent("live.png"))
            XCTAssertEqual(console, [], "\(console)")
        }
    }

    func testARunWhoseProcessDiesEndsTheWatchAsCrashed() throws {
        let training = try GradbookProcess.start(["run", "--epochs", "10000000", "--layers", "4", "--snapshots", "none", "--name", "doomed"], in: folder)
        defer { if training.isRunning { kill(training.processIdentifier, SIGKILL) } }
        XCTAssertTrue(try eventually(20) { try gradbook("runs", "doomed", "--columns", "status", "--format", "csv").stdout.contains("running") })
        let watch = try GradbookProcess.start(["report", "doomed", "--watch", "--interval", "0.5", "-o", "live.html"], in: folder)
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }
        XCTAssertTrue(eventually(20) { self.read("live.html")?.contains(self.refresh) == true }, "a live page first")
        kill(training.processIdentifier, SIGKILL)
        training.waitUntilExit()
        XCTAssertTrue(eventually(15) { !watch.isRunning }, "a dead process's run is not running: the watch ends")
        guard !watch.isRunning else { return }
        XCTAssertEqual(watch.terminationStatus, 0)
        let last = try XCTUnwrap(read("live.html"))
        XCTAssertFalse(last.contains(refresh))
        XCTAssertTrue(last.contains("<td>crashed</td>"), "the last page says how the run ended")
    }

    func testCtrlCStopsTheWatchWithAPageThatNoLongerReloads() throws {
        let training = try GradbookProcess.start(["run", "--epochs", "10000000", "--layers", "4", "--snapshots", "none", "--name", "endless"], in: folder)
        defer { if training.isRunning { kill(training.processIdentifier, SIGINT); training.waitUntilExit() } }
        XCTAssertTrue(try eventually(20) { try gradbook("runs", "endless", "--columns", "status", "--format", "csv").stdout.contains("running") })
        let watch = try GradbookProcess.start(["report", "endless", "--watch", "--interval", "0.5", "-o", "live.html"], in: folder)
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }
        XCTAssertTrue(eventually(20) { self.read("live.html")?.contains(self.refresh) == true }, "a live page first")
        kill(watch.processIdentifier, SIGINT)
        XCTAssertTrue(eventually(15) { !watch.isRunning })
        guard !watch.isRunning else { return }
        XCTAssertEqual(watch.terminationStatus, 130)
        let last = try XCTUnwrap(read("live.html"))
        XCTAssertFalse(last.contains(refresh), "stopped: the page no longer reloads")
        XCTAssertTrue(last.contains("<td>running</td>"), "and says the run was still running")

        let stray = try gradbook("report", "endless", "--interval", "2", "-o", "x.html")
        XCTAssertNotEqual(stray.status, 0)
        XCTAssertTrue(stray.stderr.contains("--interval belongs to --watch"), stray.stderr)
        let toStdout = try gradbook("report", "endless", "--watch", "-o", "-")
        XCTAssertNotEqual(toStdout.status, 0)
        XCTAssertTrue(toStdout.stderr.contains("--watch rewrites a file"), toStdout.stderr)
    }
}
