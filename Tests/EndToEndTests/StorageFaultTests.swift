import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// The store under faults: a lock held by another process, a full disk, a file-size limit,
/// a read-only file, the folder deleted mid-run, damaged files. Each gets a clear error and a
/// non-zero exit, without a hang, and what was stored before stays whole.
final class StorageFaultTests: EndToEndTestCase {
    private var mountPoint: URL?

    override func tearDownWithError() throws {
        if let mountPoint { _ = try? shell("umount '\(mountPoint.path)'") }
        _ = try? shell("chattr -R -i '\(folder.path)' 2>/dev/null")
        try super.tearDownWithError()
    }

    @discardableResult
    private func shell(_ command: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Every run's epochs are 1…n with no gap, and the file passes SQLite's checks.
    private func assertWhole(_ path: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        try query(path) { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA integrity_check"), "ok", file: file, line: line)
            XCTAssertEqual(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, 0, file: file, line: line)
            let gaps = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM runs r WHERE (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id)
                                               != COALESCE((SELECT MAX(epoch) FROM epochs e WHERE e.run_id = r.id), 0)
                """)
            XCTAssertEqual(gaps, 0, "whole epochs only", file: file, line: line)
        }
    }

    func testALockHeldPastTheBusyTimeoutFailsClearlyWhileReadersGoOn() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "3").status, 0)
        // Another process takes the write lock and keeps it for 6 s.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(6)
            """, databasePath]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        _ = out.fileHandleForReading.availableData  // "locked"
        let start = Date()
        let blocked = try gradbook("run", "--epochs", "3", "--busy-timeout", "1")
        let waited = Date().timeIntervalSince(start)
        XCTAssertEqual(blocked.status, 1, blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("is locked by another process; gave up after waiting 1 s"), blocked.stderr)
        XCTAssertLessThan(waited, 5, "no hang beyond the busy timeout")
        let reader = try gradbook("runs", "--columns", "id, status", "--format", "csv")
        XCTAssertEqual(reader.status, 0, "readers are not held up by a writer: \(reader.stderr)")
        XCTAssertEqual(reader.stdout, "id,status\r\n1,finished\r\n")
        holder.terminate()
        holder.waitUntilExit()
        XCTAssertEqual(try gradbook("run", "--epochs", "3").status, 0, "the store works once the lock is gone")
        try assertWhole()
    }

    func testAFullDiskFailsTheRunAndKeepsWhatWasWritten() throws {
        let mount = folder.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        guard try shell("mount -t tmpfs -o size=600k tmpfs '\(mount.path)'") == 0 else { throw XCTSkip("cannot mount a small tmpfs here") }
        mountPoint = mount
        let db = mount.appendingPathComponent("g.sqlite").path
        let r = try gradbook("run", "--epochs", "100000", "--snapshot-every", "1", "--db", db)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("the disk is full"), r.stderr)
        let epochs = try query(db) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM epochs") } ?? 0
        XCTAssertGreaterThan(epochs, 3, "the epochs before the disk filled are kept")
        try assertWhole(db)
    }

