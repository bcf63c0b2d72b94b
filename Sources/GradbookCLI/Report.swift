import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook report SELECTION -o report.html`: one self-contained HTML file of pictures.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML report (inline SVG, no network) of the selected runs.",
        discussion: """
            With --sweep (or a filter whose runs all belong to one sweep): the heat map of --rows × --cols of the \
            --agg of --metric (mean over seeds), loss curves per column value coloured by row value, the runs \
            table and the alerts. For up to --details runs: loss and accuracy, per-layer gradient norms on a \
            log scale with the alert epochs marked, dead units, saturation and weight norms, and histograms of each layer's weights and \
            hidden outputs at --histogram-epochs. For runs on two input \
            columns (the built-in 2-D sets, a two-column CSV file): a sweep's gallery of decision boundaries (one per \
            heat-map cell, the run of --seed), and per detailed run its decision boundary and hidden units with a \
            slider through its snapshots.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The HTML file to write: \(OutputTarget.help).", valueName: "file"))
    var output = "report.html"

    @Option(help: ArgumentHelp("Heat map rows and curve colours.", valueName: "name"))
    var rows = "activation"

    @Option(help: ArgumentHelp("Heat map columns and curve panels.", valueName: "name"))
    var cols = "lr"

    @Option(help: ArgumentHelp("The heat map's metric.", valueName: "name"))
    var metric = "test_loss"

    @Option(help: ArgumentHelp("How a run's curve becomes one number for the heat map: best (at the run's selected epoch: on "
                               + "validation data when it has a validation split), final, mean or median."))
    var agg = "best"

    @Option(help: "Detailed health sections for at most this many runs (the first of the selection). (default: 6, none for a sweep)")
    var details: Int?

    @Option(help: ArgumentHelp("The seed whose runs a sweep's gallery of decision boundaries shows. (default: the lowest)", valueName: "n"))
    var seed: Int64?

    @Option(name: .customLong("histogram-epochs"), help: ArgumentHelp(
        "The epochs of a detailed run's weight and hidden-output histograms, comma-separated; each at the nearest snapshot. "
            + "(default: the first, middle and last snapshots)", valueName: "list"))
    var histogramEpochs: String?

    @OptionGroup var resources: ResourceOptions

    func validate() throws {
        if Aggregate(rawValue: agg) == nil { throw ValidationError("invalid --agg '\(agg)': expected \(Aggregate.choices)") }
        if let details, details < 0 || details > 1000 { throw ValidationError("invalid --details \(details): expected 0 to 1000") }
        _ = try epochs()
    }

    /// `--histogram-epochs` as numbers.
    private func epochs() throws -> [Int]? {
        try histogramEpochs.map { list in
            let items = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            return try items.map { item in
                guard let e = Int(item), e >= 0, items.count <= 20 else {
                    throw ValidationError("invalid --histogram-epochs '\(list)': expected up to 20 epochs (0 or more), comma-separated, e.g. 0,50,100")
                }
                return e
            }
        }
    }

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let ids = try selection.select(in: db)
        guard !ids.isEmpty else { throw SelectionError.noMatch }
        var options = HTMLReport.Options()
        options.rows = try Runs.terms(rows, option: "--rows")[0]
        options.cols = try Runs.terms(cols, option: "--cols")[0]
        options.value = Aggregate(rawValue: agg)!.term(metric)
        try db.checkMetrics([metric])
        let sweeps = Set(try db.table(runs: ids, columns: [Term(name: "sweep")]).rows.map { $0[0] })
        // Runs named one by one get the detailed view; a whole sweep, by name or by filter, the sweep view.
        let isSweep = !selection.sweep.isEmpty || (selection.runs.isEmpty && ids.count > 1 && sweeps.count == 1 && sweeps.first != .null)
        options.details = details ?? (isSweep ? 0 : 6)
        options.title = isSweep ? "Sweep \(sweeps.first?.text ?? "")" : "Gradbook report"
        options.gallerySeed = seed
        options.histogramEpochs = try epochs()
        let models = StoredFields(store: db, memory: try resources.memory())
        let html = try HTMLReport(store: db, runs: ids, sweep: isSweep, options: options, fields: models, activations: models).html()
        try OutputSink.write(Data(html.utf8), to: output, protecting: db.path)
        Console.out(output)
    }
}
