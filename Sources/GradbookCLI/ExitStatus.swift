import ArgumentParser
import Datasets
import Experiments
import Neural
import Reporting
import Tracking

/// The exit codes Gradbook promises, decided in this one place: 0 success, 1 failure,
/// 2 bad usage (a bad flag or value), 130/143 interrupted by SIGINT/SIGTERM.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
    case interrupted = 130
    case terminated = 143

    init(for error: any Error, parserCode: ExitCode) {
        switch error {
        case let e as DatasetError:
            switch e {
            case .invalidOption, .missingLabelColumn, .tooLarge: self = .usage
            case .unreadable, .empty, .malformed, .tooFewSamples: self = .failure
            }
        case let e as TrainingError:
            switch e {
            case .invalidConfiguration: self = .usage
            case .incompatibleData: self = .failure
            }
        case is SettingsError, is SweepSpecError, is ResourceError:
            self = .usage
        case StoreError.sweepMismatch, StoreError.unknownSweep, StoreError.invalidQuery, StoreError.sliceMismatch, StoreError.mergeIntoItself,
             StoreError.nulByte:
            self = .usage
        case is StoreError, is ReportingError, is OutputError:
            self = .failure
        case let e as ExitCode:
            self = ExitStatus(rawValue: e.rawValue) ?? .failure
        default:
            // ArgumentParser reports unknown flags and failed validation as EX_USAGE (64).
            self = parserCode == .validationFailure ? .usage : .failure
        }
    }
}
