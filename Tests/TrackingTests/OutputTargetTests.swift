import Foundation
import Tracking
import XCTest

/// Where outputs may go: never the store's files however spelled or linked, never a folder or
/// another database; regular files replaced whole, special files written in place.
final class OutputTargetTests: StoreTestCase {
    private var store: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = path("runs.sqlite")
        let db = try RunStore(path: store)
        _ = try db.startRun(sampleRun())
        // Keep the -wal and -shm in place while the checks run.
        retained = db
    }

    private var retained: RunStore?

    override func tearDownWithError() throws {
        try retained?.close()
        try super.tearDownWithError()
    }

    private func refusal(_ output: String) -> OutputError? {
        do {
            _ = try OutputTarget.check(output, protecting: store)
            return nil
        } catch {
            return error
        }
    }

    func testTheStoreAndItsFilesAreRefusedHoweverSpelled() throws {
        let sub = folder.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path("alias.sqlite"), withDestinationPath: store)
        try FileManager.default.createSymbolicLink(atPath: path("folder-link"), withDestinationPath: folder.path)
        XCTAssertEqual(link(store, path("hard.sqlite")), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store + "-wal"), "the store is open in WAL mode")
        let store: String = self.store
        let linked: String = path("folder-link")
        var spellings: [String] = [store, store + "-wal", store + "-shm"]
        spellings += [sub + "/../runs.sqlite", folder.path + "//runs.sqlite-wal", path("alias.sqlite"), path("hard.sqlite")]
        spellings += [linked + "/runs.sqlite-shm", linked + "/runs.sqlite-journal"]
        for spelling in spellings {
            guard case .isStore = refusal(spelling) else { return XCTFail("\(spelling) was not refused as the store: \(String(describing: refusal(spelling)))") }
        }
        XCTAssertTrue(refusal(store)!.description.contains("is the database being read"), refusal(store)!.description)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        XCTAssertThrowsError(try OutputSink.write(Data("x".utf8), to: path("alias.sqlite"), protecting: store))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: store)), before)
    }

    func testFoldersDatabasesAndMissingFoldersAreNamedErrors() throws {
        XCTAssertEqual(refusal(folder.path), .isFolder(path: folder.path))
        XCTAssertTrue(refusal(folder.path)!.description.contains("is a folder: expected a file to write"))
        let other = path("other.sqlite")
        try RunStore(path: other).close()
        XCTAssertEqual(refusal(other), .isDatabase(path: other))
        XCTAssertNoThrow(try OutputTarget.check(other, protecting: store, databases: true), "a copy of the store may replace a database")
        let missing = path("no/such/folder/out.csv")
        XCTAssertTrue(refusal(missing)!.description.contains("its folder '\(path("no/such/folder"))' does not exist"), refusal(missing)!.description)
        XCTAssertEqual(refusal(""), .cannotWrite(path: "", reason: "the path is empty"))
    }

    func testStandardOutputDevicesAndFIFOsAreWrittenInPlace() throws {
        XCTAssertEqual(try OutputTarget.check("-", protecting: store), .standardOutput)
        XCTAssertEqual(try OutputTarget.check("/dev/null", protecting: store), .special("/dev/null"))
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(try OutputTarget.check(fifo, protecting: store), .special(fifo))
        // A reader takes what is written through the FIFO, which stays a FIFO.
        nonisolated(unsafe) var received = Data()
        let read = DispatchGroup()
        DispatchQueue.global().async(group: read) { received = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        try OutputSink.write(Data("through the pipe\n".utf8), to: fifo, protecting: store)
        read.wait()
        XCTAssertEqual(String(decoding: received, as: UTF8.self), "through the pipe\n")
        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "still a FIFO, not replaced by a file")
        try OutputSink.write(Data("gone".utf8), to: "/dev/null", protecting: store)
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
    }

    func testAFileIsReplacedWholeOrLeftAsItWas() throws {
        let out = path("out.csv")
        try Data("old contents\n".utf8).write(to: URL(fileURLWithPath: out))
        do {
            // An output that stops half way (an error, a crash): the old file stays.
            let sink = try OutputSink.file(out, protecting: store)
            for i in 0..<100_000 { try sink.write("row \(i)\n") }
            try sink.flush()
            XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "old contents\n", "nothing reaches the file before it is finished")
        }
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "old contents\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("partial") }, [], "no temporary file left")
        let sink = try OutputSink.file(out, protecting: store)
        try sink.write("new\n")
        try sink.finish()
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("partial") }, [])
    }

    /// Foundation's path methods trapped on one-character names: `--db a` and `-o x` crashed.
    func testFoldersOfPathsAsTyped() throws {
        let cases = ["a": ".", ".": ".", " ": ".", "\n": ".", "x.csv": ".", "/x": "/", "/": "/", "a/b": "a", "a//b": "a/", "/a/b/": "/a",
                     "sub/": ".", "./x": ".", "../x": ".."]
        for (path, folder) in cases { XCTAssertEqual(Paths.folder(of: path), folder, path.debugDescription) }
        let working = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(working) }
        for name in ["a", " ", "\n", "é"] {
            XCTAssertEqual(try OutputTarget.check(name, protecting: store), .file(name))
            try OutputSink.write(Data("one\n".utf8), to: name, protecting: store)
            XCTAssertEqual(try String(contentsOfFile: name, encoding: .utf8), "one\n")
        }
        XCTAssertEqual(refusal("."), .isFolder(path: "."))
    }
}
