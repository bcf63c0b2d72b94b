import Foundation
import GRDB
import XCTest

/// Runs the built `gradbook` binary as a user would, from a temporary working folder.
struct GradbookProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary built beside this test bundle.
    static var binary: URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("gradbook")
    }

    private static func make(_ arguments: [String], in folder: URL, environment: [String: String], executable: URL) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // As in CI: no terminal to answer a question.
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// Starts the binary without waiting; its output is dropped, or stderr written to `stderr`.
    static func start(_ arguments: [String], in folder: URL, environment: [String: String] = [:],
                      executable: URL = binary, stderr: URL? = nil) throws -> Process {
        let process = make(arguments, in: folder, environment: environment, executable: executable)
        process.standardOutput = FileHandle.nullDevice
        if let stderr {
            _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: stderr)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:],
                    executable: URL = binary) throws -> Result {
        let process = make(arguments, in: folder, environment: environment, executable: executable)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes at once before waiting, so a chatty process cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let stderrRead = DispatchGroup()
        DispatchQueue.global().async(group: stderrRead) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        stderrRead.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A fresh temporary folder per test.
class EndToEndTestCase: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: GradbookProcess.binary.path),
                      "gradbook binary not found at \(GradbookProcess.binary.path)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func gradbook(_ arguments: String...) throws -> GradbookProcess.Result {
        try GradbookProcess.run(arguments, in: folder)
    }

    func gradbook(_ arguments: [String]) throws -> GradbookProcess.Result {
        try GradbookProcess.run(arguments, in: folder)
    }

    var databasePath: String { folder.appendingPathComponent("gradbook.sqlite").path }

    /// Reads the database a command wrote, read-only.
    func query<T>(_ path: String? = nil, _ body: (Database) throws -> T) throws -> T {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path ?? databasePath, configuration: config)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// Waits until `condition` holds, polling, for at most `seconds`.
    func wait(upTo seconds: Double, for condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
