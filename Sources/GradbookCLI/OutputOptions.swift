import ArgumentParser
import Tracking

/// `--format` and `-o`, for commands that print rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: ArgumentHelp("table, csv (RFC 4180), tsv, json or jsonl. (default: table for people, csv for export)",
                                                            valueName: "format"))
    var formatName: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file instead of standard output: \(OutputTarget.help).",
                                                                      valueName: "file"))
    var output: String?

    func validate() throws {
        if let formatName, OutputFormat(rawValue: formatName) == nil {
            throw ValidationError("invalid --format '\(formatName)': expected one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The format asked for, if any.
    var format: OutputFormat? { formatName.flatMap(OutputFormat.init(rawValue:)) }

    /// A writer in the chosen format (or `fallback`) to the chosen file or stdout, never onto
    /// the store being read.
    func writer(default fallback: OutputFormat, protecting store: RunStore) throws -> TableWriter {
        TableWriter(format: format ?? fallback, sink: try sink(protecting: store))
    }

    /// The chosen file or stdout.
    func sink(protecting store: RunStore) throws -> OutputSink {
        try output.map { path throws(OutputError) in try OutputSink.file(path, protecting: store.path) } ?? .standardOutput()
    }
}
