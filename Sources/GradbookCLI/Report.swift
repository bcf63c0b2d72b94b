import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook report SELECTION -o report.html`: one self-contained HTML file of pictures.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
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
            With --watch, the report is rewritten (atomically) every --interval seconds while any selected run is \
            running, and the page, opened from the file, reloads itself meanwhile; the command ends when every run has.
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

    @Flag(help: "Keep rewriting the report while any selected run is running (the page reloads itself meanwhile); stop when every one has ended.")
    var watch = false

    @Option(help: ArgumentHelp("With --watch: seconds between rewrites, and between the page's reloads.", valueName: "seconds"))
    var interval = 5.0

    @OptionGroup var resources: ResourceOptions

    func validate() throws {
        if Aggregate(rawValue: agg) == nil { throw ValidationError("invalid --agg '\(agg)': expected \(Aggregate.choices)") }
        if let details, details < 0 || details > 1000 { throw ValidationError("invalid --details \(details): expected 0 to 1000") }
        _ = try epochs()
        if !(0.5...3600).contains(interval) { throw ValidationError("invalid --interval \(interval): expected 0.5 to 3600 seconds") }
        if interval != 5 && !watch { throw ValidationError("--interval belongs to --watch; add --watch") }
        if watch && output == "-" { throw ValidationError("--watch rewrites a file; give one with -o (not -)") }
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
        let db = try store.open(.read)
        defer { try? db.close() }
        guard watch else {
            try write(db, reload: nil)
            return Console.out(output)
        }
        // Until no selected run has been running for two looks in a row (a sweep opens its next
        // run a moment after the last one ends), or Ctrl-C.
        let trap = SignalTrap()
        var quiet = 0
        Console.out("watching: \(output) is rewritten every \(Self.seconds(interval)) s while a run is running (Ctrl-C stops)")
        while quiet < 2 && trap.signal == 0 {
            // A run whose process died is closed as crashed, as every command that opens the store does: it is not running.
            _ = try? db.reapCrashedRuns()
            let running = try write(db, reload: interval)
            quiet = running == 0 ? quiet + 1 : 0
            let until = Date().addingTimeInterval(interval)
            while Date() < until && trap.signal == 0 { usleep(50_000) }
        }
        // The last one does not reload: nothing will change it.
        let running = try write(db, reload: nil)
        Console.out(output + (running > 0 ? " (\(running) run\(running == 1 ? "" : "s") still running; the watch was stopped)" : ""))
        if trap.signal != 0 { throw ExitCode(trap.exitStatus.rawValue) }
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }

    /// Writes the report of the runs selected now, reloading itself every `reload` seconds when
    /// given and a run is running; returns how many are.
    @discardableResult
    private func write(_ db: RunStore, reload: Double?) throws -> Int {
        let ids = try selection.select(in: db)
        guard !ids.isEmpty else { throw SelectionError.noMatch }
        var options = HTMLReport.Options()
        options.rows = try Runs.terms(rows, option: "--rows")[0]
        options.cols = try Runs.terms(cols, option: "--cols")[0]
        options.value = Aggregate(rawValue: agg)!.term(metric)
        try db.checkMetrics([metric])
        let info = try db.table(runs: ids, columns: [Term(name: "sweep"), Term(name: "status")])
        let sweeps = Set(info.rows.map { $0[0] })
        let running = info.rows.filter { $0[1].text == RunStatus.running.rawValue }.count
        // Runs named one by one get the detailed view; a whole sweep, by name or by filter, the sweep view.
        let isSweep = !selection.sweep.isEmpty || (selection.runs.isEmpty && ids.count > 1 && sweeps.count == 1 && sweeps.first != .null)
        options.details = details ?? (isSweep ? 0 : 6)
        options.title = isSweep ? "Sweep \(sweeps.first?.text ?? "")" : "Gradbook report"
        options.gallerySeed = seed
        options.histogramEpochs = try epochs()
        if let reload, running > 0 { options.live = HTMLReport.Live(seconds: reload, running: running) }
        let models = StoredFields(store: db, memory: try resources.memory())
        let html = try HTMLReport(store: db, runs: ids, sweep: isSweep, options: options, fields: models, activations: models).html()
        try OutputSink.write(Data(html.utf8), to: output, protecting: db.path)
        return running
    }
}
