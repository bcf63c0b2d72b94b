public import Tracking

/// An array job's task index, as each scheduler hands it to its tasks.
public struct ArrayIndexVariable: Sendable {
    public var name: String
    public var scheduler: String
    /// The index of the first task: 1 for the schedulers whose arrays start where the user's
    /// `--array=1-8` says (Gradbook's scripts start at 1), 0 for those that always count from 0.
    public var base: Int

    /// Every scheduler `--shard auto/N` knows, in the order they are looked for.
    public static let all = [
        ArrayIndexVariable(name: "SLURM_ARRAY_TASK_ID", scheduler: "Slurm", base: 1),
        ArrayIndexVariable(name: "JOB_COMPLETION_INDEX", scheduler: "Kubernetes Indexed Job", base: 0),
        ArrayIndexVariable(name: "PBS_ARRAY_INDEX", scheduler: "PBS", base: 1),
        ArrayIndexVariable(name: "SGE_TASK_ID", scheduler: "SGE", base: 1),
        ArrayIndexVariable(name: "LSB_JOBINDEX", scheduler: "LSF", base: 1),
        ArrayIndexVariable(name: "AWS_BATCH_JOB_ARRAY_INDEX", scheduler: "AWS Batch", base: 0),
    ]
}

extension SweepSlice {
    /// `--shard i/N`, or `--shard auto/N` with `i` from the scheduler's array index in
    /// `environment` (``ArrayIndexVariable/all``). `N` always comes from the text, never from the
    /// array's size: a rerun of some tasks (`--array=3,5`) has another size but the same slices.
    /// - Returns: the slice, and for `auto` the variable it came from (`SLURM_ARRAY_TASK_ID=3`).
    public static func parse(_ text: String, environment: [String: String]) throws(SettingsError) -> (slice: SweepSlice, origin: String?) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let expected = "i/N with 1 ≤ i ≤ N (e.g. 2/8), or auto/N to take i from the scheduler's array index"
        guard parts.count == 2, let count = Int(parts[1]), count >= 1, count <= 100_000 else {
            throw .invalid(key: "shard", value: text, expected: expected)
        }
        guard parts[0] == "auto" else {
            guard let index = Int(parts[0]), index >= 1, index <= count else { throw .invalid(key: "shard", value: text, expected: expected) }
            return (SweepSlice(index: index, count: count), nil)
        }
        guard let variable = ArrayIndexVariable.all.first(where: { environment[$0.name]?.isEmpty == false }) else {
            throw .invalid(key: "shard", value: text, expected: "an array task: none of "
                + ArrayIndexVariable.all.map(\.name).joined(separator: ", ") + " is set (give i/N by hand outside an array job)")
        }
        let raw = environment[variable.name]!
        guard let value = Int(raw), case let index = value - variable.base + 1, index >= 1, index <= count else {
            throw .invalid(key: "shard", value: text, expected: "\(variable.name)=\(raw) to be a task index from \(variable.base) to "
                + "\(count - 1 + variable.base) (\(variable.scheduler) numbers its tasks from \(variable.base))")
        }
        return (SweepSlice(index: index, count: count), "\(variable.name)=\(raw)")
    }
}
