// The long part of the reliability suite: many writers at once, and kill -9 at random instants.
//
//   swift build -c release && swift run -c release reliability [load] [kill] [--trials 200] [--writers 8]
//
// load: `--writers` processes each train runs back to back into one database while another
//       process runs `gradbook runs` and `gradbook export curves` in a loop; then the same with one
//       `sweep --jobs 8`. Checks: every command exits 0, no "database is locked" reaches anyone,
//       every exported curve is whole (epochs 1…n, all metrics for each epoch), every run ends
//       finished with all its epochs, integrity and foreign keys pass. Reports runs/s, epochs/s
//       and the worst wait of a reader command.
// kill: `--trials` times, start a run or a sweep, kill -9 it after a random delay (0–1.2 s, so
//       during start-up, migration, training and writing alike), then check the file (integrity,
//       foreign keys, whole epochs), that a killed run shows as crashed, and that
//       `sweep --resume` finishes every configuration. Reports trials and failures.
import Foundation
import GRDB

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    return v
}
let modes = Set(arguments.dropFirst().filter { !$0.hasPrefix("--") && Int($0) == nil })
let runLoad = modes.isEmpty || modes.contains("load"), runKill = modes.isEmpty || modes.contains("kill")
let binary = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("gradbook").path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    FileHandle.standardError.write(Data("gradbook not found at \(binary): run `swift build -c release` first\n".utf8))
    exit(1)
}
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-reliability-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

struct Outcome: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
}

@Sendable func gradbook(_ args: [String], db: String) throws -> Outcome {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args + ["--db", db]
    p.currentDirectoryURL = folder
    p.standardInput = FileHandle.nullDevice
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let start = Date()
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                   seconds: Date().timeIntervalSince(start))
}

