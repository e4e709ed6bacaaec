/// When a capture writer forces its records to stable storage with `fdatasync`
/// (product.md §1 crash safety; formats.md §3 measures the cost).
///
/// Every record is flushed to the kernel regardless (`pcap_dump_flush`), so a killed
/// process loses at most the record being written; the policy decides how much a power
/// loss can take.
public enum SyncPolicy: Hashable, Sendable {
    /// After every write (about 130 µs each on a virtio disk; milliseconds on an SD card).
    case everyRecord
    /// After a write when at least this long has passed since the last sync.
    case interval(milliseconds: Int)
    /// Never: the kernel writes back when it likes (file conversion, tests).
    case never
}
