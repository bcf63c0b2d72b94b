// Gradbook's side of the side-by-side benchmarks (Benchmarks/side_by_side.py drives it).
//
//   side-by-side prepare W1|W2|W3|S2 DIR the workload's data, initial weights and minibatch order,
//                                       as raw little-endian files + meta.json, for the peers
//   side-by-side serve                  reads commands on stdin, answers one JSON line each:
//       train W [E]     the bare engine (no diagnostics, no store), the training loop timed;
//                       E = auto (default), fused or blas (--engine)
//       diagnosed W [E] the bare engine computing every diagnostic (T2's share without the store)
//       tracked W [E]   the same through Runner: every diagnostic, the store, snapshots every 10
//                       (close_seconds: from the last epoch's report to the run closed)
//       checkpoint W [L] [O]  a run's checkpoint (weights and the optimiser's moments) encoded
//                       for the store and decoded, as a recorded run keeps one every 10 s of
//                       training: medians of five, in seconds; L and O override the layers
//                       and the optimiser (`checkpoint W3 1024,1024 adam`: 5.6 M floats)
//       ingest DB [N]   T1: N (200) runs × 12 params × 100 epochs × 4 metrics through RunStore
//       sweep S2        S2: W1's net at 64 learning rates × 500 epochs, one after another, bare
//       tracked-sweep S2  the same through Runner into one store, one run after another
//       lockstep-sweep S2 the same bare, in Lockstep groups of eight
//       tracked-lockstep-sweep S2  tracked into one store in Lockstep groups of eight, each
//                       member its own run, as `gradbook sweep` trains them
//
// The process stays up between commands so that the driver can alternate it with the peers'
// workers (A B A B …) without paying process start-up or the first-touch of its pages.
import Datasets
import Experiments
import Foundation
import Neural
import Tracking

/// The benchmark workloads of issue 7, as `gradbook run` settings.
let workloads: [String: [String: String]] = [
    "W1": ["dataset": "spiral", "samples": "500", "train-ratio": "50", "noise": "0", "layers": "8,8",
           "activation": "tanh", "initializer": "xavier", "optimizer": "sgd", "lr": "0.03", "batch-size": "10",
           "epochs": "200", "seed": "1"],
    // A generated set of the digits' shape (Gaussian blobs, 1,797 × 64, 10 classes), standardised.
    "W2": ["dataset": "blobs", "samples": "1797", "dimensions": "64", "classes": "10", "noise": "50",
           "train-ratio": "80", "standardize": "true", "layers": "128,64", "activation": "relu", "initializer": "he",
           "optimizer": "adam", "lr": "0.001", "batch-size": "32", "epochs": "30", "seed": "1"],
    // 20,000 training rows of 784 random (blob) features, 10 classes; 5,000 test rows.
    "W3": ["dataset": "blobs", "samples": "25000", "dimensions": "784", "classes": "10", "noise": "50",
           "train-ratio": "80", "standardize": "true", "layers": "256,128", "activation": "relu", "initializer": "he",
           "optimizer": "momentum", "lr": "0.01", "batch-size": "64", "epochs": "3", "seed": "1"],
]

/// S2, the sweep-sized workload: W1's network and data at 64 learning rates, log-spaced from
/// 0.003 to 0.3, 500 epochs each (one seed: every configuration starts from the same weights
/// and sees the same minibatches, so a peer can train them as one batched computation).
let sweepRates: [Double] = (0..<64).map { 0.003 * pow(100, Double($0) / 63) }

func sweepConfiguration(_ k: Int, tracked: Bool = false) throws -> RunConfiguration {
    var values = workloads["W1"]!
    values["epochs"] = "500"
    values["lr"] = "\(Float(sweepRates[k]))"
    return try RunSettings(values).configuration()
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}

