import Foundation
import Yams

/// A run configuration file (`--config run.yaml`): a YAML mapping whose keys are the run options'
/// (``RunOption/keys``; `batch-size` or `batch_size`) plus `name`, `experiment` and `tag`. Lists
/// become comma lists: `layers: [8, 8]` is `--layers 8,8`.
public struct ConfigFile: Sendable {
    public let path: String
    private var values: [String: String]

    /// Keys about the run rather than its training.
    public static let runKeys = ["name", "experiment", "tag"]

    /// Reads and checks the file: every key known, every value valid, errors naming the file.
    public init(path: String) throws(SettingsError) {
        self.path = path
        let source = "--config '\(path)'"
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(source: source, reason: error.localizedDescription)
        }
        let document: Any?
        do {
            // Counted before anything expands its aliases.
            if let node = try Yams.compose(yaml: text), YAMLBudget.expandedSize(of: node) == nil {
                throw SettingsError.unreadable(source: source, reason: "it expands to more than \(YAMLBudget.maxValues) values through its "
                                               + "anchors and aliases; refusing to expand it")
            }
            document = try Yams.load(yaml: text)
        } catch let error as SettingsError {
            throw error
        } catch {
            throw .unreadable(source: source, reason: "not valid YAML: \(YAMLBudget.message(error))")
        }
        guard let mapping = document as? [String: Any] else {
            throw .unreadable(source: source, reason: "expected a YAML mapping of option names to values, e.g. 'lr: 0.03'")
        }
        var values: [String: String] = [:]
        for (rawKey, value) in mapping {
            let key = RunSettings.canonical(rawKey)
            guard RunOption.named(key) != nil || Self.runKeys.contains(key) else {
                throw .unknownKey(key: rawKey, known: RunOption.keys + Self.runKeys, source: source)
            }
            values[key] = try Self.text(value, key: rawKey, source: source)
        }
        self.values = values
        do { _ = try settings.configuration() } catch {
            guard case let .invalid(key, value, expected, _) = error else { throw error }
            throw .invalid(key: key, value: value, expected: expected, source: source)
        }
    }

    private static func text(_ value: Any, key: String, source: String) throws(SettingsError) -> String {
        switch value {
        case let list as [Any]:
            var items: [String] = []
            for item in list { items.append(try text(item, key: key, source: source)) }
            return items.joined(separator: ",")
        case let map as [String: Any]:
            var items: [String] = []
            for k in map.keys.sorted() { items.append("\(k)=\(try text(map[k]!, key: key, source: source))") }
            return items.joined(separator: ",")
        case let b as Bool: return b ? "true" : "false"
        case let s as String: return s
        case let n as Int: return String(n)
        case let d as Double: return String(d)
        default: throw .invalid(key: key, value: "\(value)", expected: "a number, text, true/false or a list", source: source)
        }
    }

    /// The text given for `key`, if any (`name`, `experiment`, `tag`, or an option).
    public func string(_ key: String) -> String? { values[key] }

    /// The run options the file holds.
    public var settings: RunSettings {
        RunSettings(values.filter { !Self.runKeys.contains($0.key) })
    }
}
