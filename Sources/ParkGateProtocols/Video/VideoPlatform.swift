/// The Xiamen video integration platform (附件 2 and its attachments; PROFILE "Xiamen").
public enum VideoPlatform {
    /// The digest realm of `authenticate`; accounts keep H(username:realm:password) for it.
    public static let realm = "ParkGate video"
    /// Device kinds of the ledger: the two ingest families, and service nodes.
    public static let kinds = ["car", "face", "node"]
}
