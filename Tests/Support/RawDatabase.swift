public import GRDB

/// Plain SQL on a store's file through a connection of the test's own, beside the store's
/// (whose connections are not public): what any SQLite client sees.
public enum RawDatabase {
    public static func read<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        let queue = try queue(path)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    public static func write<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        let queue = try queue(path)
        defer { try? queue.close() }
        return try queue.write(body)
    }

    private static func queue(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
