import ArgumentParser
import Experiments
import Foundation
import Yams

/// A run configuration file (`--config run.yaml`): a YAML mapping whose keys are the long flag
/// names of `gradbook run` (`lr`, `batch-size` or `batch_size`, …). Lists become comma lists:
/// `layers: [8, 8]` is `--layers 8,8`.
struct ConfigFile {
    let path: String
    private var values: [String: String]

    /// Keys about the run rather than its training.
    static let runKeys = ["name", "experiment", "tag"]

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
            let key = RunSettings.canonical(rawKey)
            guard RunOption.named(key) != nil || Self.runKeys.contains(key) else {
                throw SettingsError.unknownKey(key: rawKey, known: RunOption.keys + Self.runKeys, source: "--config '\(path)'")
            }
            values[key] = try Self.text(value, key: rawKey, path: path)
        }
        self.values = values
        try Self.check(RunSettings(values.filter { !Self.runKeys.contains($0.key) }), path: path)
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

    /// Checks the file's own values, so that an error names the file.
    private static func check(_ settings: RunSettings, path: String) throws {
        do {
            _ = try settings.configuration()
        } catch {
            guard case let .invalid(key, value, expected, _) = error else { throw error }
            throw SettingsError.invalid(key: key, value: value, expected: expected, source: "--config '\(path)'")
        }
    }

    /// The training settings the file holds.
    var settings: RunSettings {
        RunSettings(values.filter { !Self.runKeys.contains($0.key) })
    }
}
