import ParkGateModel

/// Bearer tokens from the system's secure generator, as hexadecimal text.
public enum SecureToken {
    /// `bytes` random bytes: 16 give the documents' 32 characters.
    public static func hex(bytes: Int = 16, uppercase: Bool = true) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.string((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }, uppercase: uppercase)
    }
}
