import ArgumentParser
import Experiments
import Foundation
import Neural

/// `gradbook run`: trains one network and prints a summary.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train one network.",
        discussion: "Progress goes to stderr when it is a terminal; the summary goes to stdout.")

    @OptionGroup var options: RunOptions

    @Option(name: .customLong("blas-threads"), help: "Threads for OpenBLAS (default: OpenBLAS's own choice).")
    var blasThreads: Int?

    mutating func run() throws {
        let config = try options.configuration()
        if let blasThreads { BLAS.threads = blasThreads }
        let trainer = try config.makeTrainer()
        let progress = ProgressLine(total: config.training.epochs)
        var last: EpochReport?
        var seconds = 0.0
        let outcome = trainer.train { report in
            last = report
            seconds += report.seconds
            progress.update(report)
            return .proceed
        }
        progress.finish()
        print(RunSummary(config: config, outcome: outcome, last: last, seconds: seconds).text)
        if case .diverged = outcome.reason { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
