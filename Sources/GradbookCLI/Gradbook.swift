public import ArgumentParser
import Foundation
import Neural

/// The `gradbook` command: trains multilayer perceptrons and records what they learned.
public struct Gradbook: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gradbook",
        abstract: "Train multilayer perceptrons and see why they trained well or badly.",
        version: GradbookVersion.current,
        subcommands: [Run.self, Sweep.self, Runs.self, Show.self, Compare.self, Export.self, Report.self, Plot.self, Eval.self, Predict.self, Tag.self, Note.self,
                      Delete.self, GC.self, Merge.self]
    )

    public init() {}

    /// Parses `arguments` (the process's when `nil`), runs the command, and returns the exit
    /// status: 0 success, 1 failure, 2 bad usage. Messages go to stderr; help to stdout.
    public static func run(arguments: [String]? = nil) -> Int32 {
        // Past a file-size limit (ulimit -f), a write should fail with an error the store reports,
        // not kill the process with SIGXFSZ before it can close the run.
        signal(SIGXFSZ, SIG_IGN)
        let line = arguments ?? Array(CommandLine.arguments.dropFirst())
        // The version with what computes the products (the only command that loads BLAS
        // without a layer on it: the query commands and fused networks never do).
        if line == ["--version"] {
            // Console: the library's name may carry what the user put in GRADBOOK_BLAS.
            Console.out("\(GradbookVersion.current)\nBLAS: \(BLAS.library)\nVector lanes: \(VectorLanes.description)")
            return 0
        }
        if let repeated = CommandLineCheck.repeatedOption(in: line) {
            Console.error(repeated)
            return ExitStatus.usage.rawValue
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(line)
        } catch {
            // Bad flags: the message with a usage hint; --help and --version print and succeed.
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            let message = fullMessage(for: error)
            let hint = CommandLineCheck.suggestion(for: message, arguments: line)
            // The hint ends the message's first line, before the usage.
            var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if !lines.isEmpty { lines[0] += hint }
            Console.error(lines.joined(separator: "\n"))
            return ExitStatus(for: error, parserCode: code).rawValue
        }
        do {
            try command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch where exitCode(for: error) == .success {
            // --help (which ArgumentParser raises from run()) and --version: print and succeed.
            print(fullMessage(for: error))
            return 0
        } catch {
            // A failure while running: the message alone.
            Console.error("Error: \(message(for: error))")
            return ExitStatus(for: error, parserCode: exitCode(for: error)).rawValue
        }
    }
}

/// The version printed by `gradbook --version` and recorded with runs.
public enum GradbookVersion {
    public static let current = "0.1.0"
}
