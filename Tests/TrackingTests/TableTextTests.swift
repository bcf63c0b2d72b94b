import Foundation
import Tracking
import XCTest

/// What people read in tables and reports: numbers as C's printf formats them, columns aligned.
final class TableTextTests: XCTestCase {
    /// `Printf.format` writes exactly what `String(format:)` writes, for every format the
    /// tables use and values of every size, sign and kind.
    func testPrintfWritesWhatStringFormatWrites() {
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1.0 / 3, 2.0 / 3, 123456.789, 99999.5, 0.00012345, 1e-5, 1e-300, 5e-324,
                                1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 0.5, 1.5, 2.5, 1234.5]
        var generator = SystemRandomNumberGenerator()
        values += (0..<500).map { _ in Double.random(in: -1...1, using: &generator) * pow(10, Double.random(in: -12...12, using: &generator)) }
        for v in values {
            XCTAssertEqual(Printf.format("%.5g", v), String(format: "%.5g", v), "\(v)")
            XCTAssertEqual(Printf.format("%.3f", v), String(format: "%.3f", v), "\(v)")
            XCTAssertEqual(Printf.format("%.3gs", v), String(format: "%.3gs", v), "\(v)")
        }
    }

    /// A process set to a locale with a decimal comma still gets points: tables and reports read
    /// the same everywhere (the locale is built with `localedef` into a temporary folder).
    func testNumbersIgnoreTheProcessLocale() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-locale-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let localedef = Process()
        localedef.executableURL = URL(fileURLWithPath: "/usr/bin/localedef")
        localedef.arguments = ["-i", "de_DE", "-f", "UTF-8", folder.appendingPathComponent("de_DE.UTF-8").path]
        localedef.standardError = FileHandle.nullDevice
        guard (try? localedef.run()) != nil else { throw XCTSkip("no localedef on this machine") }
        localedef.waitUntilExit()
        setenv("LOCPATH", folder.path, 1)
        defer { unsetenv("LOCPATH") }
        guard setlocale(LC_NUMERIC, "de_DE.UTF-8") != nil else { throw XCTSkip("could not build a de_DE locale (no locale sources)") }
        defer { setlocale(LC_NUMERIC, "C") }
        var comma = [CChar](repeating: 0, count: 16)
        _ = withVaList([0.5]) { vsnprintf(&comma, comma.count, "%.1f", $0) }
        XCTAssertEqual(String(cString: comma), "0,5", "the locale writes a decimal comma")
        XCTAssertEqual(Printf.format("%.5g", 0.25), "0.25")
        XCTAssertEqual(Printf.format("%.3f", 1.5), "1.500")
    }

    /// Columns line up by characters whatever the script: a cell of accents, CJK or an emoji
    /// is padded by its character count, like an ASCII one.
    func testColumnsAlignByCharacters() {
        let rows = [["😀", "x", "end"], ["é学", "yy", "2"], ["plain", "z", "3"]]
        let lines = TableWriter.aligned(header: ["name", "v", "n"], rows: rows).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        for (line, cells) in zip(lines, [["name", "v", "n"]] + rows) {
            let characters = Array(line)
            XCTAssertEqual(String(characters[7...]).hasPrefix(cells[1]), true, "\(line): the second column starts at character 7")
            XCTAssertEqual(String(characters[11...]), cells[2], "\(line): the third column starts at character 11")
        }
    }
}
