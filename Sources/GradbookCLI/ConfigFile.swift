import ArgumentParser
import Foundation
import Yams

/// A run configuration file (`--config run.yaml`): a YAML mapping whose keys are the long flag
/// names of `gradbook run` (`lr`, `batch-size` or `batch_size`, …). Lists become comma lists:
/// `layers: [8, 8]` is `--layers 8,8`.
struct ConfigFile {
    let path: String
    private var values: [String: String]

    /// The keys a file may hold.
    static let keys: Set<String> = [
        "dataset", "samples", "noise", "train-ratio", "label", "label-kind", "standardize", "stratify",
        "classes", "features", "layers", "activation", "batch-norm", "dropout", "initializer", "optimizer", "lr",
        "batch-size", "epochs", "l1", "l2", "clip-norm", "seed", "evaluate-train", "name", "experiment", "tag",
    ]

    init(path: String) throws {
        self.path = path
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read --config '\(path)': \(error.localizedDescription)")
        }
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch {
            throw ValidationError("--config '\(path)' is not valid YAML: \(error)")
        }
        guard let mapping = document as? [String: Any] else {
            throw ValidationError("--config '\(path)' must be a YAML mapping of option names to values, e.g. 'lr: 0.03'")
        }
        var values: [String: String] = [:]
        for (rawKey, value) in mapping {
            let key = rawKey.lowercased().replacingOccurrences(of: "_", with: "-")
            guard Self.keys.contains(key) else {
                throw ValidationError("unknown key '\(rawKey)' in --config '\(path)': expected one of \(Self.keys.sorted().joined(separator: ", "))")
            }
            values[key] = try Self.text(value, key: rawKey, path: path)
        }
        self.values = values
    }

    private static func text(_ value: Any, key: String, path: String) throws -> String {
        switch value {
        case let list as [Any]: return try list.map { try text($0, key: key, path: path) }.joined(separator: ",")
        case let map as [String: Any]:
            return try map.keys.sorted().map { "\($0)=\(try text(map[$0]!, key: key, path: path))" }.joined(separator: ",")
        case let b as Bool: return b ? "true" : "false"
        case let s as String: return s
        case let n as Int: return String(n)
        case let d as Double: return String(d)
        default: throw ValidationError("key '\(key)' in --config '\(path)' has an unsupported value '\(value)'")
        }
    }

    /// The text given for `key`, if any.
    func string(_ key: String) -> String? { values[key] }

    /// The value of `key` read as `T`, if given; an error names the key and file otherwise.
    func value<T: LosslessStringConvertible>(_ key: String, as: T.Type = T.self) throws -> T? {
        guard let text = values[key] else { return nil }
        if T.self == Bool.self, let b = ["true": true, "yes": true, "on": true, "false": false, "no": false, "off": false][text.lowercased()] {
            return b as? T
        }
        guard let v = T(text) else {
            throw ValidationError("invalid \(key) '\(text)' in --config '\(path)': expected \(Self.expectation(T.self))")
        }
        return v
    }

    private static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is Int.Type, is UInt64.Type: "a whole number"
        default: "a number"
        }
    }
}
