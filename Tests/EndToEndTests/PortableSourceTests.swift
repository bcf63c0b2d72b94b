import Foundation
import XCTest

/// The package is built and tested on Linux only, yet must keep compiling on macOS (Accelerate
/// for BLAS) by construction: no source names a platform's C module — `Glibc`, `Musl`, `Darwin` —
/// outside a `#if canImport(…)` (or `#if os(…)`) branch for that platform. Foundation brings each
/// platform's C library; a call shadowed by a method of the same name goes through a file-level
/// function instead of `Glibc.close`.
final class PortableSourceTests: XCTestCase {
    private static let platforms: [String: [String]] = [
        "Glibc": ["canImport(Glibc)", "os(Linux)"],
        "Musl": ["canImport(Musl)", "os(Linux)"],
        "Darwin": ["canImport(Darwin)", "os(macOS)"],
    ]

    func testNoSourceNamesAPlatformModuleOutsideItsOwnBranch() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [String] = [], read = 0
        // What `swift build` compiles: the modules and the benchmarks' executables.
        for folder in ["Sources", "Benchmarks"] {
            let files = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent(folder).path).filter { $0.hasSuffix(".swift") }
            for file in files.sorted() {
                let text = try String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(file), encoding: .utf8)
                found += Self.unguarded(in: text).map { "\(folder)/\(file):\($0.line): \($0.text)" }
                read += 1
            }
        }
        XCTAssertGreaterThan(read, 50, "the sources were not found below \(root.path)")
        XCTAssertEqual(found, [], "platform modules named outside their own #if branch (macOS would not compile):\n" + found.joined(separator: "\n"))
    }

    /// The checker itself, on a planted unguarded import and on the guarded forms it accepts.
    func testTheCheckFindsAnUnguardedPlatformModule() {
        let planted = """
            import Foundation
            import Glibc
            #if canImport(Glibc)
            import Glibc
            #elseif canImport(Darwin)
            import Darwin
            #else
            let x = Darwin.close
            #endif
            func f() { Glibc.signal(2, SIG_IGN) }
            /// Comments may name Glibc.close freely.
            """
        XCTAssertEqual(Self.unguarded(in: planted).map(\.line), [2, 8, 10])
    }

    /// Lines (1-based) that name a platform module outside a branch whose condition names it.
    private static func unguarded(in text: String) -> [(line: Int, text: String)] {
        var branches: [String] = []   // the condition of each enclosing #if branch ("" in an #else)
        var found: [(Int, String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#if ") { branches.append(String(line.dropFirst(4))); continue }
            if line.hasPrefix("#elseif ") { branches[branches.count - 1] = String(line.dropFirst(8)); continue }
            if line.hasPrefix("#else") { branches[branches.count - 1] = ""; continue }
            if line.hasPrefix("#endif") { branches.removeLast(); continue }
            if line.hasPrefix("//") { continue }
            for (module, guards) in platforms where line.contains("import \(module)") || line.contains("\(module).") {
                if !branches.contains(where: { branch in guards.contains { branch.contains($0) } }) { found.append((index + 1, line)) }
            }
        }
        return found
    }
}
