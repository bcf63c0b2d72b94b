import Tracking

/// One option of a run, declared once: its key (the long flag), what it means, its default, how
/// its text is read and checked, how it shapes the ``RunConfiguration``, whether and how it is
/// stored, and whether a sweep may vary it or a Playground link set it.
///
/// Everything else derives from ``RunOption/all``: the flags of `gradbook run` and `gradbook
/// sweep` with their help and defaults, the keys of `--config` files and of sweep specs, the
/// parameters stored with every run, the options `eval` takes, and the keys a Playground link
/// may set. Adding an option is one entry in `RunOption+Table.swift`.
///
/// ## Topics
/// - ``all``, ``named(_:)``
/// - ``key``, ``param``, ``defaultValue``, ``help``
public struct RunOption: Sendable {
    /// What part of a run an option shapes: the order of help texts, and which options `eval`
    /// accepts (the data ones).
    public enum Group: String, Sendable, CaseIterable {
        case source, data, network, training, tracking
    }

    /// How a list given to the flag of `gradbook sweep` becomes alternatives.
    public enum SweepSplit: Sendable {
        /// Not varied by a sweep.
        case none
        /// `relu,tanh`: one alternative per comma.
        case comma
        /// `8,8/16,16`: the value is itself a comma list, alternatives are split by `/`.
        case slash
    }

    /// The long flag name, and the key in `--config` files and sweep specs (`batch-size`;
    /// `batch_size` is read too).
    public let key: String
    public let group: Group
    /// One sentence for `--help`.
    public let help: String
    /// The placeholder in `--help` (`<lr>`).
    public let valueName: String
    /// A boolean written `--key` / `--no-key`.
    public let isFlag: Bool
    /// The value when none is given, as text; `nil` when unset means "decided by other options".
    public let defaultValue: String?
    /// What `--help` says of the default when it is not simply ``defaultValue``.
    public let defaultNote: String?
    /// How `gradbook sweep` splits a list given to this flag.
    public let sweep: SweepSplit
    /// The keys of a TensorFlow Playground link that set this option.
    public let playgroundKeys: [String]
    /// The name of the parameter stored with every run, or `nil` when the option is folded
    /// into others (`regularization` sets `l1` or `l2`).
    public let param: String?
    /// Reads `text` (the given value or the default) into the configuration; `settings` are the
    /// run's other options, for the few that depend on each other.
    let apply: @Sendable (_ text: String, _ settings: RunSettings, _ config: inout RunConfiguration) throws(SettingsError) -> Void
    /// The stored parameter's value in a configuration (`nil`: not stored for it, e.g. `noise`
    /// of a CSV file).
    let read: @Sendable (RunConfiguration) -> ParamValue?

    /// The text `--help` appends: `(default: 0.03)`.
    public var defaultHelp: String? {
        if let defaultNote { return "(default: \(defaultNote))" }
        guard let defaultValue else { return nil }
        return "(default: \(isFlag ? (defaultValue == "true" ? "on" : "off") : defaultValue))"
    }

    /// Whether `gradbook sweep` may vary it.
    public var isSweepable: Bool { sweep != .none }

    /// The option of a key (`batch_size` and `batch-size` alike).
    public static func named(_ key: String) -> RunOption? { index[RunSettings.canonical(key)] }

    /// Every key, in the order of ``all``.
    public static let keys = all.map(\.key)

    private static let index = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
}

extension RunOption {
    /// The options a Playground link may set, by link key.
    public static var playgroundKeys: [String] { all.flatMap(\.playgroundKeys) }

    /// Parameters stored with every run that no option sets: they describe the others.
    public static let derivedParams = ["depth"]
}
