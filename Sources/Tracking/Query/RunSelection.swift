/// Which runs a command works on, and in what order: the same for `runs`, `compare`,
/// `export` and `delete`.
///
/// Every part narrows the selection (they combine with AND); an empty selection is every run,
/// newest first.
///
/// ```swift
/// var s = RunSelection()
/// s.filter = "activation in ('relu', 'tanh') and best(test_loss) < 0.2"
/// s.sort = "best(test_loss)"
/// let ids = try store.select(s)
/// ```
public struct RunSelection: Sendable, Equatable {
    /// Run references (short ids, uuids or uuid prefixes); their order is kept when there is no sort key.
    public var runs: [String] = []
    /// A filter in the query language (``FilterExpression``), as typed.
    public var filter: String?
    /// Runs of any of these sweeps, and of any of these experiments.
    public var sweeps: [String] = []
    public var experiments: [String] = []
    /// Any of these statuses.
    public var statuses: [RunStatus] = []
    /// Tags that must be present: `KEY=VALUE`, or `KEY` for any value.
    public var tags: [String] = []
    /// A term, optionally followed by `:desc` (`best(test_loss)`, `lr:desc`).
    public var sort: String?
    public var limit: Int?

    public init(runs: [String] = [], filter: String? = nil, sweeps: [String] = [], experiments: [String] = [],
                statuses: [RunStatus] = [], tags: [String] = [], sort: String? = nil, limit: Int? = nil) {
        self.runs = runs
        self.filter = filter
        self.sweeps = sweeps
        self.experiments = experiments
        self.statuses = statuses
        self.tags = tags
        self.sort = sort
        self.limit = limit
    }

    /// Whether anything narrows the selection (a `delete` of everything needs this to be true).
    public var isNarrowed: Bool {
        !runs.isEmpty || filter != nil || !sweeps.isEmpty || !experiments.isEmpty || !statuses.isEmpty || !tags.isEmpty || limit != nil
    }
}
