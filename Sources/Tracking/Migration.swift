/// One numbered schema change, from `migrations/NNNN_name.sql` (embedded at build time by the
/// EmbedMigrations plugin).
///
/// A good migration is never modified once it has shipped: a change is a new file. The
/// checksum recorded with each applied migration is how an edited file is caught.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    /// FNV-1a (64-bit) of the SQL text, in hex: enough to notice that a shipped file changed.
    public var checksum: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
