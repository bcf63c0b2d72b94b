import ArgumentParser

/// `--format text|json` for commands that print one result (`run`, `sweep`, `show`, `eval`):
/// text for people, or one JSON document on stdout for scripts.
struct ResultFormat: ParsableArguments {
    enum Kind: String, CaseIterable, ExpressibleByArgument {
        /// `table` is the same as `text` here, as other commands call their format for people.
        case text, table, json
    }

    @Option(name: .customLong("format"), help: "text (or table), or json for scripts (one document on standard output).")
    var kind: Kind = .text

    var isJSON: Bool { kind == .json }
}
