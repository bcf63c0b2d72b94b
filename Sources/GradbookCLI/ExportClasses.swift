import ArgumentParser
import Tracking

/// `gradbook export classes SELECTION`: a classifier's per-class metrics and confusion counts at
/// its selected epoch.
struct ExportClasses: SelectionExport {
    static let configuration = CommandConfiguration(
        commandName: "classes",
        abstract: "Export per-class precision, recall, F1 and support, and the confusion counts, at each run's selected epoch.",
        discussion: """
            One row per run, split (test, validation) and class; the columns predicted_CLASS hold the confusion matrix's \
            row for that actual class. Runs without classes (regression) have no rows.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    static func table(_ db: RunStore, runs: [Int64]) throws -> ResultTable { try db.classes(runs: runs) }
}