func configuration(_ name: String, tracked: Bool = false, engine: String? = nil,
                   overrides: [String: String] = [:]) throws -> RunConfiguration {
    guard var values = workloads[name]?.merging(overrides, uniquingKeysWith: { $1 }) else {
        throw BenchmarkFailure(description: "unknown workload '\(name)'; expected one of \(workloads.keys.sorted())")
    }
    if tracked { values["snapshot-every"] = "10" }
    if let engine { values["engine"] = engine }
    return try RunSettings(values).configuration()
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds of every thread of the process (to show that one core was used).
func cpu() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// OpenBLAS threads for every trainer (one unless GRADBOOK_BENCH_THREADS says otherwise).
let blasThreads = Int(ProcessInfo.processInfo.environment["GRADBOOK_BENCH_THREADS"] ?? "1") ?? 1

// MARK: - prepare

func write<T>(_ values: [T], to url: URL) throws {
    try values.withUnsafeBytes { try Data($0).write(to: url) }
}

/// Writes what a peer needs to train exactly what Gradbook trains: the same rows, the same
/// initial weights (as `x·W`, `inputs × outputs`), and the same minibatch order (the trainer's
/// own `MinibatchOrder`).
func prepare(_ name: String, into folder: URL) throws {
    let config = name == "S2" ? try sweepConfiguration(0) : try configuration(name)
    let trainer = try config.makeTrainer(blasThreads: blasThreads)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let data = trainer.data
    try write(data.train.features, to: folder.appendingPathComponent("x_train.f32"))
    try write(data.train.targets, to: folder.appendingPathComponent("y_train.f32"))
    try write(data.test.features, to: folder.appendingPathComponent("x_test.f32"))
    try write(data.test.targets, to: folder.appendingPathComponent("y_test.f32"))
    let engine = trainer.engine
    for i in engine.layers.indices {
        try write(engine.weight(ofLayer: i).value, to: folder.appendingPathComponent("w\(i).f32"))
        try write(engine.bias(ofLayer: i).value, to: folder.appendingPathComponent("b\(i).f32"))
    }
    let t = config.training
    var order = MinibatchOrder(seed: t.seed, count: data.train.count), orders: [Int32] = []
    for _ in 0..<t.epochs { orders += order.next().map(Int32.init) }
    try write(orders, to: folder.appendingPathComponent("order.i32"))
    let optimizer: String
    switch t.optimizer {
    case .sgd: optimizer = "sgd"
    case .momentum: optimizer = "momentum"
    case .adam: optimizer = "adam"
    // The workloads use the three the peers are given; others are not sent to them.
    case .adamw, .rmsprop, .nesterov: throw BenchmarkFailure(description: "the peers are set up for sgd, momentum and adam, not \(t.optimizer)")
    }
    let meta: [String: Any] = [
        "workload": name, "features": data.train.featureCount, "outputs": engine.outputs,
        "train": data.train.count, "test": data.test.count,
        "widths": [data.train.featureCount] + engine.layers.map(\.units),
        "activation": engine.layers[0].activation.description, "head": engine.head.rawValue,
        "optimizer": optimizer, "lr": Double(t.learningRate), "batch": t.batchSize, "epochs": t.epochs,
        "lrs": name == "S2" ? sweepRates.map { Double(Float($0)) } : [Double(t.learningRate)],
    ]
    try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        .write(to: folder.appendingPathComponent("meta.json"))
}

// MARK: - serve

/// Times the bare training loop: the trainer (data included) is built before the clock starts.
func train(_ name: String, engine: String? = nil, diagnostics: Bool = false) throws -> [String: Any] {
    let trainer = try configuration(name, engine: engine).makeTrainer(blasThreads: blasThreads)
    trainer.collectsDiagnostics = diagnostics
    var last: EpochReport?
    let (start, cpuStart) = (now(), cpu())
    let outcome = trainer.train { last = $0; return .proceed }
    var answer = result(seconds: now() - start, epochs: outcome.epochs, last: last)
    answer["cpu_seconds"] = cpu() - cpuStart
    return answer
}

/// Times the same training through `Runner`: diagnostics, alerts, the store, snapshots.
func tracked(_ name: String, store: RunStore, engine: String? = nil) throws -> [String: Any] {
    let config = try configuration(name, tracked: true, engine: engine)
    let trainer = try config.makeTrainer(blasThreads: blasThreads)
    var lastEpoch = 0.0
    let start = now()
    let r = try Runner(store: store).run(config, trainer: trainer, version: "bench", onEpoch: { _ in lastEpoch = now() })
    let end = now()
    var answer = result(seconds: end - start, epochs: r.outcome.epochs, last: r.last)
    // From the last epoch's report to the run stored and closed (what the caller waits for).
    answer["close_seconds"] = end - lastEpoch
    return answer
}

/// Times a checkpoint's trip through the store's bytes: encoded, then decoded (five of each,
/// medians), from the trainer's state after one epoch (the optimiser's moments made).
func checkpoint(_ name: String, overrides: [String: String]) throws -> [String: Any] {
    let trainer = try configuration(name, overrides: overrides.merging(["epochs": "1"]) { $1 }).makeTrainer(blasThreads: blasThreads)
    _ = trainer.train { _ in .proceed }
    let state = trainer.checkpoint(after: 1)
    func median(_ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<5 {
            let start = now()
            try body()
            times.append(now() - start)
        }
        return times.sorted()[2]
    }
    var bytes = Data()
    let encode = try median { bytes = try state.encoded() }
    var decoded: TrainerCheckpoint?
    let decode = try median { decoded = try TrainerCheckpoint(decoding: bytes) }
    guard decoded == state else { throw BenchmarkFailure(description: "the decoded checkpoint differs from the encoded one") }
    let floats = state.tensors.reduce(0) { $0 + $1.values.count } + state.moments.reduce(0) { $0 + $1.first.count + $1.second.count }
    return ["encode_seconds": encode, "decode_seconds": decode, "bytes": bytes.count, "floats": floats]
}

func result(seconds: Double, epochs: Int, last: EpochReport?) -> [String: Any] {
    func json(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
    return ["seconds": seconds, "epochs": epochs, "train_loss": json(last?.trainLoss),
            "test_loss": json(last?.testLoss), "test_accuracy": json(last?.testAccuracy)]
}

/// S2 as `gradbook sweep` trains it bare: the 64 configurations in `Lockstep` groups of eight,
/// each group one computation (no store; no diagnostics unless `diagnostics`, which separates
/// what the diagnostics cost a tracked sweep from what the store does).
func lockstepSweep(diagnostics: Bool = false) throws -> [String: Any] {
    let trainers = try sweepRates.indices.map { k in try sweepConfiguration(k).makeTrainer(blasThreads: blasThreads) }
    for t in trainers { t.collectsDiagnostics = diagnostics }
    var testLoss = 0.0, trainLoss = 0.0, epochs = 0
    let (start, cpuStart) = (now(), cpu())
    for first in stride(from: 0, to: trainers.count, by: Lockstep.width) {
        let group = try Lockstep(Array(trainers[first..<min(first + Lockstep.width, trainers.count)]))
        var last = [EpochReport?](repeating: nil, count: group.trainers.count)
        epochs += group.train { i, report in last[i] = report; return .proceed }.reduce(0) { $0 + $1.epochs }
        testLoss += last.reduce(0) { $0 + ($1?.testLoss ?? .nan) }
        trainLoss += last.reduce(0) { $0 + ($1?.trainLoss ?? .nan) }
    }
    let n = Double(trainers.count)
    return ["seconds": now() - start, "cpu_seconds": cpu() - cpuStart, "epochs": epochs,
            "train_loss": trainLoss / n, "test_loss": testLoss / n]
}

/// S2 as `gradbook sweep` trains and records it (`SweepRunner`): `Lockstep` groups of eight,
/// each member opened as its own run, its epochs observed into the store, every member's close
/// queued before any is waited for.
func trackedLockstepSweep(store: RunStore) throws -> [String: Any] {
    let runs = try sweepRates.indices.map { k in (try sweepConfiguration(k), try sweepConfiguration(k).makeTrainer(blasThreads: blasThreads)) }
    var testLoss = 0.0, trainLoss = 0.0, epochs = 0
    let (start, cpuStart) = (now(), cpu())
    // As `SweepRunner`: every run writes the store on one queue.
    let writes = DispatchQueue(label: "gradbook.sweep-writer")
    for first in stride(from: 0, to: runs.count, by: Lockstep.width) {
        let members = Array(runs[first..<min(first + Lockstep.width, runs.count)])
        let sessions = try members.map { try Runner(store: store, writeQueue: writes).open($0.0, trainer: $0.1, version: "bench") }
        let group = try Lockstep(members.map(\.1))
        var failure: (any Error)?
        let outcomes = group.train { i, report in
            do { return try sessions[i].observe(report).decision } catch { failure = error; return .stop }
        }
        if let failure { throw failure }
        for (session, outcome) in zip(sessions, outcomes) { try session.close(outcome) }
        for (session, outcome) in zip(sessions, outcomes) {
            let r = try session.finish(outcome)
            epochs += r.outcome.epochs
            testLoss += r.last?.testLoss ?? .nan
            trainLoss += r.last?.trainLoss ?? .nan
        }
    }
    let n = Double(runs.count)
    return ["seconds": now() - start, "cpu_seconds": cpu() - cpuStart, "epochs": epochs,
            "train_loss": trainLoss / n, "test_loss": testLoss / n]
}

/// S2: the 64 configurations one after another in this process, bare or through `Runner`
/// (every diagnostic, the store); the answer's losses are the means over the configurations.
func sweep(store: RunStore?) throws -> [String: Any] {
    let trainers = try sweepRates.indices.map { k in (try sweepConfiguration(k), try sweepConfiguration(k).makeTrainer(blasThreads: blasThreads)) }
    var testLoss = 0.0, trainLoss = 0.0, epochs = 0
    let (start, cpuStart) = (now(), cpu())
    let writes = DispatchQueue(label: "gradbook.sweep-writer")
    for (config, trainer) in trainers {
        var last: EpochReport?
        if let store {
            let r = try Runner(store: store, writeQueue: writes).run(config, trainer: trainer, version: "bench")
            (last, epochs) = (r.last, epochs + r.outcome.epochs)
        } else {
            trainer.collectsDiagnostics = false
            epochs += trainer.train { last = $0; return .proceed }.epochs
        }
        testLoss += last?.testLoss ?? .nan
        trainLoss += last?.trainLoss ?? .nan
    }
    let n = Double(trainers.count)
    return ["seconds": now() - start, "cpu_seconds": cpu() - cpuStart, "epochs": epochs,
            "train_loss": trainLoss / n, "test_loss": testLoss / n]
}

/// T1: what a tracked run writes, without training: each run opened with 12 hyperparameters,
/// then one transaction per epoch with its 4 metrics, then closed.
func ingest(into path: String, runs: Int = 200, epochs: Int = 100) throws -> [String: Any] {
    try? FileManager.default.removeItem(atPath: path)
    let store = try RunStore(path: path)
    let start = now()
    for r in 0..<runs {
        var params: [String: ParamValue] = [:]
        for p in 0..<12 {
            let number = Double(r) * 0.001 + Double(p)
            params["param_\(p)"] = p % 2 == 0 ? ParamValue.number(number) : ParamValue.text("value-\(r % 7)")
        }
        let id = try store.startRun(NewRun(configJSON: "{}", params: params, gradbookVersion: "bench"))
        for e in 1...epochs {
            let x = Double(e) / Double(epochs)
            let record = EpochRecord(epoch: e, trainLoss: 1 / (1 + x), testLoss: 1.1 / (1 + x),
                                     trainAccuracy: x * 0.9, testAccuracy: x * 0.85)
            try store.recordEpoch(run: id, record)
        }
        try store.finishRun(run: id, status: .finished)
    }
    let seconds = now() - start
    try store.close()
    let rows = runs * epochs * 4
    return ["seconds": seconds, "rows": rows, "rows_per_second": Double(rows) / seconds]
}

func serve() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("side-by-side-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let store = try RunStore(path: scratch.appendingPathComponent("tracked.sqlite").path)
    while let line = readLine() {
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 2 else { continue }
        var answer: [String: Any]
        do {
            switch words[0] {
            case "train": answer = try train(words[1], engine: words.count > 2 ? words[2] : nil)
            case "diagnosed": answer = try train(words[1], engine: words.count > 2 ? words[2] : nil, diagnostics: true)
            case "tracked": answer = try tracked(words[1], store: store, engine: words.count > 2 ? words[2] : nil)
            case "sweep": answer = try sweep(store: nil)
            case "lockstep-sweep": answer = try lockstepSweep()
            case "diagnosed-lockstep-sweep": answer = try lockstepSweep(diagnostics: true)
            case "tracked-sweep": answer = try sweep(store: store)
            case "tracked-lockstep-sweep": answer = try trackedLockstepSweep(store: store)
            case "checkpoint":
                var overrides: [String: String] = [:]
                if words.count > 2 { overrides["layers"] = words[2] }
                if words.count > 3 { overrides["optimizer"] = words[3] }
                answer = try checkpoint(words[1], overrides: overrides)
            case "ingest": answer = try ingest(into: words[1], runs: words.count > 2 ? Int(words[2]) ?? 200 : 200)
            default: throw BenchmarkFailure(description: "unknown command '\(words[0])'")
            }
        } catch {
            answer = ["error": "\(error)"]
        }
        let json = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }
}

let args = CommandLine.arguments
do {
    switch args.count > 1 ? args[1] : "" {
    case "prepare" where args.count == 4: try prepare(args[2], into: URL(fileURLWithPath: args[3]))
    case "serve": try serve()
    default:
        FileHandle.standardError.write(Data("usage: side-by-side prepare W1|W2|W3|S2 DIR | side-by-side serve\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("side-by-side: \(error)\n".utf8))
    exit(1)
}
