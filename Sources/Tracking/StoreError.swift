/// Why the store could not be opened or written. Messages are written for the user and name
/// the file.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// An SQLite database of something else (tables of its own, no Gradbook schema): left untouched.
    case foreignDatabase(path: String, tables: [String])
    /// No database at the path, for a command that only reads one.
    case noDatabase(path: String)
    /// The database was written by a newer Gradbook; it is left untouched.
    case newerSchema(path: String, version: Int, supported: Int)
    /// An applied migration's recorded checksum differs from the one this binary carries.
    case checksumMismatch(path: String, version: Int, name: String)
    /// SQLite or the file system refused to open the file.
    case cannotOpen(path: String, reason: String)
    /// A write or read failed.
    case database(path: String, reason: String)
    /// Another connection held the write lock for longer than the busy timeout.
    case busy(path: String, seconds: Double)
    /// The disk (or the file-size limit) is full.
    case full(path: String)
    /// The file or its folder cannot be written.
    case readOnly(path: String)
    /// The database file was deleted, moved or replaced while it was open.
    case fileVanished(path: String)
    /// SQLite found the file damaged (truncated, overwritten).
    case corrupt(path: String, reason: String)
    /// No run has that id or uuid.
    case unknownRun(String)
    /// A run that is not interrupted or crashed, so there is nothing to resume.
    case notResumable(run: Int64, status: String)
    /// A name or uuid prefix that several runs share; `matches` describes them.
    case ambiguousRun(String, matches: [String])
    /// No sweep has that name.
    case unknownSweep(String)
    /// A sweep of that name exists with other configurations.
    case sweepMismatch(name: String)
    /// A filter, sort key or column list that cannot be read, or names something not stored.
    case invalidQuery(FilterError)
    /// A file already holds another slice of the sweep, or slices of another count.
    case sliceMismatch(path: String, sweep: String, holds: String, asked: String)
    /// Text with a NUL byte, which would be cut short on the way out.
    case nulByte(what: String)
    /// Something of a run's that could not be written as the store keeps it (a configuration
    /// that JSON cannot hold).
    case unrecordable(what: String, reason: String)
    /// A store named as its own merge source.
    case mergeIntoItself(path: String, source: String)

    public var description: String {
        switch self {
        case let .notADatabase(path):
            "'\(path)' is not a Gradbook database (not an SQLite file); it was left untouched"
        case let .foreignDatabase(path, tables):
            "'\(path)' is an SQLite database of something else (tables " + tables.prefix(6).map { "'\($0)'" }.joined(separator: ", ")
                + (tables.count > 6 ? ", …" : "") + ") and not a Gradbook store; it was left untouched. Give --db a new file or a Gradbook store"
        case let .noDatabase(path):
            "no database at '\(path)': nothing has been recorded there (give --db the file a run or a sweep wrote, or set GRADBOOK_DB); nothing was created"
        case let .newerSchema(path, version, supported):
            "'\(path)' has schema version \(version), newer than this gradbook supports (\(supported)); "
                + "upgrade gradbook to use it. The file was left untouched"
        case let .checksumMismatch(path, version, name):
            "'\(path)' applied migration \(version) (\(name)) with a different text than this gradbook carries; "
                + "refusing to use it. The file was left untouched"
        case let .cannotOpen(path, reason):
            "cannot open database '\(path)': \(reason)"
        case let .database(path, reason):
            "database '\(path)': \(reason)"
        case let .busy(path, seconds):
            "database '\(path)' is locked by another process; gave up after waiting \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s "
                + "(--busy-timeout). Nothing was lost; try again"
        case let .full(path):
            "database '\(path)': the disk is full (or the file-size limit was reached); free space and run the command again (what was stored before stays)"
        case let .readOnly(path):
            "database '\(path)' cannot be written (a read-only file, folder or file system)"
        case let .corrupt(path, reason):
            "database '\(path)' is damaged (\(reason)); it was not changed. `sqlite3 '\(path)' .recover` salvages what is readable"
        case let .fileVanished(path):
            "database '\(path)' was deleted, moved or replaced while the run was writing to it; stopped so that nothing more is lost"
        case let .unknownRun(id):
            "no run '\(id)' in the database: expected a run's id, uuid (or its first 4 characters or more) or name"
        case let .notResumable(run, status):
            "run \(run) is \(status): only an interrupted or crashed run can be resumed"
        case let .ambiguousRun(reference, matches):
            "'\(reference)' names several runs: \(matches.joined(separator: "; ")); give one of their ids"
        case let .unknownSweep(name):
            "no sweep '\(name)' in the database"
        case let .invalidQuery(error):
            error.description
        case let .sliceMismatch(path, sweep, holds, asked):
            "'\(path)' holds \(holds) of sweep '\(sweep)'; \(asked) would mix slices in one file: give each slice its own --db"
        case let .nulByte(what):
            "\(what) holds a NUL byte (\\0), which other programs would cut the text short at; remove it"
        case let .unrecordable(what, reason):
            "\(what) could not be recorded: \(reason)"
        case let .mergeIntoItself(path, source):
            "'\(source)' is the store being merged into ('\(path)'): a store cannot be merged into itself"
        case let .sweepMismatch(name):
            "a sweep named '\(name)' already exists with other configurations; choose another --name, or --resume '\(name)' to finish it"
        }
    }
}
