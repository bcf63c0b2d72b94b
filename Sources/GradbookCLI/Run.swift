import ArgumentParser
import Experiments
import Foundation
import Neural
import Tracking

/// `gradbook run`: trains one network and records it in the store.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train one network and record it.",
        discussion: """
            Progress goes to stderr when it is a terminal; the run id and a summary go to stdout.
            SIGINT or SIGTERM closes the run as 'interrupted' with whole epochs only (exit 130 or 143): the epoch in progress \
            is finished when epochs take under \(Runner.defaultInterruptGrace) s, dropped otherwise. It keeps a checkpoint \
            after its last whole epoch; a running run keeps one every \(Int(Runner.checkpointInterval)) s of training, for a crash. \
            --resume RUN continues an interrupted or crashed run from its checkpoint, to the numbers it would have had.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var options: RunOptions
    @OptionGroup var resources: ResourceOptions

    @Option(help: "A name for the run.")
    var name: String?

    @Option(help: ArgumentHelp("Continue this interrupted or crashed run (id, uuid prefix or name) from its checkpoint; "
                               + "no run options with it.", valueName: "run"))
    var resume: String?

    @Option(help: "The experiment the run belongs to (created if new).")
    var experiment: String?

    @Option(name: .customLong("tag"), help: "A tag KEY=VALUE (repeatable).")
    var tags: [String] = []

    @OptionGroup var format: ResultFormat

    @Option(name: .customLong("blas-threads"),
            help: "Threads the run trains on, 1 to 1024: above 1, when a layer has 16 units a thread, each layer's units (on BLAS or in the fused loops), the batch's rows and the update are shared between that many threads (at most one per processor), each calling OpenBLAS on one thread. (default: OpenBLAS's own choice)")
    var blasThreads: Int?

    func validate() throws {
        if let blasThreads, blasThreads < 1 || blasThreads > 1024 {
            throw ValidationError("invalid --blas-threads \(blasThreads): expected a whole number from 1 to 1024")
        }
    }

    mutating func run() throws {
        if let resume { return try resumeRun(resume) }
        let config = try options.configuration()
        try options.reportPlayground()
        let file = try options.configFile()
        let tags = try Self.parseTags(self.tags.isEmpty ? (file?.string("tag").map { $0.split(separator: ",").map(String.init) } ?? []) : self.tags)
        // Data and configuration first: bad input must not touch the store.
        let trainer = try config.makeTrainer(blasThreads: blasThreads, memory: resources.memory())
        let db = try store.open(.create)
        defer { try? db.close() }
        let trap = SignalTrap()
        let progress = ProgressLine(total: config.training.epochs)
        let result = try Runner(store: db, lockWait: store.lockWait).run(config, trainer: trainer, name: name ?? file?.string("name"), experiment: experiment ?? file?.string("experiment"),
                                    tags: tags, version: GradbookVersion.current,
                                    interrupted: { trap.signal != 0 }, onEpoch: progress.update)
        progress.finish()
        try report(RunSummary(config: config, result: result), trap: trap)
    }

    /// Continues a stored run from its checkpoint (in this process, as its own run).
    private func resumeRun(_ reference: String) throws {
        guard options.flagSettings.values.isEmpty, options.config == nil, name == nil, experiment == nil, tags.isEmpty else {
            throw ValidationError("--resume continues the run with its own configuration; leave out run options, --config, --name, --experiment and --tag")
        }
        let db = try store.open()
        defer { try? db.close() }
        _ = try db.reapCrashedRuns()
        let run = try db.run(reference)
        guard let (epoch, state) = try db.checkpoint(run: run.id) else {
            throw ValidationError(run.status == .interrupted || run.status == .crashed
                ? "run \(run.id) has no checkpoint (it stopped before its first whole epoch, or before Gradbook kept checkpoints): train it again"
                : "run \(run.id) is \(run.status.rawValue): only an interrupted or crashed run can be resumed")
        }
        let config = try JSONDecoder().decode(RunConfiguration.self, from: Data(run.configJSON.utf8))
        // The data as the run saw it: the stored transform, never fitted again.
        let trainer = try config.makeTrainer(blasThreads: blasThreads, memory: resources.memory(), transform: run.inputTransform)
        let checkpoint = try TrainerCheckpoint(decoding: state)   // checked before the run is opened again
        try db.reopenRun(run.id, after: epoch)
        Console.error("resuming run \(run.id) after epoch \(epoch) of \(config.training.epochs), from its checkpoint")
        let trap = SignalTrap()
        let progress = ProgressLine(total: config.training.epochs)
        let result = try Runner(store: db, lockWait: store.lockWait).run(
            config, trainer: trainer, version: GradbookVersion.current, opened: run.id,
            resuming: Runner.ResumePoint(checkpoint: checkpoint, epochs: try db.epochs(run: run.id)),
            interrupted: { trap.signal != 0 }, onEpoch: progress.update)
        progress.finish()
        try report(RunSummary(config: config, result: result), trap: trap)
    }

    private func report(_ summary: RunSummary, trap: SignalTrap) throws {
        let result = summary.result
        if format.isJSON { print(summary.json.text()) } else { Console.out(summary.text) }
        switch result.status {
        case .finished: return
        case .interrupted: throw ExitCode(trap.exitStatus.rawValue)
        default: throw ExitCode(ExitStatus.failure.rawValue)
        }
    }

    /// Parses `key=value` tags (a bare `key` gets an empty value).
    static func parseTags(_ items: [String]) throws -> [String: String] {
        var tags: [String: String] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ValidationError("invalid --tag '\(item)': expected KEY=VALUE") }
            tags[key] = parts.count > 1 ? String(parts[1]) : ""
        }
        return tags
    }
}