    /// A merge into a full disk names the target, not the source; a read-only file system is
    /// said to be one (SQLite says "unable to open database file"); an export onto a full device
    /// says the disk is full (Foundation says NSCocoaErrorDomain 640).
    func testFullAndReadOnlyFileSystemsNameTheFileThatCannotBeWritten() throws {
        XCTAssertEqual(try gradbook("sweep", "--activation", "relu,tanh", "--lr", "0.1,0.03", "--epochs", "200", "--snapshot-every", "1").status, 0)
        let mount = folder.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        guard try shell("mount -t tmpfs -o size=300k tmpfs '\(mount.path)'") == 0 else { throw XCTSkip("cannot mount a small tmpfs here") }
        mountPoint = mount
        let target = mount.appendingPathComponent("merged.sqlite").path
        let merge = try gradbook("merge", "--db", target, databasePath)
        XCTAssertEqual(merge.status, 1)
        XCTAssertTrue(merge.stderr.contains("database '\(target)': the disk is full"), merge.stderr)
        XCTAssertFalse(merge.stderr.contains("SQLite error"), merge.stderr)
        try assertWhole()
        let full = try gradbook("export", "curves", "-o", "/dev/full")
        XCTAssertEqual(full.status, 1)
        XCTAssertTrue(full.stderr.contains("cannot write '/dev/full': the disk is full"), full.stderr)

        XCTAssertEqual(try shell("umount '\(mount.path)' && mount -t tmpfs -o size=20m tmpfs '\(mount.path)'"), 0)
        let ro = mount.appendingPathComponent("ro.sqlite").path
        XCTAssertEqual(try gradbook("run", "--epochs", "2", "--db", ro).status, 0)
        XCTAssertEqual(try shell("mount -o remount,ro '\(mount.path)'"), 0)
        for arguments in [["run", "--epochs", "1", "--db", ro], ["run", "--epochs", "1", "--db", mount.appendingPathComponent("new.sqlite").path]] {
            let r = try gradbook(arguments)
            XCTAssertEqual(r.status, 1, "\(arguments)")
            XCTAssertTrue(r.stderr.contains("cannot be written (a read-only file, folder or file system)"), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("unable to open database file"), r.stderr)
        }
        let read = try gradbook("runs", "--db", ro, "--format", "csv", "--columns", "id, status")
        XCTAssertEqual(read.status, 0, read.stderr)
        XCTAssertEqual(read.stdout, "id,status\r\n1,finished\r\n")
    }

    func testAFileSizeLimitFailsAWriteInsteadOfKillingTheProcess() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -f 1200; exec \"$0\" run --epochs 100000 --snapshot-every 1", GradbookProcess.binary.path]
        p.currentDirectoryURL = folder
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "not killed by SIGXFSZ")
        XCTAssertEqual(p.terminationStatus, 1, message)
        XCTAssertTrue(message.contains("file-size limit") || message.contains("disk is full"), message)
        try assertWhole()
        XCTAssertGreaterThan(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM epochs") } ?? 0, 3)
    }

    func testAReadOnlyDatabaseIsRefusedClearlyAndStillReadable() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "3").status, 0)
        guard try shell("chattr +i '\(databasePath)'") == 0 else { throw XCTSkip("chattr +i is not available here") }
        let r = try gradbook("run", "--epochs", "3")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cannot be written (a read-only file, folder or file system)"), r.stderr)
        let runs = try gradbook("runs", "--columns", "id, epochs_done", "--format", "csv")
        XCTAssertEqual(runs.stdout, "id,epochs_done\r\n1,3\r\n", runs.stderr)
    }

    func testTheFolderVanishingStopsTheRunWithAClearError() throws {
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let db = sub.appendingPathComponent("g.sqlite").path
        let log = folder.appendingPathComponent("stderr.txt")
        let process = try GradbookProcess.start(["run", "--epochs", "1000000", "--db", db], in: folder, stderr: log)
        XCTAssertTrue(wait(upTo: 20) { ((try? query(db) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM epochs") ?? 0 }) ?? 0) >= 5 })
        try FileManager.default.removeItem(at: sub)
        XCTAssertTrue(wait(upTo: 15) { !process.isRunning }, "the run stops once its file is gone")
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        let message = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(message.contains("was deleted, moved or replaced while the run was writing to it"), message)
    }

    func testDamagedAndForeignFilesAreRefusedAndLeftAsTheyWere() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "30", "--snapshot-every", "1").status, 0)
        XCTAssertEqual(try gradbook("gc").status, 0)
        let damaged = folder.appendingPathComponent("damaged.sqlite")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: databasePath))
        try bytes.prefix(bytes.count / 2).write(to: damaged)
        let truncated = try gradbook("runs", "--db", damaged.path)
        XCTAssertEqual(truncated.status, 1)
        XCTAssertTrue(truncated.stderr.contains("is damaged") || truncated.stderr.contains("not a Gradbook database"), truncated.stderr)
        XCTAssertEqual(try Data(contentsOf: damaged), bytes.prefix(bytes.count / 2), "left byte for byte as it was")
        let random = folder.appendingPathComponent("random.sqlite")
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try noise.write(to: random)
        let foreign = try gradbook("run", "--epochs", "2", "--db", random.path)
        XCTAssertEqual(foreign.status, 1)
        XCTAssertTrue(foreign.stderr.contains("is not a Gradbook database (not an SQLite file); it was left untouched"), foreign.stderr)
        XCTAssertEqual(try Data(contentsOf: random), noise)
    }
}

