// Property-based fuzzing of what users type and point Gradbook at: the filter language, sweep
// specs, run configuration files and output paths.
//
//   swift run -c release fuzz filter|spec|config|output [--seconds 600] [--seed 1]
//
// filter: random filters, sort keys and column lists — grammar-built from real and hostile names,
//   operators, functions and literals (quotes, Unicode, SQL keywords, 100 KB strings, huge and
//   odd numbers), then mutated character by character — run against a real store. The property:
//   every input is either answered or refused with a query error naming a column; never a crash,
//   and never an SQL error (which would mean Gradbook wrote invalid SQL).
// spec: valid sweep specs mutated in their structure (values replaced by odd scalars, lists, maps;
//   keys dropped or doubled) and in their bytes, parsed and then planned. The property: a spec
//   is accepted and plans into checked configurations, or it is refused with a SweepSpecError or
//   a settings error; never a crash, never another kind of error, never a runaway expansion.
// config: run configuration files (--config) built the same way, with anchors, aliases and alias
//   bombs, deep nesting and hostile scalars. The property: read into a configuration or refused
//   with a SettingsError in well under a second, never a crash or a runaway expansion.
// output: output paths spelled from the store's own names, its -wal/-shm, links to them, folders,
//   other databases, devices and odd characters. The property: each is refused with an
//   OutputError and the file there stays as it was, or it holds exactly what was written; the
//   store, its neighbours and other databases never change, and no temporary file is left.
import Datasets
import Experiments
import GRDB
import Foundation
import GradbookTestSupport
import Tracking

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    return v
}
let mode = arguments.dropFirst().first { !$0.hasPrefix("--") && Int($0) == nil } ?? "filter"
let seconds = Double(option("--seconds", 600))
nonisolated(unsafe) var rng = SeededGenerator(seed: UInt64(option("--seed", 1)))

func pick<T>(_ items: [T]) -> T { items[rng.below(items.count)] }
func chance(_ p: Double) -> Bool { rng.uniform(0, 1) < p }

let hostileText = ["'", "''", "\"", "\\", "%", "_", "; DROP TABLE runs; --", "é", "漢字", "🧪", "\u{0}", "\n", "\t", "NULL", "SELECT",
                   String(repeating: "x", count: 100_000), "relu", "0.1", ")", "(", ",", "-- ", "/*", "*/"]
let numbers = ["0", "1", "-1", "0.1", "1e-3", "-2.5e+10", "1e308", "1e400", "9223372036854775807", "99999999999999999999", ".5", "5.",
               "1e", "0x10", "-0", "nan", "inf", "1.2.3"]

/// Mutates text: inserts, deletes or replaces a few characters from a nasty alphabet.
func mutate(_ text: String) -> String {
    var chars = Array(text)
    let alphabet = Array("()'\",.=<>!_%:;-+eE0123456789 \t\nabcxyz\u{0}é🧪\\")
    for _ in 0..<(1 + rng.below(4)) {
        let i = chars.isEmpty ? 0 : rng.below(chars.count + 1)
        switch rng.below(3) {
        case 0: chars.insert(pick(alphabet), at: i)
        case 1: if i < chars.count { chars.remove(at: i) }
        default: if i < chars.count { chars[i] = pick(alphabet) }
        }
    }
    return String(chars)
}

// MARK: - Filters

