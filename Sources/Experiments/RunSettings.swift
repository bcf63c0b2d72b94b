import Datasets
import Foundation
import Neural

/// A run's options as text, keyed by the long flag names of `gradbook run` (`lr`,
/// `batch-size`, …), as they come from flags, YAML files and sweep specs; turned into a
/// ``RunConfiguration`` by the table of ``RunOption``s, so every source gets the same checks
/// and messages.
public struct RunSettings: Sendable, Hashable, Codable {
    /// Values given, by key; missing keys take their option's default.
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// `key` in canonical form: lower case, `-` for `_`.
    public static func canonical(_ key: String) -> String {
        key.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// These settings with `other`'s values on top.
    public func merging(_ other: RunSettings) -> RunSettings {
        RunSettings(values.merging(other.values) { $1 })
    }

    /// Checks that every key is an option; `source` names where the keys came from in messages.
    public func checkKeys(source: String? = nil) throws(SettingsError) {
        for key in values.keys.sorted() where RunOption.named(key) == nil {
            throw .unknownKey(key: key, known: RunOption.keys, source: source)
        }
    }

    /// Whether a value was given for `key` (rather than its default).
    public func isGiven(_ key: String) -> Bool { values[key] != nil }

    /// The value of `key`: the one given, else its option's default, else empty.
    public func text(_ key: String) -> String { values[key] ?? RunOption.named(key)?.defaultValue ?? "" }

    /// The configuration these settings describe; a bad value is an error naming it.
    ///
    /// A `playground` link's state fills every option the other settings leave unset.
    public func configuration() throws(SettingsError) -> RunConfiguration {
        guard let link = values["playground"] else { return try resolved() }
        return try RunSettings(PlaygroundLink(parsing: link).settings.merging(values) { $1 }).resolved()
    }

    /// Every option, in table order, applied to a blank configuration: the value given, or the
    /// option's default.
    private func resolved() throws(SettingsError) -> RunConfiguration {
        try checkKeys()
        for (key, value) in values.sorted(by: { $0.key < $1.key }) where value.contains("\u{0}") {
            throw .invalid(key: key, value: value.replacingOccurrences(of: "\u{0}", with: "\\0"), expected: "text without NUL bytes")
        }
        var config = RunConfiguration.blank
        for option in RunOption.all {
            guard let text = values[option.key] ?? option.defaultValue else { continue }
            try option.apply(text, self, &config)
        }
        do { try config.training.validate() } catch {
            if case let .invalidConfiguration(name, value, expected) = error { throw .invalid(key: name, value: value, expected: expected) }
            throw .invalid(key: "configuration", value: "", expected: error.description)
        }
        return config
    }

    /// The configuration `base` with the options given here applied on top of it (`eval` on
    /// other data: only the data options change).
    public func applied(to base: RunConfiguration) throws(SettingsError) -> RunConfiguration {
        try checkKeys()
        var config = base
        for option in RunOption.all where values[option.key] != nil {
            try option.apply(values[option.key]!, self, &config)
        }
        return config
    }
}
