import ArgumentParser
import Experiments
import Foundation
import Reporting
import Tracking

/// `gradbook sweep`: runs a grid or a random search of runs, in parallel, resumably.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a sweep: a grid or random search over run options.",
        discussion: """
            Any run option given a comma list becomes a grid axis (layers and features: alternatives separated by '/', e.g. \
            --layers 8,8/16,16 or --features x,y/x,y,xy,x2,y2); single values stay fixed. --playground LINK is the base of every run. With no axes and no --spec, the sweep is every \
            activation of relu, tanh, sigmoid, leaky_relu at every learning rate of 0.3, 0.1, 0.03, 0.01 \
            (an activation or learning rate given as a single value stays fixed). \
            The sweep and its configurations are stored before the first run; running the same command again \
            runs only what is not finished. Ctrl-C stops cleanly; --resume NAME finishes the rest.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var options: RunOptions

    @Option(help: "A sweep spec in the Weights & Biases format (method, metric, parameters, count).")
    var spec: String?

    @Option(help: "The sweep's name. (default: sweep- and a hash of its configurations)")
    var name: String?

    @Option(help: "The experiment its runs belong to.")
    var experiment: String?

    @Option(help: "Repeat every configuration with this many seeds (seed, seed+1, …).")
    var seeds: Int?

    @Option(help: "Runs at once, one BLAS thread each. (default: the number of cores)")
    var jobs: Int?

    @Option(help: "Finish the stored sweep of this name: run its configurations that are not finished.")
    var resume: String?

    @Flag(name: .customLong("retry-failed"), help: "Also run configurations whose run failed.")
    var retryFailed = false

    @Option(help: "Run only slice i of N (i/N, 1-based), for running one sweep on several machines.")
    var shard: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("invalid --jobs '\(jobs)': expected a whole number of at least 1") }
        if let seeds, seeds < 1 { throw ValidationError("invalid --seeds '\(seeds)': expected a whole number of at least 1") }
        _ = try shardSlice()
    }

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let stored: StoredSweep
        if let resume {
            guard options.flagSettings.values.isEmpty, spec == nil, options.config == nil else {
                throw ValidationError("--resume runs the stored configurations of '\(resume)'; leave out run options, --spec and --config")
            }
            guard let sweep = try db.sweep(named: resume) else { throw ValidationError("no sweep '\(resume)' in \(store.path)") }
            stored = sweep
        } else {
            // A Playground link is the base configuration, not an axis (its commas are not a list).
            let link = RunSettings(options.flagSettings.values.filter { $0.key == "playground" })
            let plan = try SweepPlan(name: name, spec: try sweepSpec(), base: (try options.configFile()?.settings ?? RunSettings()).merging(link))
            try options.reportPlayground()
            stored = try db.openSweep(try plan.newSweep(experiment: experiment))
        }
        let runner = SweepRunner(store: db, sweep: stored, options: .init(
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, shard: try shardSlice(), retryFailed: retryFailed, version: GradbookVersion.current))
        let pending = try runner.pending()
        let trap = SignalTrap()
        let progress = SweepProgress(sweep: stored, total: pending.count)
        let outcome = try runner.run(interrupted: { trap.signal != 0 }, events: progress.handle)
        progress.finish()
        print(try SweepSummary(store: db, sweep: stored).text)
        if outcome.interrupted {
            FileHandle.standardError.write(Data("sweep '\(stored.name)' interrupted; finish it with: gradbook sweep --resume \(stored.name)\n".utf8))
            throw ExitCode(trap.signal != 0 ? trap.exitStatus.rawValue : ExitStatus.failure.rawValue)
        }
        if outcome.failed > 0 { throw ExitCode(ExitStatus.failure.rawValue) }
    }

    /// The spec from `--spec` (flags fix what it does not vary), or from the flags' lists;
    /// `--seeds` adds a seed axis.
    private func sweepSpec() throws -> SweepSpec {
        let flags = options.flagSettings
        var spec: SweepSpec
        if let path = self.spec {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ValidationError("cannot read --spec '\(path)': \(error.localizedDescription)")
            }
            spec = try SweepSpec.parse(yaml: text, source: path)
            try spec.fix(flags, source: path)
        } else {
            spec = SweepSpec(flags: flags)
        }
        if let seeds { try spec.repeatWithSeeds(seeds, from: UInt64(flags.values["seed"] ?? "1") ?? 1) }
        return spec
    }

    /// `--shard i/N` as (i, N).
    private func shardSlice() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 1, i <= n else {
            throw ValidationError("invalid --shard '\(shard)': expected i/N with 1 ≤ i ≤ N, e.g. 2/8")
        }
        return (i, n)
    }
}
