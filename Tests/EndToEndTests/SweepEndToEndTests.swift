import Foundation
import GRDB
import GradbookTestSupport
import XCTest

final class SweepEndToEndTests: EndToEndTestCase {
    private let grid = ["sweep", "--dataset", "circle", "--epochs", "20", "--activation", "relu,tanh", "--lr", "0.1,0.03,0.01",
                        "--seeds", "2", "--jobs", "2", "--name", "grid"]

    private func curves(_ path: String) throws -> [String] {
        try query(path) { db in
            try Row.fetchAll(db, sql: """
                SELECT r.sweep_index, e.epoch, e.train_loss, e.test_loss FROM runs r JOIN epochs e ON e.run_id = r.id
                WHERE r.status = 'finished' ORDER BY r.sweep_index, e.epoch
                """).map { "\($0[0] as Int) \($0[1] as Int) \($0[2] as Double) \($0[3] as Double)" }
        }
    }

    func testGridWithSeedsRecordsEveryRunOnceAndPrintsThePivot() throws {
        let r = try GradbookProcess.run(grid, in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let counts = try query { try Row.fetchAll($0, sql: "SELECT status, COUNT(*) AS n FROM runs GROUP BY status") }
        XCTAssertEqual(counts.map { "\($0["status"] as String)=\($0["n"] as Int)" }, ["finished=12"])
        let epochCounts = try query { try Int.fetchAll($0, sql: "SELECT COUNT(*) FROM epochs GROUP BY run_id") }
        XCTAssertEqual(epochCounts, Array(repeating: 20, count: 12))
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT status FROM sweeps WHERE name = 'grid'") }, "finished")
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sweep_configs") }, 12)
        XCTAssertTrue(r.stdout.contains("activation \\ lr"), r.stdout)
        XCTAssertTrue(r.stdout.contains("relu"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(2)"), "mean over two seeds: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("export: gradbook export runs --sweep grid"), r.stdout)
        XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }.count, 12, "one line per run off a terminal")
        // The same command again runs nothing new.
        let again = try GradbookProcess.run(grid, in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 12)
        // The same name with other configurations is refused.
        var other = grid
        other[4] = "21"
        let clash = try GradbookProcess.run(other, in: folder)
        XCTAssertEqual(clash.status, 2)
        XCTAssertTrue(clash.stderr.contains("already exists with other configurations"), clash.stderr)
    }

    func testInterruptedSweepResumesWithEveryConfigurationFinishedOnce() throws {
        try interruptAndResume(signal: SIGINT, name: "int")
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT status FROM sweeps") }, "finished")
    }

    func testKilledSweepResumesWithEveryConfigurationFinishedOnce() throws {
        try interruptAndResume(signal: SIGKILL, name: "kill")
    }

    /// Stops a sweep of three groups of two (one per activation, two jobs) once a run has finished
    /// and another still runs, then resumes it. 8,000 epochs: at 3,000 the sweep took 2 s in all,
    /// and a signal sent a moment after the first group finished now and then found the last one
    /// finished too (nothing to cut short).
    private func interruptAndResume(signal: Int32, name: String) throws {
        let args = ["sweep", "--dataset", "spiral", "--epochs", "8000", "--activation", "relu,tanh,sigmoid", "--lr", "0.1,0.03",
                    "--jobs", "2", "--name", name]
        let process = try GradbookProcess.start(args, in: folder)
        XCTAssertTrue(wait(upTo: 60) {
            guard FileManager.default.fileExists(atPath: databasePath) else { return false }
            let counts = (try? query { db -> [Int] in
                let row = try Row.fetchOne(db, sql: "SELECT SUM(status = 'finished') AS finished, SUM(status = 'running') AS running FROM runs")
                return [row?["finished"] ?? 0, row?["running"] ?? 0]
            }) ?? [0, 0]
            return counts[0] >= 1 && counts[1] >= 1
        })
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        if signal == SIGINT {
            XCTAssertEqual(process.terminationStatus, 130)
            XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT status FROM sweeps") }, "interrupted")
            XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs WHERE status = 'running'") }, 0)
        }
        let resumed = try gradbook("sweep", "--resume", name, "--jobs", "2")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let finishedPerConfig = try query {
            try Int.fetchAll($0, sql: """
                SELECT (SELECT COUNT(*) FROM runs r WHERE r.sweep_index = c.idx AND r.status = 'finished')
                FROM sweep_configs c ORDER BY c.idx
                """)
        }
        XCTAssertEqual(finishedPerConfig, Array(repeating: 1, count: 6))
        if signal == SIGKILL {
            XCTAssertGreaterThan(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs WHERE status = 'crashed'") } ?? 0, 0,
                                 "the runs the kill cut short show as crashed")
        }
        let wholeEpochs = try query {
            try Bool.fetchOne($0, sql: """
                SELECT COUNT(*) = 0 FROM runs r WHERE (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id)
                                               != COALESCE((SELECT MAX(epoch) FROM epochs e WHERE e.run_id = r.id), 0)
                """)
        }
        XCTAssertEqual(wholeEpochs, true)
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
    }

