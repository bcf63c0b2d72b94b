// Measures what tracking costs: the same training with and without diagnostics and the store.
//
//   swift run -c release tracking-cost [--epochs 30] [--repeats 5]
//
// Workload (issue 4): a 64-128-64-10 ReLU net, He init, Adam lr 1e-3, batch 32, on a generated
// 1,797 × 64 ten-class set (Gaussian blobs, the shape of scikit-learn's digits), 80/20 split.
// A: the bare trainer (no gradient norms, no activation statistics, no store).
// B: gradbook's Runner with every always-on diagnostic, alerts, the store (one transaction per
//    epoch) and weight snapshots every 10 epochs (plus initial, best and final).
// A and B alternate (A B A B …) after a warm-up; medians and min–max are reported, and B / A.
import Datasets
import Experiments
import Foundation
import Neural
import Tracking

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

let epochs = argument("--epochs", default: 30), repeats = argument("--repeats", default: 11)
let settings = RunSettings([
    "dataset": "blobs", "samples": "1797", "dimensions": "64", "classes": "10", "noise": "50", "train-ratio": "80",
    "layers": "128,64", "activation": "relu", "initializer": "he", "optimizer": "adam", "lr": "0.001",
    "batch-size": "32", "epochs": "\(epochs)", "snapshot-every": "10",
])
let config = try settings.configuration()
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let store = try RunStore(path: folder.appendingPathComponent("bench.sqlite").path)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A: training alone. The trainer is built outside the timing (data generation is not timed).
func bare() throws -> Double {
    let trainer = try config.makeTrainer(blasThreads: 1)
    trainer.collectsDiagnostics = false
    return seconds { _ = trainer.train { _ in .proceed } }
}

/// B: training with diagnostics, alerts, snapshots and the store.
func tracked() throws -> Double {
    let trainer = try config.makeTrainer(blasThreads: 1)
    return try seconds { _ = try Runner(store: store).run(config, trainer: trainer, version: "bench") }
}

/// C: the trainer gathering diagnostics, with no store (to see where the cost lies).
func diagnosticsOnly() throws -> Double {
    let trainer = try config.makeTrainer(blasThreads: 1)
    return seconds { _ = trainer.train { _ in .proceed } }
}

/// D: the store without snapshots.
func trackedWithoutSnapshots() throws -> Double {
    var c = config
    c.tracking.snapshots = false
    let trainer = try c.makeTrainer(blasThreads: 1)
    return try seconds { _ = try Runner(store: store).run(c, trainer: trainer, version: "bench") }
}

_ = try bare()
_ = try tracked()
var a: [Double] = [], b: [Double] = [], c: [Double] = [], d: [Double] = []
for _ in 0..<repeats {
    a.append(try bare())
    b.append(try tracked())
    c.append(try diagnosticsOnly())
    d.append(try trackedWithoutSnapshots())
}
func median(_ x: [Double]) -> Double { let s = x.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
func row(_ name: String, _ x: [Double]) -> String {
    name.padding(toLength: 44, withPad: " ", startingAt: 0)
        + String(format: " %9.2f ms %9.2f–%.2f ms %8.3f ms/epoch", median(x) * 1000, x.min()! * 1000, x.max()! * 1000,
           median(x) / Double(epochs) * 1000)
}
print("tracking cost: 64-128-64-10 ReLU, Adam, batch 32, 1,797 × 64 blobs 80/20, \(epochs) epochs, \(repeats) repeats, 1 BLAS thread")
print(row("A bare training", a))
print(row("B diagnostics + store + snapshots every 10", b))
print(row("C diagnostics, no store", c))
print(row("D diagnostics + store, no snapshots", d))
print(String(format: "B / A = %.3f by medians, %.3f by minima: tracking costs %.1f %% of training time (goal: at most 5 %%)",
             median(b) / median(a), b.min()! / a.min()!, (median(b) / median(a) - 1) * 100))
