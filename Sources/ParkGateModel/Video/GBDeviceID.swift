/// GB/T 28181 codes (附录 D): 20 digits — centre code (8), industry (2), type (3), network (1),
/// serial (6). PROFILE "Xiamen": a device's type is a front-end device type (111–199), a
/// node's (a platform's) a platform type (200–299).
public struct GBDeviceID: Sendable, Hashable {
    public enum Role: String, Sendable, CaseIterable { case device, node }

    public let value: String

    /// The id, or the reason it is not one for `role`.
    public static func parse(_ text: String, as role: Role) -> Result<GBDeviceID, Problem> {
        guard text.utf8.count == 20, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(Problem(message: "\(text) is not a GB/T 28181 id: 20 digits"))
        }
        let type = Int(text.dropFirst(10).prefix(3))!
        switch role {
        case .device where !(111...199).contains(type):
            return .failure(Problem(message: "\(text): type \(type) (digits 11–13) is not a front-end device type (111–199)"))
        case .node where !(200...299).contains(type):
            return .failure(Problem(message: "\(text): type \(type) (digits 11–13) is not a platform type (200–299)"))
        default:
            return .success(GBDeviceID(value: text))
        }
    }

    /// Digits 11–13.
    public var type: Int { Int(value.dropFirst(10).prefix(3))! }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
