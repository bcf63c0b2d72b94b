// Measures the query CLI on a large store, as a user runs it: the built `gradbook` binary,
// process start included.
//
//   swift build -c release && swift run -c release query-speed [--runs 10000] [--epochs 100] [--repeats 5]
//
// The store (issue 6): 10,000 runs × 100 epochs × 4 metrics (train/test loss and accuracy), 12
// hyperparameters per run, in 10 sweeps of 1,000 runs; generated once into
// .build/query-speed-RUNSxEPOCHS.sqlite and reused. Each command runs `--repeats` times after a
// warm-up; medians and min–max are printed, with the goals: `runs --where …` under 0.2 s, and
// `export curves` of one 1,000-run sweep (400,000 rows) under 1 s; of 200 runs (80,000 rows,
// issue 21) under 0.05 s.
import Foundation
import GRDB
import Tracking

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

let runs = argument("--runs", default: 10_000), epochs = argument("--epochs", default: 100), repeats = argument("--repeats", default: 5)
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gradbook").path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    FileHandle.standardError.write(Data("gradbook not found at \(binary): run `swift build -c release` first\n".utf8))
    exit(1)
}
let path = ".build/query-speed-\(runs)x\(epochs).sqlite"

/// Writes the store with plain SQL in one transaction: what the runner would write, minus
/// diagnostics and snapshots.
func generate() throws {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    // The schema from Gradbook; the rows by plain SQL on a connection of our own.
    try RunStore(path: path).close()
    let pool = try DatabasePool(path: path)
    let activations = ["relu", "tanh", "sigmoid", "leaky_relu"], rates = [0.3, 0.1, 0.03, 0.01]
    var random = SystemRandomNumberGenerator()
    try pool.write { db in
        let sweeps = max(1, runs / 1000)
        for s in 0..<sweeps {
            try db.execute(sql: """
                INSERT INTO sweeps (name, status, method, metric, goal, spec, created_at, updated_at)
                VALUES (?, 'finished', 'grid', 'test_loss', 'minimize', '{}', '2026-01-01', '2026-01-01')
                """, arguments: ["sweep-\(s + 1)"])
        }
        let run = try db.makeStatement(sql: """
            INSERT INTO runs (id, uuid, name, sweep_id, sweep_index, status, created_at, started_at, ended_at, seed, epochs_planned, config, gradbook_version)
            VALUES (?, ?, ?, ?, ?, 'finished', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', '2026-01-01 00:01:00.000', ?, ?, '{}', 'bench')
            """)
        let param = try db.makeStatement(sql: "INSERT INTO params (run_id, name, value) VALUES (?, ?, ?)")
        let epoch = try db.makeStatement(sql: """
            INSERT INTO epochs (run_id, epoch, train_loss, test_loss, train_accuracy, test_accuracy, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, '2026-01-01 00:00:00.000')
            """)
        for id in 1...runs {
            let sweep = (id - 1) / 1000 + 1, activation = activations[id % 4], lr = rates[(id / 4) % 4]
            try run.execute(arguments: [id, UUID().uuidString.lowercased(), "sweep-\(sweep)/\(id)", sweep, (id - 1) % 1000, id % 3 + 1, epochs])
            let params: [(String, any DatabaseValueConvertible)] = [
                ("activation", activation), ("lr", lr), ("seed", id % 3 + 1), ("epochs", epochs), ("dataset", "spiral"),
                ("layers", "8,8"), ("batch_size", 10), ("optimizer", "sgd"), ("initializer", "xavier"), ("l2", 0.0),
                ("noise", 0.0), ("train_ratio", 50.0),
            ]
            for (name, value) in params { try param.execute(arguments: [id, name, value]) }
            let rate = Double.random(in: 0.005...0.05, using: &random), floor = Double.random(in: 0.02...0.4, using: &random)
            for e in 1...epochs {
                let loss = floor + 0.7 * exp(-rate * Double(e))
                try epoch.execute(arguments: [id, e, loss * 0.9, loss, 1 - loss / 1.4, 1 - loss / 1.3])
            }
        }
    }
    try pool.close()
}