    func testAFailedConfigurationIsRecordedAndTheSweepGoesOn() throws {
        let r = try gradbook("sweep", "--dataset", "circle,missing.csv", "--epochs", "3", "--name", "mixed", "--jobs", "1")
        XCTAssertEqual(r.status, 1, "a failed run makes the sweep exit 1")
        let rows = try query { try Row.fetchAll($0, sql: "SELECT sweep_index, status, error FROM runs ORDER BY sweep_index") }
        XCTAssertEqual(rows.map { $0["status"] as String }, ["finished", "failed"])
        XCTAssertTrue((rows[1]["error"] as String?)?.contains("cannot read 'missing.csv'") ?? false)
        // Failed configurations are done unless retried.
        let again = try gradbook("sweep", "--resume", "mixed")
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 2, again.stderr)
        _ = try gradbook("sweep", "--resume", "mixed", "--retry-failed")
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 3)
    }

    func testShardsMergedEqualTheSweepRunWhole() throws {
        let args = ["sweep", "--dataset", "xor", "--epochs", "15", "--activation", "relu,tanh", "--lr", "0.1,0.03,0.01",
                    "--seeds", "2", "--name", "sharded"]
        XCTAssertEqual(try GradbookProcess.run(args + ["--db", "whole.sqlite"], in: folder).status, 0)
        for i in 1...3 {
            XCTAssertEqual(try GradbookProcess.run(args + ["--shard", "\(i)/3", "--db", "shard-\(i).sqlite"], in: folder).status, 0)
        }
        let shardRuns = try (1...3).map { i in
            try query(folder.appendingPathComponent("shard-\(i).sqlite").path) { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }
        }
        XCTAssertEqual(shardRuns, [4, 4, 4])
        let merge = try gradbook("merge", "--db", "merged.sqlite", "shard-1.sqlite", "shard-2.sqlite", "shard-3.sqlite")
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(merge.stdout.contains("shard-1.sqlite: 4 runs added"), merge.stdout)
        let again = try gradbook("merge", "--db", "merged.sqlite", "shard-2.sqlite")
        XCTAssertTrue(again.stdout.contains("0 runs added, 0 brought up to date, 4 already present"), again.stdout)
        let whole = folder.appendingPathComponent("whole.sqlite").path, merged = folder.appendingPathComponent("merged.sqlite").path
        XCTAssertEqual(try curves(merged), try curves(whole))
        XCTAssertEqual(try curves(whole).count, 12 * 15)
        XCTAssertEqual(try query(merged) { try String.fetchOne($0, sql: "SELECT status FROM sweeps") }, "finished")
        // Every table, every column but each store's numbering and timing, configuration by configuration.
        let (a, b) = (try StoreTables.rows(whole), try StoreTables.rows(merged))
        for table in a.keys.sorted() { XCTAssertEqual(b[table], a[table], table) }
        XCTAssertFalse(a["layer_health"]!.isEmpty || a["snapshot_tensors"]!.isEmpty)
    }

    /// The script `--emit slurm` prints, run task by task as Slurm would run it (here without
    /// Slurm: SLURM_ARRAY_TASK_ID set by hand), gives shards that merge into the sweep run whole.
    func testTheEmittedScriptRunsEachTasksSliceAndTheShardsMergeWhole() throws {
        let args = ["sweep", "--dataset", "circle", "--epochs", "8", "--activation", "relu,tanh", "--lr", "0.1,0.01", "--seeds", "2",
                    "--name", "array"]
        XCTAssertEqual(try GradbookProcess.run(args + ["--db", "whole.sqlite"], in: folder).status, 0)
        let emitted = try GradbookProcess.run(args + ["--emit", "slurm", "--shards", "3"], in: folder)
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        try Data(emitted.stdout.utf8).write(to: folder.appendingPathComponent("job.sbatch"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath), "--emit runs nothing and opens no store")
        let scratch = folder.appendingPathComponent("node-disk")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let path = GradbookProcess.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        for task in [3, 1, 2] {
            let r = try GradbookProcess.run(["bash", "job.sbatch"], in: folder,
                                            environment: ["SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_JOB_ID": "77", "TMPDIR": scratch.path, "PATH": path],
                                            executable: URL(fileURLWithPath: "/usr/bin/env"))
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("shard \(task)/3 (from SLURM_ARRAY_TASK_ID=\(task))"), r.stderr)
        }
        let shards = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("shards").path).sorted()
        XCTAssertEqual(shards, ["array-1.sqlite", "array-2.sqlite", "array-3.sqlite"], "one plain copy per task, no -wal left")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [], "the node's disk is cleaned")
        let merge = try gradbook("merge", "--db", "merged.sqlite", "shards/array-1.sqlite", "shards/array-2.sqlite", "shards/array-3.sqlite")
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let (a, b) = (try StoreTables.rows(folder.appendingPathComponent("whole.sqlite").path),
                      try StoreTables.rows(folder.appendingPathComponent("merged.sqlite").path))
        for table in a.keys.sorted() { XCTAssertEqual(b[table], a[table], table) }
        let status = try gradbook("sweep", "status", "array", "--db", "merged.sqlite", "shards/array-1.sqlite", "shards/array-2.sqlite",
                                  "shards/array-3.sqlite")
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("8 configurations in 3 slices; 8 finished"), status.stdout)
        XCTAssertTrue(status.stdout.contains("every configuration is done"), status.stdout)
    }

    /// A shard file keeps its slice: another slice or another count into it is refused, and
    /// `--resume` on it trains exactly its slice; `sweep status` says what is missing where.
    func testAShardFileKeepsItsSliceAndStatusSaysWhatToSubmitAgain() throws {
        let args = ["sweep", "--dataset", "circle", "--epochs", "3", "--activation", "relu,tanh,sigmoid", "--lr", "0.1,0.01", "--name", "sl"]
        XCTAssertEqual(try GradbookProcess.run(args + ["--shard", "2/3", "--db", "s2.sqlite"], in: folder).status, 0)
        for other in ["3/3", "2/4"] {
            let refused = try GradbookProcess.run(args + ["--shard", other, "--db", "s2.sqlite"], in: folder)
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("holds slice 2/3 of sweep 'sl'; --shard \(other) would mix slices"), refused.stderr)
        }
        let s2 = folder.appendingPathComponent("s2.sqlite").path
        XCTAssertEqual(try query(s2) { try Int.fetchAll($0, sql: "SELECT sweep_index FROM runs ORDER BY sweep_index") }, [1, 4])
        // One run of the slice lost; --resume on the shard file trains it again, and nothing of the other slices.
        XCTAssertEqual(try gradbook("delete", "--db", "s2.sqlite", "--where", "name = 'sl/4'", "--yes").status, 0)
        let status = try gradbook("sweep", "status", "sl", "--db", "s2.sqlite")
        XCTAssertTrue(status.stdout.contains("6 configurations in 3 slices; 1 finished"), status.stdout)
        XCTAssertTrue(status.stdout.contains("submit again: sbatch --array=1,2,3"), status.stdout)
        let resumed = try gradbook("sweep", "--resume", "sl", "--db", "s2.sqlite")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try query(s2) { try Int.fetchAll($0, sql: "SELECT sweep_index FROM runs ORDER BY sweep_index") }, [1, 4])
        let json = try gradbook("sweep", "status", "sl", "--db", "s2.sqlite", "--format", "json")
        let census = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(census?["states"] as? [String], ["missing", "finished", "missing", "missing", "finished", "missing"])
        XCTAssertEqual(try gradbook("sweep", "status", "nope", "--db", "s2.sqlite").status, 2, "an unknown sweep is named")
    }

    func testMergeRefusesANewerSchemaUntouched() throws {
        XCTAssertEqual(try gradbook("run", "--epochs", "1", "--db", "new.sqlite").status, 0)
        let path = folder.appendingPathComponent("new.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO schema_migrations VALUES (77, 'future', 'x', 'later')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let r = try gradbook("merge", "new.sqlite")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("schema version 77"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }

    func testMalformedSpecIsRefusedBeforeAnythingRuns() throws {
        try "method: random\ncount: 4\nparameters:\n  lr: {distribution: uniform, min: 1, max: 0.1}\n"
            .write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try gradbook("sweep", "--spec", "bad.yaml")
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.yaml:4: parameters.lr: min 1 is greater than max 0.1"), r.stderr)
        let runs = FileManager.default.fileExists(atPath: databasePath)
            ? try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") } : 0
        XCTAssertEqual(runs, 0)
    }

    func testSpecFileSweep() throws {
        try """
            method: random
            count: 5
            metric: {name: test_accuracy, goal: maximize}
            parameters:
              lr: {distribution: log_uniform_values, min: 0.01, max: 0.3}
              activation: {values: [relu, tanh]}
            """.write(to: folder.appendingPathComponent("random.yaml"), atomically: true, encoding: .utf8)
        let r = try gradbook("sweep", "--spec", "random.yaml", "--epochs", "5", "--dataset", "gauss", "--name", "rnd")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs WHERE status = 'finished'") }, 5)
        XCTAssertEqual(try query { try String.fetchOne($0, sql: "SELECT goal FROM sweeps") }, "maximize")
        let epochs = try query { try Set(Int.fetchAll($0, sql: "SELECT value FROM params WHERE name = 'epochs'")) }
        XCTAssertEqual(epochs, [5], "flags fix the options the spec does not vary")
    }

    /// The main job: every activation × every learning rate over three seeds, selected on a
    /// validation split (a fifth of the training data), its table saying so.
    func testDefaultSweepIsActivationsByLearningRates() throws {
        let r = try gradbook("sweep", "--epochs", "3")
        XCTAssertEqual(r.status, 0, r.stderr)
        let pairs = try query { try Row.fetchAll($0, sql: "SELECT activation, lr, seed FROM run_summary") }
        XCTAssertEqual(pairs.count, 48)
        XCTAssertEqual(Set(pairs.map { $0["activation"] as String }), ["relu", "tanh", "sigmoid", "leaky_relu"])
        XCTAssertEqual(Set(pairs.map { $0["lr"] as Double }), [0.3, 0.1, 0.03, 0.01])
        XCTAssertEqual(Set(pairs.map { $0["seed"] as Int }), [1, 2, 3])
        XCTAssertEqual(try query { try Set(Double.fetchAll($0, sql: "SELECT value FROM params WHERE name = 'validation_ratio'")) }, [20])
        XCTAssertEqual(try query { try Int.fetchOne($0, sql: "SELECT COUNT(DISTINCT run_id) FROM metrics WHERE name = 'val_loss'") }, 48)
        XCTAssertTrue(r.stdout.contains("Per run, test_loss at its best val_loss epoch (selected on the validation split)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(3)"), "mean over three seeds: \(r.stdout)")
    }

    func testDefaultSweepKeepsALearningRateGivenAlone() throws {
        let r = try gradbook("sweep", "--epochs", "2", "--lr", "0.1")
        XCTAssertEqual(r.status, 0, r.stderr)
        let pairs = try query { try Row.fetchAll($0, sql: "SELECT activation, lr FROM run_summary") }
        XCTAssertEqual(Set(pairs.map { $0["activation"] as String }), ["relu", "tanh", "sigmoid", "leaky_relu"])
        XCTAssertEqual(Set(pairs.map { $0["lr"] as Double }), [0.1])
    }

    /// A sweep with a validation split reports each run's test loss at its best validation epoch,
    /// never its best test loss, and every output says which split chose.
    func testAValidationSplitChoosesTheEpochsAndTheOutputsSaySo() throws {
        let r = try gradbook("sweep", "--dataset", "circle", "--samples", "200", "--noise", "40", "--layers", "16,16",
                             "--activation", "relu,tanh", "--lr", "0.3,0.1", "--epochs", "60", "--seeds", "2",
                             "--validation-ratio", "30", "--name", "honest")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Per run, test_loss at its best val_loss epoch (selected on the validation split)"), r.stdout)
        let rows = try query {
            try Row.fetchAll($0, sql: """
                SELECT r.id,
                       (SELECT MIN(test_loss) FROM epochs e WHERE e.run_id = r.id) AS best_test,
                       (SELECT e.test_loss FROM epochs e JOIN metrics m ON m.run_id = e.run_id AND m.epoch = e.epoch AND m.name = 'val_loss'
                        WHERE e.run_id = r.id ORDER BY m.value, e.epoch LIMIT 1) AS at_best_val
                FROM runs r ORDER BY r.id
                """)
        }
        XCTAssertEqual(rows.count, 8)
        let listed = try gradbook("runs", "--sort", "id", "--columns", "id, selected(test_loss), selected_on(test_loss)", "--format", "csv")
        let cells = listed.stdout.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        for (row, cell) in zip(rows, cells) {
            XCTAssertEqual(Double(cell[1])!, row["at_best_val"] as Double, accuracy: 1e-12, "run \(cell[0])")
            XCTAssertEqual(cell[2], "val_loss")
            XCTAssertGreaterThanOrEqual(row["at_best_val"] as Double, row["best_test"] as Double)
        }
        XCTAssertTrue(rows.contains { ($0["at_best_val"] as Double) > ($0["best_test"] as Double) }, "selecting on test would flatter some run")
        let pivot = try gradbook("compare", "--sweep", "honest", "--rows", "activation", "--cols", "lr")
        XCTAssertTrue(pivot.stdout.hasPrefix("Per run, test_loss at its best val_loss epoch (selected on the validation split)"), pivot.stdout)
        let show = try gradbook("show", "1")
        XCTAssertTrue(show.stdout.contains("(best val_loss): test_loss"), show.stdout)
        let export = try gradbook("export", "runs", "--sweep", "honest")
        XCTAssertTrue(export.stdout.contains("selected_on,selected_epoch,selected_test_loss"), export.stdout.prefix(300).description)
    }

    /// Two configurations over their seeds: each side's values are the runs' test losses at their
    /// selected epochs, paired by seed, and the interval is the paired t interval, checked here
    /// against the store with t(0.975, 2) = 4.302652729749462 (scipy.stats.t.ppf).
    func testCompareGroupsPairsRunsBySeedWithTheirInterval() throws {
        XCTAssertEqual(try gradbook("sweep", "--dataset", "circle", "--samples", "200", "--noise", "30", "--activation", "relu,tanh",
                                    "--lr", "0.1", "--epochs", "40", "--seeds", "3", "--validation-ratio", "25", "--name", "pair").status, 0)
        let r = try gradbook("compare", "--sweep", "pair", "--group", "activation = 'relu'", "--group", "activation = 'tanh'", "--format", "csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = parseCSV(r.stdout)
        XCTAssertEqual(rows.first, ["side", "runs_of", "n", "mean", "std_or_se", "ci95_low", "ci95_high", "t", "df", "p"])
        func values(_ activation: String) throws -> [Int: Double] {
            let rows = try query { try Row.fetchAll($0, sql: "SELECT seed, selected_test_loss FROM run_summary WHERE activation = ?",
                                                    arguments: [activation]) }
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["seed"] as Int, $0["selected_test_loss"] as Double) })
        }
        let relu = try values("relu"), tanh = try values("tanh")
        XCTAssertEqual(Set(relu.keys), [1, 2, 3])
        let d = relu.keys.sorted().map { relu[$0]! - tanh[$0]! }
        let mean = d.reduce(0, +) / 3
        let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        XCTAssertEqual(rows[1][0...2], ["A", "activation = 'relu'", "3"])
        XCTAssertEqual(Double(rows[1][3])!, relu.values.reduce(0, +) / 3, accuracy: 1e-12)
        XCTAssertEqual(rows[3][0...1], ["A - B", "paired by seed"])
        XCTAssertEqual(Double(rows[3][3])!, mean, accuracy: 1e-12)
        XCTAssertEqual(Double(rows[3][5])!, mean - 4.302652729749462 * sd / 3.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(Double(rows[3][6])!, mean + 4.302652729749462 * sd / 3.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(rows[3][8], "2.0")
        let text = try gradbook("compare", "--sweep", "pair", "--group", "activation = 'relu'", "--group", "activation = 'tanh'")
        XCTAssertTrue(text.stdout.hasPrefix("Per run, test_loss at its best val_loss epoch (selected on the validation split)"), text.stdout)
        XCTAssertTrue(text.stdout.contains("(paired by seed, 3 pairs"), text.stdout)
        // Errors name the group.
        let one = try gradbook("compare", "--sweep", "pair", "--group", "activation = 'relu'")
        XCTAssertEqual(one.status, 2)
        XCTAssertTrue(one.stderr.contains("--group takes two filters, A and B (given 1)"), one.stderr)
        let none = try gradbook("compare", "--sweep", "pair", "--group", "activation = 'relu'", "--group", "activation = 'gelu'")
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("--group B ('activation = 'gelu'') matches no finished or diverged run"), none.stderr)
        let bad = try gradbook("compare", "--sweep", "pair", "--group", "activation = 'relu'", "--group", "activation = ")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--group"), bad.stderr)
    }
}
