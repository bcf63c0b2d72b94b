/// The epoch Gradbook selects a run at, for one metric, over the epochs as they come: the best
/// epoch of the metric's validation counterpart (``Metric/onValidation``: `val_loss` for
/// `test_loss`) when the run has validation values, else the metric's own best epoch (ties: the
/// earliest). The value reported is the metric *at* that epoch — test numbers are read at the
/// epoch validation chose, never chosen on.
///
/// This is the rule of the filter language's `selected(M)`, `selected_epoch(M)` and
/// `selected_on(M)`, which compute it in SQL from the store; the runner uses this one for what
/// it decides before the store has the epochs (the `best` snapshot, a sweep's progress line).
public struct Selection: Sendable {
    public let metric: Metric
    /// The metric's validation counterpart (``Metric/validationCounterpart``), looked up once:
    /// ``add(_:)`` runs at every epoch of every run.
    private let counterpart: Metric?
    /// The metric's own best epoch and value.
    private var own: (epoch: Int, value: Double)?
    /// The counterpart's best epoch, its value, and the metric's value at that epoch.
    private var byValidation: (epoch: Int, by: Double, value: Double?)?

    public init(metric: Metric) {
        self.metric = metric
        counterpart = metric.validationCounterpart
    }

    /// Takes an epoch's values.
    /// - Returns: whether the selected epoch moved to this one.
    @discardableResult
    public mutating func add(_ record: EpochRecord) -> Bool {
        let before = epoch
        if let value = record.value(of: metric.name), own.map({ metric.goal.improves(value, on: $0.value) }) ?? true {
            own = (record.epoch, value)
        }
        if let counterpart, let by = record.value(of: counterpart.name),
           byValidation.map({ counterpart.goal.improves(by, on: $0.by) }) ?? true {
            byValidation = (record.epoch, by, record.value(of: metric.name))
        }
        return epoch != before && epoch == record.epoch
    }

    /// The selected epoch, once an epoch had a value.
    public var epoch: Int? { byValidation?.epoch ?? own?.epoch }

    /// The metric at the selected epoch.
    public var value: Double? { byValidation.map(\.value) ?? own?.value }

    /// The value selection compared to choose the epoch — the counterpart's best when the run has
    /// validation values, else the metric's own best — and so what a winner among runs is chosen by.
    public var selecting: Double? { byValidation.map(\.by) ?? own?.value }

    /// The metric that chose the epoch: the counterpart when the run has validation values.
    public var selectedOn: Metric { byValidation == nil ? metric : counterpart ?? metric }
}
