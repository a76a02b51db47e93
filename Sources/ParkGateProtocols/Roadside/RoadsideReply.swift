import ParkGateModel

/// The answer shape of every roadside endpoint: `{"code","msg","content":{…}}`.
public struct RoadsideReply: Sendable, Equatable {
    public var code: RoadsideResponseCode
    public var msg: String
    public var content: [(String, String)]

    public init(code: RoadsideResponseCode, msg: String = "", content: [(String, String)] = []) {
        self.code = code
        self.msg = msg
        self.content = content
    }

    public init(_ error: RoadsideError) {
        self.init(code: error.code, msg: error.message, content: error.flowId.map { [("flowId", $0)] } ?? [])
    }

    public var json: String {
        "{\"code\":\"\(code.rawValue)\",\"msg\":\(JSONText.quote(msg)),\"content\":\(JSONText.object(content))}"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.msg == rhs.msg && lhs.content.elementsEqual(rhs.content, by: ==)
    }
}
