import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// A sweep run as an array job on a real Slurm cluster (`.ci/slurm/up.sh`: slurmctld, slurmd and
/// munge from Debian's packages on this host), merged, compared with the same sweep run locally;
/// then a task cancelled midway and submitted again from what `sweep status` lists.
final class SlurmEndToEndTests: EndToEndTestCase {
    /// The activations × learning rates × seeds of the issue, as an 8-task array.
    private func sweep(epochs: Int, name: String) -> [String] {
        ["sweep", "--activation", "relu,tanh,sigmoid,leaky_relu", "--lr", "0.3,0.1,0.03,0.01", "--seeds", "3",
         "--epochs", "\(epochs)", "--name", name]
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let sinfo = try? GradbookProcess.run(["sinfo", "-h", "-o", "%T"], in: folder, executable: URL(fileURLWithPath: "/usr/bin/env"))
        guard let sinfo, sinfo.status == 0, ["idle", "mixed", "allocated"].contains(where: sinfo.stdout.contains) else {
            throw XCTSkip("no Slurm cluster answers here (sinfo: \(sinfo.map { $0.stderr.isEmpty ? $0.stdout : $0.stderr } ?? "not found")); "
                          + "start one with 'bash .ci/slurm/up.sh' (as .ci/run does) to run this test")
        }
    }

    private func shell(_ arguments: [String]) throws -> GradbookProcess.Result {
        let path = GradbookProcess.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        return try GradbookProcess.run(arguments, in: folder, environment: ["PATH": path], executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// Submits `script` (sbatch exports this environment, so the tasks find this gradbook) and
    /// returns the job id.
    private func submit(_ extra: [String] = []) throws -> String {
        let r = try shell(["sbatch", "--parsable", "--chdir", folder.path] + extra + ["job.sbatch"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    /// Waits until no task of `job` is queued or running.
    private func waitForJob(_ job: String, seconds: Double = 600) throws {
        let done = try wait(upTo: seconds) { try shell(["squeue", "-h", "-j", job]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        XCTAssertTrue(done, "job \(job) still in the queue after \(seconds) s")
    }

    private func shardFiles(_ name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("shards").path)
            .filter { $0.hasPrefix(name + "-") && $0.hasSuffix(".sqlite") }.sorted().map { "shards/" + $0 }
    }

    func testAnArrayJobMergesIntoTheSweepRunLocally() throws {
        let start = Date()
        let args = sweep(epochs: 30, name: "slurm")
        XCTAssertEqual(try gradbook(args + ["--db", "local.sqlite"]).status, 0)
        let emitted = try gradbook(args + ["--emit", "slurm", "--shards", "8"])
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        try Data(emitted.stdout.utf8).write(to: folder.appendingPathComponent("job.sbatch"))
        try waitForJob(try submit())
        let shards = try shardFiles("slurm")
        XCTAssertEqual(shards.count, 8, "one shard per task")
        let merge = try gradbook(["merge", "--db", "merged.sqlite"] + shards)
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let (local, merged) = (try StoreTables.rows(folder.appendingPathComponent("local.sqlite").path),
                               try StoreTables.rows(folder.appendingPathComponent("merged.sqlite").path))
        for table in local.keys.sorted() { XCTAssertEqual(merged[table], local[table], table) }
        XCTAssertEqual(local["runs"]?.count, 48)
        let status = try gradbook(["sweep", "status", "slurm", "--db", "merged.sqlite"] + shards)
        XCTAssertTrue(status.stdout.contains("48 configurations in 8 slices; 48 finished"), status.stdout)
        print("Slurm: 8 tasks, 48 configurations, \(local.keys.count) tables compared, \(String(format: "%.1f", Date().timeIntervalSince(start))) s in all")
    }

    func testACancelledTaskIsSubmittedAgainFromWhatStatusLists() throws {
        let start = Date()
        // Long enough that the cancel (scancel, then Slurm's signal) lands while the task still
        // trains: at 1,500 epochs its last five runs took 2 s after the first, and one loaded CI
        // run's cancel arrived after them (no run interrupted, nothing to resume).
        let args = sweep(epochs: 5000, name: "cancel")
        let emitted = try gradbook(args + ["--emit", "slurm", "--shards", "8", "--array-limit", "2"])
        try Data(emitted.stdout.utf8).write(to: folder.appendingPathComponent("job.sbatch"))
        let job = try submit()
        // Task 3 is cancelled once its first run has finished: midway through its slice.
        let log = folder.appendingPathComponent("cancel-\(job)_3.log")
        XCTAssertTrue(wait(upTo: 300) { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("[1/6]") }, "task 3 never started")
        XCTAssertEqual(try shell(["scancel", "\(job)_3"]).status, 0)
        try waitForJob(job)
        var shards = try shardFiles("cancel")
        XCTAssertEqual(try gradbook(["merge", "--db", "merged.sqlite"] + shards).status, 0)
        let status = try gradbook(["sweep", "status", "cancel", "--db", "merged.sqlite"] + shards)
        let list = try XCTUnwrap(status.stdout.firstMatch(of: /sbatch --array=([0-9,]+)/)?.1, status.stdout)
        XCTAssertEqual(list, "3", "only the cancelled task: \(status.stdout)")
        try waitForJob(try submit(["--array=\(list)"]))
        shards = try shardFiles("cancel")
        XCTAssertEqual(try gradbook(["merge", "--db", "merged.sqlite"] + shards).status, 0)
        let merged = folder.appendingPathComponent("merged.sqlite").path
        let finished = try query(merged) { try Int.fetchAll($0, sql: "SELECT COUNT(*) FROM runs WHERE status = 'finished' GROUP BY sweep_index") }
        XCTAssertEqual(finished, Array(repeating: 1, count: 48), "every configuration finished exactly once")
        // The run cancelled midway went on from its checkpoint when the task ran again (or, had it
        // stopped before its first whole epoch, is kept as interrupted beside a new run).
        let interrupted = try query(merged) {
            try Int.fetchAll($0, sql: """
                SELECT r.sweep_index FROM runs r WHERE r.status = 'interrupted'
                   OR EXISTS (SELECT 1 FROM notes n WHERE n.run_id = r.id AND n.text LIKE 'resumed after epoch %')
                """)
        }
        XCTAssertFalse(interrupted.isEmpty, "the run cancelled midway was resumed (or kept, marked interrupted)")
        XCTAssertTrue(interrupted.allSatisfy { $0 % 8 == 2 }, "only task 3's slice was cancelled: \(interrupted)")
        XCTAssertEqual(try query(merged) { try String.fetchOne($0, sql: "SELECT status FROM sweeps") }, "finished")
        let done = try gradbook(["sweep", "status", "cancel", "--db", "merged.sqlite"] + shards)
        XCTAssertTrue(done.stdout.contains("every configuration is done"), done.stdout)
        print("Slurm: 8 tasks, 1 cancelled and submitted again, \(interrupted.count) run(s) interrupted and resumed, "
              + "\(String(format: "%.1f", Date().timeIntervalSince(start))) s in all")
    }
}