func filterFuzz() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try QueryFixture.make(at: folder.appendingPathComponent("f.sqlite").path)
    let names = ["lr", "activation", "batch_size", "layers", "id", "uuid", "name", "status", "sweep", "experiment", "created", "started",
                 "ended", "epochs_done", "duration", "host", "error", "tag.team", "tag.x", "tags.team", "param.lr", "params.seed", "alerts",
                 "alert.dead_relu", "alert.nan", "alert.bogus", "test_loss", "train_loss", "test_accuracy", "grad_norm", "dead_units",
                 "dead_fraction", "saturated_fraction", "seconds", "learning_rate", "bogus", "lrr", "SELECT", "runs", "r.id", "_", "a.b.c"]
    let functions = FilterParser.functions + ["foo", "sum", "avg"]
    func literal() -> String {
        switch rng.below(4) {
        case 0: return pick(numbers)
        case 1: return "'" + pick(hostileText).replacingOccurrences(of: "'", with: chance(0.8) ? "''" : "'") + "'"
        case 2: return "\"" + pick(hostileText).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        default: return pick(["true", "false", "null"])
        }
    }
    func term() -> String {
        if chance(0.3) {
            let f = pick(functions), m = pick(names)
            return f == "at" || chance(0.1) ? "\(f)(\(m), \(pick(numbers)))" : "\(f)(\(m))"
        }
        return pick(names)
    }
    func operand() -> String { chance(0.5) ? term() : literal() }
    func predicate(_ depth: Int) -> String {
        switch rng.below(depth > 3 ? 5 : 8) {
        case 0: return "\(operand()) \(pick(["=", "!=", "<>", "<", "<=", ">", ">=", "==", "=<"])) \(operand())"
        case 1: return "\(term()) \(chance(0.3) ? "not " : "")in (\((0..<(1 + rng.below(4))).map { _ in operand() }.joined(separator: ", ")))"
        case 2: return "\(term()) \(chance(0.3) ? "not " : "")like \(literal())"
        case 3: return "\(term()) is \(chance(0.5) ? "not " : "")null"
        case 4: return "\(term()) < \(pick(numbers))"
        case 5: return "(\(predicate(depth + 1)) \(pick(["and", "or", "AND", "Or"])) \(predicate(depth + 1)))"
        case 6: return "not \(predicate(depth + 1))"
        default: return "\(predicate(depth + 1)) \(pick(["and", "or"])) \(predicate(depth + 1))"
        }
    }
    var iterations = 0, answered = 0, refused = 0, failures: [String] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        var text = predicate(0)
        if chance(0.5) { text = mutate(text) }
        var selection = RunSelection(filter: text)
        if chance(0.2) { selection.sort = chance(0.5) ? term() + (chance(0.5) ? ":desc" : "") : mutate(term()) }
        if chance(0.1) { selection.tags = [pick(hostileText) + "=" + pick(hostileText)] }
        do {
            _ = try store.select(selection)
            if chance(0.2) { _ = try store.table(runs: [1, 2, 3, 4], columns: FilterParser.terms(mutate(term()))) }
            answered += 1
        } catch StoreError.invalidQuery(let e) {
            refused += 1
            if e.column < 1 || e.message.isEmpty { failures.append("a refusal without a place: \(text) → \(e)") }
        } catch let error as FilterError {
            refused += 1
            if error.column < 1 { failures.append("no column: \(text)") }
        } catch {
            failures.append("\(text.prefix(300)) → \(error)")
        }
        iterations += 1
        if failures.count > 20 { break }
    }
    let tables = try store.runs().count
    if tables != 4 { failures.append("the store changed: \(tables) runs") }
    report("filter", iterations, answered, refused, failures)
}

// MARK: - Specs

func specFuzz() {
    let seeds = [
        """
        method: random
        count: 40
        seed: 7
        metric: {name: test_loss, goal: minimize}
        parameters:
          activation: {values: [relu, tanh, gelu]}
          lr: {distribution: log_uniform_values, min: 0.001, max: 0.3}
          batch_size: {distribution: int_uniform, min: 8, max: 64}
          layers: {values: [[8, 8], [16, 16], [32]]}
          epochs: {value: 300}
        """,
        """
        method: grid
        metric: {name: test_accuracy, goal: maximize}
        parameters:
          activation: [relu, tanh, sigmoid, leaky_relu]
          lr: {values: [0.3, 0.1, 0.03, 0.01]}
          seed: {values: [1, 2, 3]}
          features: {values: ["x,y", "x,y,xy"]}
          dataset: circle
        """,
    ]
    let scalars = ["0", "-1", "1e400", "9223372036854775807", "-9223372036854775808", ".inf", "-.inf", ".nan", "~", "null", "''", "\"\"",
                   "[]", "{}", "[1, [2, [3]]]", "{min: 1}", "{distribution: uniform, min: .inf, max: 1}", "{distribution: int_uniform, min: -9223372036854775808, max: 9223372036854775807}",
                   "{values: [\(Array(repeating: "1", count: 500).joined(separator: ","))]}", "&a [1]", "*a", "!!binary aGVsbG8=", "yes", "relu,tanh",
                   "'; DROP TABLE runs; --'", "🧪", String(repeating: "z", count: 100_000), "{distribution: log_uniform_values, min: 0, max: 1}",
                   "{distribution: categorical, values: []}", "{distribution: constant, value: 3}", "100001", "grid", "random",
                   aliasBomb(), String(repeating: "[", count: 5_000)]
    var iterations = 0, accepted = 0, refused = 0, failures: [String] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let text = mutateYAML(pick(seeds), scalars: scalars, keys: ["  lr", "  activation", "  bogus", "count", "  epochs", "  batch-size", "playground"])
        do {
            let spec = try SweepSpec.parse(yaml: text, source: "fuzz.yaml")
            _ = try SweepPlan(name: nil, spec: spec, base: RunSettings(["epochs": "1"]))
            accepted += 1
        } catch is SweepSpecError {
            refused += 1
        } catch is SettingsError {
            refused += 1
        } catch {
            // Datasets and training checks are proper refusals too, as long as they are typed.
            let type = String(describing: Swift.type(of: error))
            if ["DatasetError", "TrainingError"].contains(type) { refused += 1 } else { failures.append("\(text.prefix(400)) → \(type): \(error)") }
        }
        iterations += 1
        if failures.count > 20 { break }
    }
    report("spec", iterations, accepted, refused, failures)
}