/// Hostile data files, run through the binary so that its memory can be watched.
final class HostileFileTests: EndToEndTestCase {
    /// A 256 MB line (a file without line breaks) is refused once the 16 MB record limit is
    /// read: peak memory stays far below the file's size, and nothing is written.
    func testAnEndlessLineIsRefusedWithoutMemoryGrowingWithTheFile() throws {
        let url = folder.appendingPathComponent("endless.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        handle.write(Data("x,label\n".utf8))
        let block = Data(repeating: UInt8(ascii: "7"), count: 1 << 20)
        for _ in 0..<256 { handle.write(block) }
        try handle.close()
        // Python runs the binary as its only child and reports the child's peak resident size.
        let r = try GradbookProcess.run(["python3", "-c", """
            import resource, subprocess, sys
            done = subprocess.run(sys.argv[1:], stderr=subprocess.PIPE, text=True)
            print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            sys.stderr.write(done.stderr)
            """, GradbookProcess.binary.path, "run", "--dataset", url.path], in: folder,
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        let numbers = r.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        XCTAssertEqual(numbers.first, 1, "exit status 1: \(r.stdout) \(r.stderr)")
        let peakKB = try XCTUnwrap(numbers.last)
        XCTAssertTrue(r.stderr.contains("endless.csv:2:"), "names the line: \(r.stderr)")
        XCTAssertGreaterThan(peakKB, 1_000, "the child's peak was measured")
        XCTAssertLessThan(peakKB, 160_000, "peak \(peakKB) KB for a 256 MB line")
        print("endless line: peak resident \(peakKB) KB for a \(256 << 20)-byte line")
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath), "bad data is found before the store is opened")
    }

    /// Names, tags, notes and filters with quotes, Unicode, SQL keywords and 100 KB strings are
    /// stored and exported exactly.
    func testAwkwardTextIsStoredAndExportedExactly() throws {
        let long = String(repeating: "x'\"é🧪,\n;", count: 10_000)
        let name = "Robert'); DROP TABLE runs; -- \"bobby\" ÆØÅ 漢字 🧪"
        XCTAssertEqual(try gradbook("run", "--epochs", "2", "--name", name, "--tag", "note=\(long)", "--tag", "sql=SELECT * FROM runs").status, 0)
        XCTAssertEqual(try gradbook("note", "1", long).status, 0)
        let json = try gradbook("export", "runs", "--format", "json")
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first?["name"] as? String, name)
        XCTAssertEqual(rows.first?["tags.note"] as? String, long)
        XCTAssertEqual(rows.first?["tags.sql"] as? String, "SELECT * FROM runs")
        let csv = parseCSV(try gradbook("export", "runs", "--format", "csv").stdout)
        XCTAssertEqual(csv[1][csv[0].firstIndex(of: "name")!], name)
        XCTAssertEqual(csv[1][csv[0].firstIndex(of: "tags.note")!], long)
        let found = try gradbook("runs", "--where", "name = '\(name.replacingOccurrences(of: "'", with: "''"))'", "--columns", "id", "--format", "csv")
        XCTAssertEqual(found.stdout, "id\r\n1\r\n", found.stderr)
        XCTAssertTrue(try gradbook("note", "1").stdout.contains(long))
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 1)
    }
}