/// Runs the binary as a shell does — `posix_spawn`, stdout a pipe read to its end in 64 KiB
/// reads, stderr to /dev/null — and times it from the spawn to the child's exit. Foundation's
/// `Process` added about 50 ms to every command here (its child-monitoring run loop), more than
/// most of the commands take.
func time(_ arguments: [String]) throws -> (seconds: Double, bytes: Int) {
    var pipe: [Int32] = [0, 0]
    guard makePipe(&pipe) == 0 else { throw CocoaError(.fileWriteUnknown) }
    // A C struct on Linux, an opaque pointer on macOS.
    #if canImport(Glibc)
    var actions = posix_spawn_file_actions_t()
    #else
    var actions: posix_spawn_file_actions_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    posix_spawn_file_actions_addclose(&actions, pipe[1])
    let argv = ([binary] + arguments + ["--db", path]).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    // This process's environment, spelt out (`environ` is not visible from Swift on macOS).
    let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, binary, &actions, nil, argv, envp) == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "could not start \(binary)"])
    }
    close(pipe[1])
    var bytes = 0
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = read(pipe[0], buffer, 1 << 16)
        if n > 0 { bytes += n } else if n == 0 || errno != EINTR { break }
    }
    close(pipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    guard status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments) failed"]) }
    return (seconds, bytes)
}

if !FileManager.default.fileExists(atPath: path) {
    let start = Date()
    try generate()
    print(String(format: "generated %@: %d runs × %d epochs × 4 metrics in %.1f s", path, runs, epochs, Date().timeIntervalSince(start)))
}
let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
print("store: \(path), \(size / 1_000_000) MB")

let filter = "activation = 'relu' and lr < 0.1 and test_loss < 0.2"
let cases: [(String, [String], Double?)] = [
    ("runs --where (filter on params and final metric), csv", ["runs", "--where", filter, "--format", "csv"], 0.2),
    ("runs --where … --sort best(test_loss) --limit 20", ["runs", "--where", filter, "--sort", "best(test_loss)", "--limit", "20"], 0.2),
    ("runs --where 'best(test_loss) < 0.15 or at(test_loss, 50) > 0.5'", ["runs", "--where", "best(test_loss) < 0.15 or at(test_loss, 50) > 0.5", "--format", "csv"], nil),
    ("runs (all \(runs), table)", ["runs"], nil),
    ("export curves --sweep sweep-1 (1,000 runs, long csv)", ["export", "curves", "--sweep", "sweep-1"], 1.0),
    ("export curves --where 'id <= 200' (80,000 rows, long csv)", ["export", "curves", "--where", "id <= 200"], 0.05),
    ("export runs --sweep sweep-1", ["export", "runs", "--sweep", "sweep-1"], nil),
    ("compare --sweep sweep-1 --rows activation --cols lr", ["compare", "--sweep", "sweep-1", "--rows", "activation", "--cols", "lr"], nil),
]
var results: [[Double]] = Array(repeating: [], count: cases.count)
var outputs: [Int] = Array(repeating: 0, count: cases.count)
for (i, c) in cases.enumerated() { outputs[i] = try time(c.1).bytes }   // warm-up (and the page cache)
for _ in 0..<repeats {
    for (i, c) in cases.enumerated() { results[i].append(try time(c.1).seconds) }
}
print("\(repeats) repetitions, interleaved; wall time of the whole command (process start included)")
for (i, c) in cases.enumerated() {
    let sorted = results[i].sorted(), median = sorted[sorted.count / 2]
    let goal = c.2.map { String(format: "goal < %.2g s: %@", $0, median < $0 ? "met" : "MISSED") } ?? ""
    print("  " + c.0.padding(toLength: 66, withPad: " ", startingAt: 0)
          + String(format: " median %6.3f s  (min %.3f, max %.3f)  %9d bytes out  ", median, sorted.first!, sorted.last!, outputs[i]) + goal)
}

/// `pipe(2)`: ``time(_:)``'s own `pipe` hides the C function, and naming the C library's module
/// (`Glibc`, `Darwin`) would tie the file to one platform.
func makePipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32 {
    pipe(fds)
}
