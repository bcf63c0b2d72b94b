import ArgumentParser
import Experiments
import Foundation
import Neural
import Reporting
import Tracking

/// `gradbook sweep`: runs a grid or a random search of runs, in parallel, resumably.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a sweep: a grid or random search over run options.",
        discussion: """
            Any run option given a comma list becomes a grid axis (layers and features: alternatives separated by '/', e.g. \
            --layers 8,8/16,16 or --features x,y/x,y,xy,x2,y2); single values stay fixed. --playground LINK is the base of every run. With no axes and no --spec, the sweep is every \
            activation of relu, tanh, sigmoid, leaky_relu at every learning rate of 0.3, 0.1, 0.03, 0.01 \
            (an activation or learning rate given as a single value stays fixed). \
            The sweep and its configurations are stored before the first run; running the same command again \
            runs only what is not finished. Ctrl-C stops cleanly; --resume NAME finishes the rest. \
            On a cluster: --emit slurm (or k8s) prints the array job; --shard auto/N runs one task's slice; \
            'gradbook merge' folds the shards; 'gradbook sweep status NAME' says what to submit again.
            """,
        subcommands: [SweepStatusCommand.self])

    @OptionGroup var store: StoreOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var resources: ResourceOptions
    @OptionGroup var format: ResultFormat

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

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Train configurations that differ only in seed, learning rate, schedule or epochs together, up to \(Lockstep.width) as one "
            + "computation on the fused kernels; each is still its own run, with the same numbers, bit for bit, as when it trains alone."))
    var lockstep = true

    @Option(help: ArgumentHelp("Run only slice i of N (configurations whose index is i−1 modulo N); auto/N takes i from the "
                               + "scheduler's array index (\(ArrayIndexVariable.all.map(\.name).joined(separator: ", "))).", valueName: "i/N"))
    var shard: String?

    @Option(name: .customLong("copy-to"), help: ArgumentHelp(
        "When the sweep ends (finished, failed or interrupted), copy the store to this file (consistent, atomic): "
            + "how an array task brings its shard from the node's disk to the shard folder.", valueName: "file"))
    var copyTo: String?

    @Option(help: ArgumentHelp("Print the sweep as an array job for a scheduler (slurm: an sbatch script; k8s: an Indexed Job) "
                               + "and run nothing.", valueName: "scheduler"))
    var emit: String?

    @Option(help: "With --emit: the number of array tasks, each a slice of the sweep. (default: 8, or fewer when there are fewer configurations)")
    var shards: Int?

    @Option(name: .customLong("array-limit"), help: "With --emit: at most this many tasks at once.")
    var arrayLimit: Int?

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 1024 { throw ValidationError("invalid --jobs '\(jobs)': expected a whole number from 1 to 1024") }
        if let seeds, seeds < 1 || seeds > SweepSpec.maxConfigurations {
            throw ValidationError("invalid --seeds '\(seeds)': expected a whole number from 1 to \(SweepSpec.maxConfigurations)")
        }
        if let emit, ArrayJob.Scheduler(rawValue: emit) == nil {
            throw ValidationError("invalid --emit '\(emit)': expected \(ArrayJob.Scheduler.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        if emit == nil && (shards != nil || arrayLimit != nil) { throw ValidationError("--shards and --array-limit go with --emit") }
        if let shards, shards < 1 || shards > 100_000 { throw ValidationError("invalid --shards \(shards): expected 1 to 100000 tasks") }
        if let arrayLimit, arrayLimit < 1 { throw ValidationError("invalid --array-limit \(arrayLimit): expected at least 1") }
        if emit != nil && (resume != nil || shard != nil || copyTo != nil) {
            throw ValidationError("--emit writes the job that runs the shards; leave out --resume, --shard and --copy-to")
        }
    }

    mutating func run() throws {
        if let emit { return try printJob(ArrayJob.Scheduler(rawValue: emit)!) }
        let slice = try shard.map { try SweepSlice.parse($0, environment: ProcessInfo.processInfo.environment) }
        if let origin = slice?.origin { Console.error("shard \(slice!.slice) (from \(origin))") }
        // The spec and options are checked before the store is opened (or created).
        let memory = try resources.memory()
        let planned = try resume == nil ? plan().newSweep(experiment: experiment) : nil
        let db = try store.open(.create)
        defer { try? db.close() }
        let stored: StoredSweep
        if let resume {
            guard options.flagSettings.values.isEmpty, spec == nil, options.config == nil else {
                throw ValidationError("--resume runs the stored configurations of '\(resume)'; leave out run options, --spec and --config")
            }
            guard let sweep = try db.sweep(named: resume) else { throw ValidationError("no sweep '\(resume)' in \(store.path)") }
            stored = sweep
        } else {
            try options.reportPlayground()
            stored = try db.openSweep(planned!)
        }
        // A shard file resumes the slice it ran.
        let running = try slice?.slice ?? db.ranSlice(of: stored)
        let runner = SweepRunner(store: db, sweep: stored, options: .init(
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, shard: running, retryFailed: retryFailed, version: GradbookVersion.current,
            lockWait: store.lockWait, memory: memory, lockstep: lockstep))
        let pending = try runner.pending()
        let trap = SignalTrap()
        let progress = SweepProgress(sweep: stored, total: pending.count)
        let outcome = try runner.run(interrupted: { trap.signal != 0 }, events: progress.handle)
        progress.finish()
        let summary = SweepSummary(store: db, sweep: stored)
        print(format.isJSON ? try summary.json.text() : try summary.text)
        if let copyTo { try db.copy(to: copyTo) }
        if outcome.interrupted {
            let again = "gradbook sweep --resume \(Shell.quoted(stored.name))" + (running.map { " --shard \($0)" } ?? "") + " --db \(Shell.quoted(store.path))"
            Console.error("sweep '\(stored.name)' interrupted; finish it with: \(again)")
            throw ExitCode(trap.signal != 0 ? trap.exitStatus.rawValue : ExitStatus.failure.rawValue)
        }
        if outcome.failed > 0 { throw ExitCode(ExitStatus.failure.rawValue) }
    }

    /// The sweep these options describe, checked: every configuration expanded and valid.
    private func plan() throws -> SweepPlan {
        // A Playground link is the base configuration, not an axis (its commas are not a list).
        let link = RunSettings(options.flagSettings.values.filter { $0.key == "playground" })
        return try SweepPlan(name: name, spec: try sweepSpec(), base: (try options.configFile()?.settings ?? RunSettings()).merging(link))
    }

    /// `--emit`: the job that runs this sweep as slices, on stdout.
    private func printJob(_ scheduler: ArrayJob.Scheduler) throws {
        let plan = try plan()
        var arguments: [String] = []
        if let config = options.config { arguments += ["--config", config] }
        if let spec { arguments += ["--spec", spec] }
        for option in RunOption.all {
            guard let value = options.flagSettings.values[option.key] else { continue }
            arguments += option.isFlag ? [value == "true" ? "--\(option.key)" : "--no-\(option.key)"] : ["--\(option.key)", value]
        }
        if let seeds { arguments += ["--seeds", String(seeds)] }
        if let experiment { arguments += ["--experiment", experiment] }
        if retryFailed { arguments.append("--retry-failed") }
        arguments += ["--name", plan.name]
        let count = plan.configurations.count
        print(ArrayJob(sweep: plan.name, arguments: arguments, configurations: count, slices: shards ?? min(8, count),
                       arrayLimit: arrayLimit, version: GradbookVersion.current).text(for: scheduler), terminator: "")
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
            if let seeds { try spec.repeatWithSeeds(seeds, from: UInt64(flags.values["seed"] ?? "1") ?? 1) }
            return spec
        }
        return try SweepSpec(flags: flags, seeds: seeds)
    }
}