/// Problems found in the file: integrity, foreign keys, runs with a gap in their epochs.
func check(_ db: String) throws -> [String] {
    var config = Configuration()
    config.readonly = true
    let queue = try DatabaseQueue(path: db, configuration: config)
    defer { try? queue.close() }
    return try queue.read { db in
        var problems: [String] = []
        let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "?"
        if integrity != "ok" { problems.append("integrity_check: \(integrity)") }
        let fk = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
        if fk > 0 { problems.append("\(fk) foreign key violations") }
        let gaps = try Int.fetchAll(db, sql: """
            SELECT r.id FROM runs r WHERE (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id)
                                      != COALESCE((SELECT MAX(epoch) FROM epochs e WHERE e.run_id = r.id), 0)
            """)
        if !gaps.isEmpty { problems.append("runs with gaps in their epochs: \(gaps)") }
        let halves = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM epochs e WHERE (SELECT COUNT(*) FROM layer_health h WHERE h.run_id = e.run_id AND h.epoch = e.epoch) = 0
            """) ?? 0
        if halves > 0 { problems.append("\(halves) epochs without their layer health (half-written)") }
        return problems
    }
}

/// Every run's curves in an export are whole: for each run, each metric covers epochs 1…n with
/// the same n for all of them.
func wholeCurves(_ csv: String) -> String? {
    var epochs: [String: [String: [Int]]] = [:]
    for line in csv.split(separator: "\r\n").dropFirst() {
        let f = line.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count >= 5, let e = Int(f[f.count - 3]) else { return "unreadable line \(line)" }
        epochs[String(f[0]), default: [:]][String(f[f.count - 2]), default: []].append(e)
    }
    for (run, metrics) in epochs {
        let lengths = Set(metrics.values.map(\.count))
        guard lengths.count == 1, let n = lengths.first else { return "run \(run): metrics of different lengths \(metrics.mapValues(\.count))" }
        for (metric, list) in metrics where list != Array(1...n) { return "run \(run) \(metric): epochs not 1…\(n)" }
    }
    return nil
}

// MARK: - Load

func load(name: String, db: String, writers: () -> [[[String]]]) throws {
    let groups = writers()
    let done = DispatchGroup()
    let lock = NSLock()
    nonisolated(unsafe) var writerOutcomes: [Outcome] = []
    let start = Date()
    for commands in groups {
        DispatchQueue.global().async(group: done) {
            for args in commands {
                let o = (try? gradbook(args, db: db)) ?? Outcome(status: -1, stdout: "", stderr: "could not start", seconds: 0)
                lock.lock(); writerOutcomes.append(o); lock.unlock()
            }
        }
    }
    var readerWaits: [Double] = [], readerProblems: [String] = []
    var finished = false, storeSeen = false
    while !finished {
        finished = done.wait(timeout: .now()) == .success
        for args in [["runs", "--format", "csv"], ["export", "curves"]] {
            let o = try gradbook(args, db: db)
            readerWaits.append(o.seconds)
            storeSeen = storeSeen || o.status == 0
            // Before the writers have made the store, a reader is rightly told there is none.
            let notYet = !storeSeen && o.stderr.contains("nothing has been recorded there")
            if o.status != 0 && !o.stderr.contains("no run matches") && !notYet { readerProblems.append("\(args[0]) exit \(o.status): \(o.stderr)") }
            if o.stderr.contains("locked") { readerProblems.append("\(args[0]): \(o.stderr)") }
            if args[0] == "export", o.status == 0, let bad = wholeCurves(o.stdout) { readerProblems.append("export: \(bad)") }
        }
    }
    let wall = Date().timeIntervalSince(start)
    let failures = writerOutcomes.filter { $0.status != 0 || $0.stderr.contains("locked") }
    let (runs, epochs, unfinished) = try DatabaseQueue(path: db).read { db in
        (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM epochs") ?? 0,
         try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE status != 'finished' OR epochs_planned != (SELECT MAX(epoch) FROM epochs WHERE run_id = runs.id)") ?? 0)
    }
    let problems = try check(db) + readerProblems + failures.map { "writer exit \($0.status): \($0.stderr.prefix(200))" }
        + (unfinished > 0 ? ["\(unfinished) runs not finished with all their epochs"] : [])
    print(String(format: "%@: %d runs, %d epochs in %.1f s: %.1f runs/s, %.0f epochs/s; %d reader commands, worst wait %.3f s, median %.3f s; problems: %d",
                 name, runs, epochs, wall, Double(runs) / wall, Double(epochs) / wall, readerWaits.count, readerWaits.max() ?? 0,
                 readerWaits.sorted()[readerWaits.count / 2], problems.count))
    for p in problems.prefix(10) { print("  problem: \(p)") }
}

if runLoad {
    let writers = option("--writers", 8)
    try load(name: "load, \(writers) processes", db: folder.appendingPathComponent("load.sqlite").path) {
        (0..<writers).map { w in
            (0..<5).map { r in ["run", "--epochs", "600", "--seed", "\(w * 100 + r)", "--dataset", w % 2 == 0 ? "spiral" : "circle",
                                "--snapshot-every", "100", "--blas-threads", "1"] }
        }
    }
    try load(name: "load, sweep --jobs 8", db: folder.appendingPathComponent("sweep.sqlite").path) {
        [[["sweep", "--activation", "relu,tanh,sigmoid,leaky_relu", "--lr", "0.3,0.1,0.03,0.01", "--seeds", "2", "--epochs", "600",
           "--jobs", "8", "--name", "load"]]]
    }
}

// MARK: - Kill

if runKill {
    let trials = option("--trials", 200)
    let db = folder.appendingPathComponent("kill.sqlite").path
    var failures: [String] = [], killedRuns = 0, crashedSeen = 0, resumed = 0
    var random = SystemRandomNumberGenerator()
    for trial in 1...trials {
        let sweep = trial % 2 == 0
        let args = sweep
            ? ["sweep", "--activation", "relu,tanh", "--lr", "0.1,0.03", "--seeds", "2", "--epochs", "1500", "--name", "k\(trial)", "--jobs", "2"]
            : ["run", "--epochs", "10000", "--seed", "\(trial)", "--snapshot-every", "50"]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args + ["--db", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: Double.random(in: 0...1.2, using: &random))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        guard FileManager.default.fileExists(atPath: db) else { continue }
        // Any command reaps runs whose process is gone; then they must show as crashed.
        let listing = try gradbook(["runs", "--where", "status = 'running'", "--columns", "id", "--format", "csv"], db: db)
        if listing.status != 0 { failures.append("trial \(trial): runs exit \(listing.status): \(listing.stderr)") }
        if listing.stdout.split(separator: "\r\n").count > 1 { failures.append("trial \(trial): a killed run still shows as running") }
        let problems = try check(db)
        failures += problems.map { "trial \(trial): \($0)" }
        let crashed = try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs WHERE status = 'crashed'") ?? 0 }
        if crashed > crashedSeen { killedRuns += 1 }
        crashedSeen = crashed
        if sweep {
            let resume = try gradbook(["sweep", "--resume", "k\(trial)", "--jobs", "2"], db: db)
            if resume.status != 0 && !resume.stderr.contains("no sweep 'k\(trial)'") {
                failures.append("trial \(trial): resume exit \(resume.status): \(resume.stderr.prefix(300))")
            } else if resume.status == 0 {
                resumed += 1
                let missing = try DatabaseQueue(path: db).read { db in
                    try Int.fetchOne(db, sql: """
                        SELECT COUNT(*) FROM sweep_configs c JOIN sweeps s ON s.id = c.sweep_id
                        WHERE s.name = ? AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.sweep_id = s.id AND r.sweep_index = c.idx AND r.status = 'finished')
                        """, arguments: ["k\(trial)"]) ?? 0
                }
                if missing > 0 { failures.append("trial \(trial): \(missing) configurations unfinished after resume") }
            }
        }
        if trial % 25 == 0 { print("  \(trial) trials, \(failures.count) failures") }
    }
    let final = try check(db)
    print("kill -9: \(trials) trials (half runs, half sweeps), \(killedRuns) trials cut a run short (shown as crashed), "
          + "\(resumed) sweeps resumed to the end; failures: \(failures.count + final.count)")
    for f in (failures + final).prefix(20) { print("  failure: \(f)") }
    if !(failures + final).isEmpty { exit(1) }
}
