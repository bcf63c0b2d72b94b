import ArgumentParser
import Experiments

/// `--memory-limit`, for the commands that build networks (`run`, `sweep`, `eval`).
struct ResourceOptions: ParsableArguments {
    @Option(name: .customLong("memory-limit"), help: ArgumentHelp(
        "The memory a run may take (its data, weights and buffers, estimated before they are made), e.g. 8g or 512m; "
            + "a run that would take more is refused. (default: half of this machine's memory)", valueName: "size"))
    var memoryLimit: String?

    func validate() throws {
        do { _ = try memory() } catch { throw ValidationError("\(error)") }
    }

    /// The budget asked for, or half of this machine's memory.
    func memory() throws -> MemoryBudget {
        try memoryLimit.map { text throws(SettingsError) in try MemoryBudget(parsing: text) } ?? .standard
    }
}