/// A YAML text changed in one to three places: a value replaced by an odd scalar, a line
/// dropped or doubled, a `key: scalar` line inserted, or a line's characters mutated.
func mutateYAML(_ text: String, scalars: [String], keys: [String]) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for _ in 0..<(1 + rng.below(3)) {
        let i = rng.below(lines.count)
        switch rng.below(5) {
        case 0: if let colon = lines[i].firstIndex(of: ":") { lines[i] = String(lines[i][...colon]) + " " + pick(scalars) }
        case 1: lines.remove(at: i)
        case 2: lines.insert(lines[i], at: i)
        case 3: lines.insert(pick(keys) + ": " + pick(scalars), at: i)
        default: lines[i] = mutate(lines[i])
        }
        if lines.isEmpty { lines = [""] }
    }
    return lines.joined(separator: "\n")
}

/// Nested anchors and aliases that stand for 10^k values in a few hundred bytes.
func aliasBomb() -> String {
    let levels = 3 + rng.below(7)
    var text = "&l0 [x, x, x, x, x, x, x, x, x, x]"
    for level in 1...levels {
        text = "[\(text), &l\(level) [\(Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", "))]]"
    }
    return text
}

// MARK: - Configuration files

func configFuzz() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("run.yaml").path
    let seeds = [
        "dataset: circle\nlayers: [8, 8]\nactivation: relu\nlr: 0.03\nepochs: 50\nname: base\ntag: team=vision\n",
        "playground: \"#activation=tanh&learningRate=0.03&networkShape=4,2&dataset=spiral\"\nbatch-size: 10\nseed: 3\n",
        "defaults: &d {lr: 0.1}\nlr: 0.1\noptimizer: adam\nl2: 0.001\nfeatures: [x, y, xy]\nsnapshots: none\n",
    ]
    let keys = RunOption.keys + ConfigFile.runKeys + ["bogus", "batch_size", "layers", "tags"]
    let scalars = ["0", "-1", "1e400", "9223372036854775807", ".inf", ".nan", "~", "''", "[]", "{}", "[1, [2, [3]]]", "{a: 1}", "yes", "no",
                   "relu,tanh", "\"a\\0b\"", "\"\\e[31mred\"", "🧪", String(repeating: "z", count: 100_000), "&a [1]", "*a", "*missing",
                   "!!binary aGVsbG8=", "!!python/object:os.system ls", aliasBomb(), String(repeating: "[", count: 5_000),
                   String(repeating: "{a: ", count: 500) + "1" + String(repeating: "}", count: 500)]
    var iterations = 0, accepted = 0, refused = 0, failures: [String] = []
    var slowest = 0.0
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let text = mutateYAML(pick(seeds), scalars: scalars, keys: keys)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let start = Date()
        do {
            let config = try ConfigFile(path: file)
            _ = try config.settings.configuration()
            accepted += 1
        } catch {
            // Typed throws: only a SettingsError can arrive here; its message must name the file.
            refused += 1
            if !"\(error)".contains("run.yaml") && !"\(error)".contains("invalid") { failures.append("\(text.prefix(300)) → a message without the file: \(error)") }
        }
        let took = Date().timeIntervalSince(start)
        slowest = max(slowest, took)
        if took > 1 { failures.append("\(text.prefix(300)) took \(took) s") }
        iterations += 1
        if failures.count > 20 { break }
    }
    print(String(format: "slowest file: %.3f s", slowest))
    report("config", iterations, accepted, refused, failures)
}

// MARK: - Output paths

