import Foundation
import GRDB
import GradbookTestSupport
import XCTest

/// The engines as a user meets them: `--engine` stored and said, BLAS found at run time or
/// not at all, and a training step that allocates nothing, counted.
final class EngineEndToEndTests: EndToEndTestCase {
    private let spiral = ["run", "--layers", "8,8", "--activation", "tanh", "--epochs", "40", "--samples", "300", "--format", "json"]

    private func finalLoss(_ result: GradbookProcess.Result) throws -> (loss: Double, engine: [String: Any]) {
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let final = try XCTUnwrap(json["final"] as? [String: Any])
        return (try XCTUnwrap(final["test_loss"] as? Double), try XCTUnwrap(json["engine"] as? [String: Any]))
    }

    func testTheEngineIsStoredAndEachLayersKernelSaid() throws {
        let text = try gradbook(["run", "--layers", "8,8", "--epochs", "3", "--engine", "blas"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("engine blas: layers 1-3 blas; BLAS: "), text.stdout)
        let auto = try finalLoss(gradbook(spiral))
        XCTAssertEqual(auto.engine["asked"] as? String, "auto")
        XCTAssertEqual(auto.engine["layers"] as? [String], ["fused", "fused", "fused"], "an 8-wide net is fused throughout")
        let stored = try query { db in try String.fetchAll(db, sql: "SELECT value FROM params WHERE name = 'engine' ORDER BY run_id") }
        XCTAssertEqual(stored, ["blas", "auto"])
        let bad = try gradbook(["run", "--engine", "fast"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("'fast'") && bad.stderr.contains("auto, fused, blas"), bad.stderr)
    }

    /// Without any BLAS library (GRADBOOK_BLAS=none) the portable kernels compute every
    /// product, all three transposes of the BLAS path included, and train the same network.
    func testWithoutBLASThePortableKernelsTrainTheSameNetwork() throws {
        let none = ["GRADBOOK_BLAS": "none"]
        let version = try GradbookProcess.run(["--version"], in: folder, environment: none)
        XCTAssertTrue(version.stdout.contains("BLAS: portable kernels (no BLAS found)"), version.stdout)
        let withBLAS = try finalLoss(gradbook(spiral + ["--engine", "blas", "--db", "a.sqlite"]))
        let portable = try finalLoss(GradbookProcess.run(spiral + ["--engine", "blas", "--db", "b.sqlite"], in: folder, environment: none))
        let fused = try finalLoss(gradbook(spiral + ["--engine", "fused", "--db", "c.sqlite"]))
        XCTAssertEqual(portable.engine["blas"] as? String, "portable kernels (no BLAS found)")
        for other in [portable.loss, fused.loss] { XCTAssertEqual(other, withBLAS.loss, accuracy: 1e-5 * withBLAS.loss) }
        if let library = withBLAS.engine["blas"] as? String, !library.hasPrefix("portable") {
            // With a library loaded the paths differ in their sums' order: not the same bits.
            XCTAssertNotEqual(portable.loss.bitPattern, withBLAS.loss.bitPattern, "GRADBOOK_BLAS=none changed nothing")
        }
        // auto without BLAS: every layer fused, whatever its width.
        let wide = try finalLoss(GradbookProcess.run(["run", "--layers", "128,64", "--epochs", "1", "--format", "json"],
                                                     in: folder, environment: none))
        XCTAssertEqual(wide.engine["layers"] as? [String], ["fused", "fused", "fused"])
    }

    /// `GRADBOOK_BLAS=PATH` naming a file that cannot be opened, or a library without CBLAS,
    /// is not used — and the run summary, its JSON and `--version` say so, naming the value and
    /// what was expected, beside the library that ran instead (control characters escaped).
    func testAGRADBOOKBLASThatCannotBeUsedIsNamedWhereTheLibraryIs() throws {
        #if os(Linux)
        let missing = folder.appendingPathComponent("no-such-blas.so").path
        let version = try GradbookProcess.run(["--version"], in: folder, environment: ["GRADBOOK_BLAS": missing])
        XCTAssertEqual(version.status, 0, version.stderr)
        let line = try XCTUnwrap(version.stdout.split(separator: "\n").first { $0.hasPrefix("BLAS: ") })
        XCTAssertTrue(line.contains("GRADBOOK_BLAS '\(missing)' not used: cannot be opened"), String(line))
        let fallback = try XCTUnwrap(try gradbook(["--version"]).stdout.split(separator: "\n").first { $0.hasPrefix("BLAS: ") })
        XCTAssertTrue(line.hasPrefix(fallback + "; "), "the library that ran instead: \(line) against \(fallback)")

        // A library that opens but is no BLAS: libm has no cblas_sgemm.
        let run = try GradbookProcess.run(["run", "--layers", "300", "--epochs", "1", "--engine", "blas", "--format", "json"],
                                          in: folder, environment: ["GRADBOOK_BLAS": "libm.so.6"])
        let blas = try XCTUnwrap(try finalLoss(run).engine["blas"] as? String)
        XCTAssertTrue(blas.contains("GRADBOOK_BLAS 'libm.so.6' not used: it has no cblas_sgemm"), blas)
        let text = try GradbookProcess.run(["run", "--layers", "300", "--epochs", "1", "--engine", "blas", "--db", "b.sqlite"],
                                           in: folder, environment: ["GRADBOOK_BLAS": "libm.so.6"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("; BLAS: \(blas); lanes: "), text.stdout)

        // What the user typed reaches the terminal escaped.
        let typed = try GradbookProcess.run(["--version"], in: folder, environment: ["GRADBOOK_BLAS": "/tmp/\u{1B}[2Jblas.so"])
        XCTAssertFalse(typed.stdout.contains("\u{1B}"), typed.stdout)
        XCTAssertTrue(typed.stdout.contains("GRADBOOK_BLAS '/tmp/\\u{1B}[2Jblas.so' not used"), typed.stdout)
        #else
        throw XCTSkip("the libraries named here are Linux's")
        #endif
    }

    /// A run whose every layer is fused never opens a BLAS library (opening OpenBLAS was a fifth
    /// of a small run's instructions), nor does predicting with its model; a layer on BLAS opens
    /// it. Seen from outside through the dynamic loader's own log (`LD_DEBUG=files`, glibc).
    func testBLASIsOpenedOnlyWhenALayerRunsOnIt() throws {
        #if os(Linux)
        let loader = ["LD_DEBUG": "files"]
        func opensBLAS(_ result: GradbookProcess.Result) -> Bool {
            result.stderr.split(separator: "\n").contains { $0.contains("file=") && ($0.contains("libopenblas") || $0.contains("libblas")) }
        }
        let small = try GradbookProcess.run(["run", "--layers", "8,8", "--epochs", "2", "--db", "a.sqlite"], in: folder, environment: loader)
        XCTAssertEqual(small.status, 0, small.stderr)
        XCTAssertFalse(opensBLAS(small), "a fused run opened a BLAS library")
        XCTAssertTrue(small.stdout.contains("engine auto: layers 1-3 fused; BLAS: not loaded (every layer fused); lanes: "), small.stdout)
        let json = try finalLoss(GradbookProcess.run(["run", "--layers", "8,8", "--epochs", "1", "--engine", "fused", "--format", "json",
                                                      "--db", "a.sqlite"], in: folder))
        XCTAssertEqual(json.engine["blas"] as? String, "not loaded (every layer fused)")
        try "x,y\n0.5,-0.25\n-1,2\n".write(to: folder.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        let predicted = try GradbookProcess.run(["predict", "1", "new.csv", "--db", "a.sqlite"], in: folder, environment: loader)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        XCTAssertFalse(opensBLAS(predicted), "predicting with a fused model opened a BLAS library")

        let version = try gradbook(["--version"])
        guard !version.stdout.contains("portable kernels") else { return }   // no BLAS on this machine: nothing to open
        let library = try XCTUnwrap(version.stdout.split(separator: "\n").first { $0.hasPrefix("BLAS: ") }).dropFirst(6)
        for engine in ["auto", "blas"] {
            let wide = try GradbookProcess.run(["run", "--layers", "300", "--epochs", "1", "--engine", engine, "--db", "b.sqlite"], in: folder,
                                               environment: loader)
            XCTAssertEqual(wide.status, 0, wide.stderr)
            XCTAssertTrue(opensBLAS(wide), "a layer on BLAS (\(engine)) did not open the library")
            XCTAssertTrue(wide.stdout.contains("BLAS: \(library);"), wide.stdout)
        }
        #else
        throw XCTSkip("LD_DEBUG is glibc's")
        #endif
    }

    /// `--blas-threads 2` shares each step of a network with BLAS layers between two threads:
    /// the run repeats itself bit for bit (every stored epoch and layer row) and trains what one
    /// thread trains, to about 1e-5.
    func testARunOnTwoThreadsRepeatsItselfAndAgreesWithOne() throws {
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { throw XCTSkip("one processor: no threads to share") }
        let options = ["run", "--layers", "64,48", "--activation", "relu", "--dataset", "blobs", "--classes", "4", "--dimensions", "40",
                       "--samples", "600", "--optimizer", "adam", "--lr", "0.003", "--epochs", "12", "--format", "json"]
        var rows: [[String]] = [], losses: [Double] = []
        for (file, threads) in [("a.sqlite", "2"), ("b.sqlite", "2"), ("c.sqlite", "1")] {
            let run = try finalLoss(gradbook(options + ["--blas-threads", threads, "--db", file]))
            XCTAssertEqual(run.engine["threads"] as? Int, Int(threads), "the summary says the run's threads")
            losses.append(run.loss)
            let db = try DatabaseQueue(path: folder.appendingPathComponent(file).path)
            rows.append(try db.read { db in
                let epochs = try Row.fetchAll(db, sql: "SELECT * FROM epochs ORDER BY epoch").map { row in
                    row.columnNames.filter { $0 != "recorded_at" && $0 != "seconds" }.map { "\(row[$0] as DatabaseValue)" }.joined(separator: ",")
                }
                let layers = try Row.fetchAll(db, sql: "SELECT * FROM layer_health ORDER BY epoch, layer").map { "\($0)" }
                return epochs + layers
            })
        }
        XCTAssertGreaterThan(rows[0].count, 12)
        XCTAssertEqual(rows[0], rows[1], "two threads, twice")
        XCTAssertNotEqual(rows[0], rows[2], "one thread sums in other orders")
        XCTAssertEqual(losses[0], losses[2], accuracy: 1e-5 * losses[2])
    }

    /// Without a BLAS library `auto` runs every layer fused, and `--blas-threads 2` shares the
    /// fused loops between two threads: the summary says so, and the run stores one thread's
    /// losses, weights and activations bit for bit (the fused loops' sums do not depend on the
    /// split; only the gradient norms, summed in halves, may differ in their last bits).
    func testWithoutBLASTwoThreadsShareTheFusedLayersAndTrainOneThreadsBits() throws {
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { throw XCTSkip("one processor: no threads to share") }
        let options = ["run", "--layers", "64,48", "--activation", "relu", "--dataset", "blobs", "--classes", "4", "--dimensions", "40",
                       "--samples", "600", "--optimizer", "adam", "--lr", "0.003", "--epochs", "12"]
        var stored: [[String]] = []
        for (file, threads) in [("a.sqlite", "2"), ("b.sqlite", "1")] {
            let text = try GradbookProcess.run(options + ["--blas-threads", threads, "--db", file], in: folder,
                                               environment: ["GRADBOOK_BLAS": "none"])
            XCTAssertEqual(text.status, 0, text.stderr)
            XCTAssertEqual(text.stdout.contains("engine auto: layers 1-3 fused; threads: 2; BLAS: portable"), threads == "2", text.stdout)
            let db = try DatabaseQueue(path: folder.appendingPathComponent(file).path)
            stored.append(try db.read { db in
                try Row.fetchAll(db, sql: "SELECT train_loss, test_loss, train_accuracy, test_accuracy FROM epochs ORDER BY epoch").map { "\($0)" }
                    + Row.fetchAll(db, sql: """
                        SELECT layer, weight_norm, update_ratio, act_mean, act_std, dead_units, eval_act_mean, eval_act_std
                        FROM layer_health ORDER BY epoch, layer
                        """).map { "\($0)" }
            })
        }
        XCTAssertEqual(stored[0].count, 12 + 12 * 3)
        XCTAssertEqual(stored[0], stored[1], "two threads against one")
    }

    /// Eight lanes (AVX2, where the processor has it) and four (`GRADBOOK_LANES=4`) train the
    /// same networks to the same bits: widths that fill two lanes, one, four floats and a few
    /// left over, tanh and sigmoid, a binary head, three classes and a regression, both engines,
    /// every buffer filled to its capacity, and a sweep trained in lockstep.
    /// `--version` and the run summary say which width ran.
    func testEightLanesAndFourTrainTheSameBits() throws {
        let four = ["GRADBOOK_LANES": "4"]
        let version = try gradbook(["--version"]), forced = try GradbookProcess.run(["--version"], in: folder, environment: four)
        XCTAssertTrue(forced.stdout.contains("Vector lanes: 4 ("), forced.stdout)
        guard version.stdout.contains("Vector lanes: 8 (AVX2)") else { throw XCTSkip("no AVX2 here: \(version.stdout)") }
        let runs: [[String]] = [
            ["--layers", "20,13,8", "--activation", "tanh", "--engine", "fused"],
            ["--layers", "12,3", "--activation", "sigmoid", "--engine", "fused", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "15"],
            ["--layers", "16,9", "--activation", "tanh", "--dataset", "blobs", "--classes", "3", "--dimensions", "11"],
            ["--layers", "24", "--activation", "tanh", "--engine", "blas", "--dataset", "blobs", "--classes", "5"],
            ["--layers", "8,5", "--activation", "relu", "--dataset", "plane", "--optimizer", "rmsprop", "--lr", "0.003"],
            ["--layers", "13,6", "--activation", "tanh", "--optimizer", "nesterov", "--engine", "fused"],
            ["--layers", "7", "--activation", "sigmoid", "--optimizer", "momentum", "--batch-size", "7"],
            // Every buffer filled to its capacity (batches of 256 rows, the evaluation's chunk):
            // a lane past a buffer's end is then past its allocation, where AddressSanitizer
            // sees it (`.ci/run` runs this test so).
            ["--layers", "13,6", "--activation", "tanh", "--engine", "fused", "--optimizer", "adam", "--batch-size", "256",
             "--samples", "1024", "--epochs", "3"],
            ["--layers", "9,5", "--activation", "relu", "--dataset", "blobs", "--classes", "3", "--optimizer", "rmsprop",
             "--batch-size", "256", "--samples", "1024", "--epochs", "3"],
            ["--layers", "11", "--activation", "sigmoid", "--dataset", "plane", "--batch-size", "256", "--samples", "1024", "--epochs", "3"],
        ]
        for (k, options) in runs.enumerated() {
            let sized = options.contains("--samples") ? [] : ["--samples", "240", "--epochs", "15"]
            let base = ["run", "--format", "json"] + sized + options
            let wide = try finalLoss(gradbook(base + ["--db", "w\(k).sqlite"]))
            let narrow = try finalLoss(GradbookProcess.run(base + ["--db", "n\(k).sqlite"], in: folder, environment: four))
            XCTAssertEqual(wide.engine["lanes"] as? Int, 8)
            XCTAssertEqual(narrow.engine["lanes"] as? Int, 4)
            XCTAssertEqual(wide.loss.bitPattern, narrow.loss.bitPattern, "\(options): 8 lanes \(wide.loss), 4 lanes \(narrow.loss)")
            // Every stored row: each epoch's metrics, gradient norms (Σg² from the update), health, snapshots.
            let a = try StoreTables.rows(folder.appendingPathComponent("w\(k).sqlite").path)
            let b = try StoreTables.rows(folder.appendingPathComponent("n\(k).sqlite").path)
            for table in a.keys.sorted() { XCTAssertTrue(a[table] == b[table], "\(options): \(table) differs between eight lanes and four") }
        }
        // Sweeps trained in lockstep (eight models in the lanes of every value): every row the
        // same; the second fills every buffer to capacity (batches of 256).
        let sweeps = [["--epochs", "12", "--layers", "12,5", "--activation", "tanh,relu", "--lr", "0.1,0.03", "--seeds", "2"],
                      ["--epochs", "3", "--layers", "7,3", "--activation", "sigmoid", "--lr", "0.1,0.3", "--seeds", "2", "--samples", "1024",
                       "--batch-size", "256"]]
        for (k, options) in sweeps.enumerated() {
            let sweep = ["sweep", "--dataset", "spiral", "--optimizer", "adam", "--jobs", "1", "--name", "l"] + options
            let wide = try gradbook(sweep + ["--db", "lw\(k).sqlite"])
            let narrow = try GradbookProcess.run(sweep + ["--db", "ln\(k).sqlite"], in: folder, environment: four)
            XCTAssertEqual(wide.status, 0, wide.stderr)
            XCTAssertEqual(narrow.status, 0, narrow.stderr)
            XCTAssertTrue(wide.stderr.contains("train together (lockstep)"), wide.stderr)
            let a = try StoreTables.rows(folder.appendingPathComponent("lw\(k).sqlite").path)
            let b = try StoreTables.rows(folder.appendingPathComponent("ln\(k).sqlite").path)
            XCTAssertGreaterThan(a["epochs"]?.count ?? 0, k == 0 ? 90 : 11)
            for table in a.keys.sorted() { XCTAssertTrue(a[table] == b[table], "\(options): \(table) differs between eight lanes and four") }
        }
    }

    /// The eight-lane build runs only where the processor itself says it has AVX2: on an
    /// emulated processor without it (QEMU's user mode, `-cpu Nehalem`, whose `/proc/cpuinfo` is
    /// still the host's) Gradbook says four lanes and trains, where an AVX2 instruction would stop
    /// it with SIGILL; on an emulated Haswell it says eight. Both train the bits of four lanes run
    /// natively. Skipped without `qemu-x86_64` (`.ci/run` installs Debian's `qemu-user`).
    func testAProcessorWithoutAVX2TrainsOnFourLanes() throws {
        #if arch(x86_64)
        guard let path = ["/usr/bin/qemu-x86_64", "/usr/local/bin/qemu-x86_64"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("no qemu-x86_64 here (Debian: qemu-user)")
        }
        let qemu = URL(fileURLWithPath: path)
        func emulated(_ cpu: String, _ arguments: [String]) throws -> GradbookProcess.Result {
            try GradbookProcess.run(["-cpu", cpu, GradbookProcess.binary.path] + arguments, in: folder, executable: qemu)
        }
        let old = try emulated("Nehalem", ["--version"]), haswell = try emulated("Haswell", ["--version"])
        XCTAssertTrue(old.stdout.contains("Vector lanes: 4 (SSE)"), old.stdout + old.stderr)
        XCTAssertTrue(haswell.stdout.contains("Vector lanes: 8 (AVX2)"), haswell.stdout + haswell.stderr)
        let run = ["run", "--layers", "12,8", "--activation", "tanh", "--engine", "fused", "--optimizer", "adam", "--lr", "0.01",
                   "--epochs", "4", "--samples", "120", "--format", "json"]
        let native = try finalLoss(GradbookProcess.run(run + ["--db", "native.sqlite"], in: folder, environment: ["GRADBOOK_LANES": "4"]))
        let withoutAVX2 = try finalLoss(emulated("Nehalem", run + ["--db", "nehalem.sqlite"]))
        let withAVX2 = try finalLoss(emulated("Haswell", run + ["--db", "haswell.sqlite"]))
        XCTAssertEqual(withoutAVX2.engine["lanes"] as? Int, 4)
        XCTAssertEqual(withAVX2.engine["lanes"] as? Int, 8)
        for (name, loss) in [("Nehalem", withoutAVX2.loss), ("Haswell", withAVX2.loss)] {
            XCTAssertEqual(loss.bitPattern, native.loss.bitPattern, "emulated \(name): \(loss), natively on four lanes: \(native.loss)")
        }
        #else
        throw XCTSkip("AVX2 is an x86-64 matter")
        #endif
    }

    /// `alloc-count` under the preloaded malloc interposer: no allocation in 1,000 engine steps,
    /// and an epoch of 100 minibatches allocates no more than one of 25, for every engine,
    /// optimiser and diagnostics setting, and with W2's steps shared between two threads.
    func testATrainingStepAllocatesNothing() throws {
        let build = GradbookProcess.binary.deletingLastPathComponent()
        let interposer = build.appendingPathComponent("libMallocInterposerSwift.so")
        XCTAssertTrue(FileManager.default.fileExists(atPath: interposer.path), "no interposer at \(interposer.path)")
        // (The counter links the interposer, whose malloc then comes before libc's; it checks
        // that a known allocation is counted and refuses to report otherwise.)
        let counter = build.appendingPathComponent("alloc-count")
        let result = try GradbookProcess.run([], in: folder, environment: ["LD_PRELOAD": interposer.path], executable: counter)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        // W1 on one thread, W2 on one and on two: engines × optimisers × diagnostics each.
        XCTAssertEqual(lines.count, 3 * 3 * 3 * 2, result.stdout)
        // Every engine shares W2's steps (its 128 units split on BLAS and in the fused loops).
        let shared = lines.filter { $0.contains("threads=2") }
        XCTAssertEqual(shared.count, 3 * 3 * 2, result.stdout)
        if ProcessInfo.processInfo.activeProcessorCount >= 2 {
            for line in shared { XCTAssertTrue(line.contains("workers=2"), "steps shared between two threads: \(line)") }
        }
        for line in lines {
            var fields: [String: Int] = [:]
            for word in line.split(separator: " ") {
                let parts = word.split(separator: "=")
                if parts.count == 2, let n = Int(parts[1]) { fields[String(parts[0])] = n }
            }
            XCTAssertEqual(fields["allocations_per_1000_steps"], 0, String(line))
            let short = try XCTUnwrap(fields["epoch_25_batches"]), long = try XCTUnwrap(fields["epoch_100_batches"])
            XCTAssertLessThanOrEqual(long - short, 2, "75 more steps allocated \(long - short) times: \(line)")
        }
    }
}
