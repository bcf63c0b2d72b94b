import Foundation
import XCTest

/// Every sample output in the README comes from the command printed above it: the README's
/// `gradbook` commands run in order in one folder (so a sample may use what an earlier command
/// made, as a reader following along would), and each output block is compared with what its
/// commands print — numbers within a tolerance, timings, dates and sizes ignored, a `…` ending
/// what is shown. A block after `<!-- not run: why -->` is skipped, saying why.
/// `GRADBOOK_REGENERATE=1` writes the outputs into README.md instead.
final class ReadmeSamplesTests: EndToEndTestCase {
    /// One fenced block of the README.
    struct Block {
        var language: String
        var lines: [String]
        /// Line indices of the body in the README.
        var body: Range<Int>
        var skipReason: String?
    }

    static var readme: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.appendingPathComponent("README.md") }
        }
        return url
    }

    static func blocks(_ lines: [String]) -> [Block] {
        var blocks: [Block] = [], i = 0, skip: String?
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("<!-- not run:") { skip = line.dropFirst(13).replacingOccurrences(of: "-->", with: "").trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("```") {
                let language = String(line.dropFirst(3))
                var j = i + 1
                while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != "```" { j += 1 }
                blocks.append(Block(language: language, lines: Array(lines[(i + 1)..<j]), body: (i + 1)..<j, skipReason: skip))
                skip = nil
                i = j + 1
                continue
            }
            i += 1
        }
        return blocks
    }

    /// Runs a block's commands (continuation lines joined) with `gradbook` the built binary;
    /// their stdout and stderr, in order.
    private func run(_ commands: [String]) throws -> String {
        var joined: [String] = []
        for line in commands {
            if let last = joined.last, last.hasSuffix("\\") { joined[joined.count - 1] = String(last.dropLast()) + line } else { joined.append(line) }
        }
        var out = ""
        for var command in joined where !command.trimmingCharacters(in: .whitespaces).isEmpty {
            command = command.replacingOccurrences(of: "swift run -c release gradbook", with: "gradbook")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command + " 2>&1"]
            process.currentDirectoryURL = folder
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = GradbookProcess.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["GRADBOOK_DB"] = nil
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            out += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
        }
        return out
    }

    /// Whether `actual` shows what `expected` does: word by word, numbers within 5 % (or 0.002),
    /// words that are timings, dates, clock times or sizes skipped; `…` ends the comparison of a
    /// line (alone on a line: of the block).
    static func matches(_ expected: [String], _ actual: [String]) -> String? {
        var a = actual.makeIterator()
        for (n, line) in expected.enumerated() {
            if line.trimmingCharacters(in: .whitespaces) == "…" { return nil }
            guard let got = a.next() else { return "line \(n + 1): expected '\(line)', the output ended" }
            let want = line.split(separator: " "), have = got.split(separator: " ")
            // A line of timings (`in 0.83 s (0.42 ms/epoch)`): its words, not its numbers.
            let timings = line.contains("ms/epoch") || line.contains(" s of training") || line.contains("s in the background")
            for (i, w) in want.enumerated() {
                if w.contains("…") { break }
                guard i < have.count else { return "line \(n + 1): expected '\(line)', got '\(got)'" }
                if w == have[i] || ignored(w) || timings && number(w) != nil && number(have[i]) != nil { continue }
                if let x = number(w), let y = number(have[i]), abs(x - y) <= max(0.002, 0.05 * max(abs(x), abs(y))) { continue }
                return "line \(n + 1): expected '\(w)' in '\(line)', got '\(have[i])' in '\(got)'"
            }
        }
        return nil
    }

    private static func ignored(_ word: Substring) -> Bool {
        word.wholeMatch(of: /\(?[0-9.]+(s|ms)(\/epoch\))?[,;)]?/) != nil || word.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil
            || word.wholeMatch(of: /[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?[;,]?/) != nil || word.wholeMatch(of: /\(?[0-9.]+ ?[KMG]?B\)?,?/) != nil
    }

    private static func number(_ word: Substring) -> Double? {
        Double(word.trimmingCharacters(in: CharacterSet(charactersIn: "()[],;:*%±")))
    }

    func testEverySampleOutputComesFromTheCommandAboveIt() throws {
        var lines = try String(contentsOf: Self.readme, encoding: .utf8).components(separatedBy: "\n")
        let blocks = Self.blocks(lines)
        var replacements: [(Range<Int>, [String])] = []
        var checked = 0
        for (k, block) in blocks.enumerated() where block.language == "sh" {
            let commands = block.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard commands.allSatisfy({ $0.hasPrefix("gradbook ") || $0.hasPrefix("    ") || $0.hasPrefix("swift run -c release gradbook") }) else { continue }
            if let reason = block.skipReason { print("README line \(block.body.lowerBound): not run: \(reason)"); continue }
            let output = try run(commands).components(separatedBy: "\n").dropLast().map { $0 }
            guard k + 1 < blocks.count, blocks[k + 1].language == "", blocks[k + 1].body.lowerBound == block.body.upperBound + 2 else { continue }
            let expected = blocks[k + 1]
            checked += 1
            if ProcessInfo.processInfo.environment["GRADBOOK_REGENERATE"] == "1" {
                replacements.append((expected.body, output))
            } else if let problem = Self.matches(expected.lines, output) {
                XCTFail("README line \(expected.body.lowerBound + 1), the output of \(commands.first ?? ""): \(problem)")
            }
        }
        // Plain blocks of `$ gradbook …` lines, each followed by what it prints.
        for block in blocks where block.language == "" && block.lines.first?.hasPrefix("$ gradbook ") == true {
            if let reason = block.skipReason { print("README line \(block.body.lowerBound): not run: \(reason)"); continue }
            var i = 0
            while i < block.lines.count {
                let command = String(block.lines[i].dropFirst(2))
                var j = i + 1
                while j < block.lines.count, !block.lines[j].hasPrefix("$ ") { j += 1 }
                let output = try run([command]).components(separatedBy: "\n").dropLast().map { $0 }
                checked += 1
                if ProcessInfo.processInfo.environment["GRADBOOK_REGENERATE"] != "1",
                   let problem = Self.matches(Array(block.lines[(i + 1)..<j]), output) {
                    XCTFail("README line \(block.body.lowerBound + i + 1), the output of \(command): \(problem)")
                }
                i = j
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 8, "the README's samples were found")
        for (range, output) in replacements.reversed() { lines.replaceSubrange(range, with: output) }
        if !replacements.isEmpty { try lines.joined(separator: "\n").write(to: Self.readme, atomically: true, encoding: .utf8) }
    }

    func testTheComparisonCanFail() {
        XCTAssertNil(Self.matches(["loss 0.1000 in 0.83 s (0.42 ms/epoch) 2026-12-03 08:26:05.322"], ["loss 0.1010 in 1.2 s (0.61 ms/epoch) 2026-12-04 09:00:00.000"]))
        XCTAssertNotNil(Self.matches(["loss 0.1000"], ["loss 0.2000"]))
        XCTAssertNotNil(Self.matches(["relu 0.3"], ["tanh 0.3"]))
        XCTAssertNotNil(Self.matches(["a", "b"], ["a"]))
        XCTAssertNil(Self.matches(["a", "…"], ["a", "c", "d"]))
        XCTAssertNil(Self.matches(["Error: unknown … rest"], ["Error: unknown name here"]))
    }
}