func outputFuzz() throws {
    // The files live five folders down a scratch folder, which is also the working folder, so
    // that no spelling (at most three '..') reaches outside it.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gradbook-fuzz-\(UUID().uuidString)")
    let folder = scratch.appendingPathComponent("1/2/3/4/5")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let fm = FileManager.default
    let working = fm.currentDirectoryPath
    fm.changeCurrentDirectoryPath(folder.path)
    defer { fm.changeCurrentDirectoryPath(working) }
    let storePath = folder.appendingPathComponent("store.sqlite").path
    let store = try QueryFixture.make(at: storePath)
    let other = folder.appendingPathComponent("other.sqlite").path
    try RunStore(path: other).close()
    try fm.createDirectory(atPath: folder.appendingPathComponent("sub").path, withIntermediateDirectories: true)
    try fm.createSymbolicLink(atPath: folder.appendingPathComponent("sub/wal-link").path, withDestinationPath: storePath + "-wal")
    try fm.createSymbolicLink(atPath: folder.appendingPathComponent("up").path, withDestinationPath: folder.appendingPathComponent("sub").path)
    try fm.createSymbolicLink(atPath: folder.appendingPathComponent("dangling").path, withDestinationPath: folder.appendingPathComponent("nowhere/x").path)
    _ = link(storePath, folder.appendingPathComponent("sub/hard").path)
    let protected = [storePath, other, folder.appendingPathComponent("sub/hard").path]
    func fingerprint() throws -> [Data] { try protected.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } }
    let rows = try store.runs().count
    let before = try fingerprint()
    let parts = ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm", "store.sqlite-journal", "other.sqlite", "sub", "sub/", "sub/wal-link",
                 "sub/hard", "up", "up/", "dangling", ".", "..", "", "//", "./", "new.csv", "out.svg", "-", "/dev/null", "/dev/zero",
                 "/dev/full", "nowhere/", "é🧪", " ", "\n", "*", "~", "STORE.sqlite", "store.sqlite.", "sub/../store.sqlite"]
    var iterations = 0, written = 0, refused = 0, failures: [String] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        var path = (0..<(1 + rng.below(3))).map { _ in pick(parts) }.joined(separator: pick(["/", "", "//"]))
        if chance(0.3) && !path.hasPrefix("/") { path = folder.path + "/" + path }
        if chance(0.1) { path = mutate(path) }
        // Standard output stays out of a fuzzing run's way, and the scratch folder holds every file.
        if path == "-" || path.components(separatedBy: "..").count > 4 || (path.hasPrefix("/") && !path.hasPrefix(scratch.path) && !path.hasPrefix("/dev/")) { continue }
        let payload = Data("fuzz \(iterations)\n".utf8)
        if ProcessInfo.processInfo.environment["FUZZ_TRACE"] != nil { FileHandle.standardError.write(Data((path.debugDescription + "\n").utf8)) }
        let earlier = fm.contents(atPath: path)
        do {
            try OutputSink.write(payload, to: path, protecting: storePath)
            written += 1
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, fm.contents(atPath: path) != payload {
                failures.append("\(path): written but holds something else")
            }
        } catch let error as OutputError {
            refused += 1
            if fm.contents(atPath: path) != earlier { failures.append("\(path): refused (\(error)) but changed") }
        } catch {
            failures.append("\(path) → \(type(of: error)): \(error)")
        }
        if try fingerprint() != before { failures.append("\(path): the store or another database changed"); break }
        if ProcessInfo.processInfo.environment["FUZZ_TRACE"] != nil,
           let left = (fm.enumerator(atPath: scratch.path)?.allObjects as? [String])?.first(where: { $0.contains(".partial-") }) {
            failures.append("\(path.debugDescription) left \(left)")
            try? fm.removeItem(atPath: scratch.path + "/" + left)
        }
        iterations += 1
        if failures.count > 20 { break }
    }
    let leftovers = (fm.enumerator(atPath: scratch.path)?.allObjects as? [String] ?? []).filter { $0.contains(".partial-") }
    if !leftovers.isEmpty { failures.append("temporary files left: \(leftovers.prefix(5))") }
    if try store.runs().count != rows { failures.append("the store lost runs") }
    report("output", iterations, written, refused, failures)
}

func report(_ name: String, _ iterations: Int, _ answered: Int, _ refused: Int, _ failures: [String]) {
    print("\(name) fuzzing: \(iterations) inputs in \(Int(seconds)) s; \(answered) answered, \(refused) refused with a proper error; failures: \(failures.count)")
    for f in failures.prefix(20) { print("  failure: \(f)") }
    if !failures.isEmpty { exit(1) }
}

switch mode {
case "spec": specFuzz()
case "config": try configFuzz()
case "output": try outputFuzz()
default: try filterFuzz()
}
