import Foundation
import GRDB
import XCTest

/// What a user (or a file a user was sent) types at Gradbook: a clear error naming the value and
/// the limit, exit 2, nothing stored — never a crash, a hang, memory exhausted or a repainted
/// terminal.
final class HostileInputEndToEndTests: EndToEndTestCase {
    /// ESC (colours), OSC (the window title, ended by BEL), CR, a C1 CSI and a right-to-left override.
    private let paint = "x\u{1B}[2J\u{1B}]0;owned\u{07}\r\u{9B}31m\u{202E}y"

    private func assertNoControlCharacters(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let raw = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" }
        XCTAssertEqual(raw.map { String($0.value, radix: 16) }, [], "\(what) reached the terminal raw: \(text.debugDescription.prefix(400))",
                       file: file, line: line)
    }

    func testControlCharactersAreShownEscapedAndStoredAsGiven() throws {
        let r = try gradbook("run", "--epochs", "2", "--name", paint, "--experiment", paint, "--tag", "k=\(paint)")
        XCTAssertEqual(r.status, 0, r.stderr)
        assertNoControlCharacters(r.stdout + r.stderr, "run")
        XCTAssertEqual(try gradbook("note", "1", paint).status, 0)
        for arguments in [["runs"], ["runs", "--columns", "name, experiment, tag.k"], ["show", "1"], ["compare", "1"],
                          ["runs", "--where", "name = '\(paint)'"], ["runs", "--experiment", paint], ["show", paint],
                          ["runs", "--where", "bogus\(paint) = 1"], ["runs", "--sort", paint], ["delete", "1", "--dry-run"],
                          ["export", "curves", "--db", "missing\(paint).sqlite"]] {
            let out = try gradbook(arguments)
            assertNoControlCharacters(out.stdout + out.stderr, "\(arguments)")
        }
        let shown = try gradbook("show", "1")
        XCTAssertTrue(shown.stdout.contains("x\\u{1B}[2J\\u{1B}]0;owned\\u{7}\\r\\u{9B}31m\\u{202E}y"), shown.stdout)
        let unknown = try gradbook("show", "nope" + paint)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("\\u{1B}[2J"), unknown.stderr)
        // Stored as given, and exported unchanged for other programs.
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT name FROM runs") }, paint)
        let csv = try gradbook("export", "runs", "--format", "json")
        XCTAssertTrue(csv.stdout.contains("\\u001b[2J"), "JSON escapes as JSON does: \(csv.stdout.prefix(300))")
        let written = folder.appendingPathComponent("runs.csv")
        XCTAssertEqual(try gradbook("export", "runs", "-o", written.path).status, 0)
        XCTAssertTrue(try String(contentsOf: written, encoding: .utf8).contains(paint), "a CSV file holds the text as stored")
    }

    func testNulBytesAreRefusedNotCut() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "1").status, 0)
        for (yaml, what) in [("name: \"a\\0b\"", "the run's name"), ("experiment: \"e\\0\"", "experiment"), ("tag: \"k=v\\0w\"", "tag")] {
            try Data("epochs: 1\n\(yaml)\n".utf8).write(to: folder.appendingPathComponent("nul.yaml"))
            let r = try gradbook("run", "--config", "nul.yaml")
            XCTAssertEqual(r.status, 2, "\(yaml): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("NUL byte") && r.stderr.contains(what), "\(yaml): \(r.stderr)")
        }
        try Data("epochs: 1\nactivation: \"relu\\0tanh\"\n".utf8).write(to: folder.appendingPathComponent("nul.yaml"))
        let option = try gradbook("run", "--config", "nul.yaml")
        XCTAssertEqual(option.status, 2, option.stderr)
        XCTAssertTrue(option.stderr.contains("NUL byte"), option.stderr)
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 1)
    }

    func testSizesAreRefusedWithTheSizeTheLimitAndTheFlag() throws {
        for (arguments, what) in [(["run", "--layers", "100000,100000,100000"], "the network (20000600001 weights"),
                                  (["run", "--samples", "2000000000"], "the data (2000000000 samples"),
                                  (["run", "--dataset", "blobs", "--classes", "500000000"], "500000000 targets"),
                                  (["run", "--layers", "4096,4096", "--memory-limit", "64m"], "above the limit of 67.1 MB"),
                                  (["sweep", "--layers", "100000,100000", "--lr", "0.1"], "the network")] {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, arguments[0] == "sweep" ? 1 : 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(what) && r.stderr.contains("raise --memory-limit"), "\(arguments): \(r.stderr)")
        }
        var csv = "a,b,label\n"
        for i in 0..<50_000 { csv += "\(i),\(i * 2),\(i % 3)\n" }
        try Data(csv.utf8).write(to: folder.appendingPathComponent("big.csv"))
        let big = try gradbook("run", "--dataset", "big.csv", "--memory-limit", "1m")
        XCTAssertEqual(big.status, 2, big.stderr)
        XCTAssertTrue(big.stderr.contains("'big.csv' holds more than") && big.stderr.contains("raise --memory-limit"), big.stderr)
        XCTAssertEqual(try gradbook("run", "--dataset", "big.csv", "--epochs", "1").status, 0, "within the default limit")
        let bad = try gradbook("run", "--memory-limit", "lots")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("invalid --memory-limit 'lots': expected a size from 1m, such as 8g"), bad.stderr)
    }

    func testEveryNumericOptionIsRangeChecked() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "1").status, 0)
        let cases: [([String], String)] = [
            (["runs", "--busy-timeout", "1e300"], "invalid --busy-timeout"), (["runs", "--busy-timeout=-1"], "invalid --busy-timeout"),
            (["runs", "--busy-timeout", "nan"], "invalid --busy-timeout"), (["run", "--lock-wait", "1e20"], "invalid --lock-wait"),
            (["sweep", "--jobs", "0"], "invalid --jobs '0'"), (["sweep", "--jobs", "100000"], "invalid --jobs"),
            (["sweep", "--seeds", "1000000000"], "invalid --seeds"), (["run", "--blas-threads", "0"], "invalid --blas-threads 0"),
            (["run", "--blas-threads", "99999999999999999999"], "--blas-threads"), (["show", "1", "--details", "100000000"], "--details"),
            (["plot", "1", "--width", "1000000000"], "--width"), (["plot", "1", "--height=-5"], "--height"),
            (["run", "--epochs", "0"], "invalid --epochs '0'"), (["run", "--lr", "inf"], "invalid --lr 'inf'"),
            (["run", "--batch-size=-3"], "invalid --batch-size"), (["run", "--samples", "1e400"], "invalid --samples"),
            (["run", "--noise", "70"], "invalid --noise"), (["run", "--dropout", "1"], "invalid --dropout"),
        ]
        for (arguments, message) in cases {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        }
    }

    func testHostileYAMLAndFiltersFailFastWithAPlace() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip("bcdefghi", "abcdefgh") {
            bomb += "\(name): &\(name) [\(Array(repeating: "*\(previous)", count: 10).joined(separator: ", "))]\n"
        }
        try Data(bomb.utf8).write(to: folder.appendingPathComponent("bomb.yaml"))
        try Data(("lr: " + String(repeating: "[", count: 200_000)).utf8).write(to: folder.appendingPathComponent("deep.yaml"))
        let start = Date()
        for arguments in [["run", "--config", "bomb.yaml"], ["sweep", "--spec", "bomb.yaml"], ["run", "--config", "deep.yaml"],
                          ["sweep", "--spec", "deep.yaml"]] {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr.prefix(300))")
            XCTAssertLessThan(r.stderr.utf8.count, 2_000, "\(arguments): the message quotes the file, cut short")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath), "nothing was recorded")
        XCTAssertEqual(try gradbook("run", "--epochs", "1").status, 0)
        for filter in [String(repeating: "(", count: 15_000) + "lr = 1", String(repeating: "not ", count: 4_000) + "lr = 1",
                       (0..<500).map { "lr = \($0)" }.joined(separator: " or "), String(repeating: "x", count: 100_000)] {
            let r = try gradbook("runs", "--where", filter)
            XCTAssertEqual(r.status, 2, r.stderr.prefix(300).description)
            XCTAssertTrue(r.stderr.contains("invalid --where: at column"), r.stderr.prefix(300).description)
            XCTAssertFalse(r.stderr.contains("parser stack overflow"), r.stderr)
            XCTAssertLessThan(r.stderr.utf8.count, 1_000)
        }
    }

    /// One-character names crashed Foundation's path code (`--db a`, `-o x`).
    func testOneCharacterPathsAreOrdinaryFiles() throws {
        for name in ["a", " ", "é"] {
            let r = try gradbook("run", "--epochs", "1", "--db", name)
            XCTAssertEqual(r.status, 0, "--db \(name.debugDescription): \(r.stderr.prefix(300))")
            let out = try gradbook("runs", "--db", name, "-o", "x")
            XCTAssertEqual(out.status, 0, out.stderr.prefix(300).description)
            XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("x"), encoding: .utf8).hasPrefix("id"))
        }
        let dot = try gradbook("runs", "--db", "a", "-o", ".")
        XCTAssertEqual(dot.status, 1)
        XCTAssertTrue(dot.stderr.contains("'.' is a folder: expected a file to write (e.g. './out.csv')"), dot.stderr)
        let missing = try gradbook("runs", "--db", "b")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no database at 'b'"), missing.stderr)
    }
}
