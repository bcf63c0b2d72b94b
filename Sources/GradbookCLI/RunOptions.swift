import ArgumentParser
import Experiments
import Foundation

/// The options that define a run, shared by `run`, `sweep` and `eval`: one flag per entry of
/// ``RunOption/all`` (name, help, default and kind come from the table), kept as the text the
/// user typed. ``RunSettings`` turns them into a configuration, and `sweep` reads lists in them
/// as axes. Each may also come from `--config FILE.yaml`; a flag wins over the file.
///
/// ArgumentParser finds a command's arguments by reflecting on a value of its type: this type
/// shows it one `Option` (or, for booleans, one `Flag` with a `--no-` form) per table entry,
/// and reads them back by key, so the table is the only list of run flags.
struct RunOptions: ParsableArguments, CustomReflectable {
    @Option(help: "A YAML file with any of these options (keys as the long flag names); flags override it.")
    var config: String?

    /// The values given on the command line, by option key.
    private(set) var given: [String: String] = [:]

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: OptionKey.self)
        config = try container.decode(Option<String?>.self, forKey: OptionKey("config")).wrappedValue
        for option in RunOption.all {
            let key = OptionKey(option.key)
            if option.isFlag {
                if let on = try container.decode(Flag<Bool?>.self, forKey: key).wrappedValue { given[option.key] = String(on) }
            } else if let text = try container.decode(Option<String?>.self, forKey: key).wrappedValue {
                given[option.key] = text
            }
        }
    }

    var customMirror: Mirror {
        var children: [Mirror.Child] = [(label: "_config", value: _config)]
        for option in RunOption.all {
            let help = ArgumentHelp([option.help, option.defaultHelp].compactMap { $0 }.joined(separator: " "), valueName: option.valueName)
            let argument: Any = option.isFlag
                ? Flag<Bool?>(name: .customLong(option.key), inversion: .prefixedNo, help: help)
                : Option<String?>(name: .customLong(option.key), help: help)
            children.append((label: "_" + option.key, value: argument))
        }
        return Mirror(self, children: children)
    }

    /// The options given on the command line, by key.
    var flagSettings: RunSettings { RunSettings(given) }

    /// Says on stderr which keys of the `--playground` link (or of the config file's
    /// `playground`) were used and which ignored.
    func reportPlayground() throws {
        guard let link = try settings().values["playground"] else { return }
        Console.error(try PlaygroundLink(parsing: link).report)
    }

    /// The configuration file, when `--config` names one.
    func configFile() throws -> ConfigFile? { try config.map(ConfigFile.init(path:)) }

    /// Defaults, then the file, then the flags.
    func settings() throws -> RunSettings {
        (try configFile()?.settings ?? RunSettings()).merging(flagSettings)
    }

    /// The run these options describe; a bad value is a usage error naming it.
    func configuration() throws -> RunConfiguration {
        try settings().configuration()
    }
}

/// A coding key named at run time: how ArgumentParser's decoder finds the value of an option
/// it was shown by ``RunOptions/customMirror``.
private struct OptionKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
