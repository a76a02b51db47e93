import ParkGateModel

/// Request bytes → the `jdata` JSON object's members, or a 203.
public enum RoadsideDecoder {
    public static func members(
        contentType: String?, body: [UInt8]
    ) throws(RoadsideError) -> [(key: String, value: JSONValue)] {
        try members(jdata: jdata(contentType: contentType, body: body))
    }

    /// The `jdata` parameter's bytes, decoded from the body's encoding.
    public static func jdata(contentType: String?, body: [UInt8]) throws(RoadsideError) -> [UInt8] {
        do {
            return try WireBody.parameter("jdata", in: body, encoding: WireBody.encoding(contentType: contentType, body: body))
        } catch {
            switch error {
            case .missingParameter(let name): throw RoadsideError(.unparseable, "no \(name) parameter in the request body")
            case .badEncoding(let reason): throw RoadsideError(.unparseable, reason)
            }
        }
    }

    /// The members of the `jdata` object.
    public static func members(jdata: [UInt8]) throws(RoadsideError) -> [(key: String, value: JSONValue)] {
        do {
            return try JSONObjectParser.parse(jdata)
        } catch {
            switch error {
            case .notUTF8: throw RoadsideError(.unparseable, "jdata is not valid UTF-8")
            case .tooDeep: throw RoadsideError(.unparseable, "jdata nests deeper than \(JSONObjectParser.maxDepth) levels")
            case .notObject: throw RoadsideError(.unparseable, "jdata is JSON but not an object")
            case .notJSON: throw RoadsideError(.unparseable, "jdata is not parseable JSON")
            }
        }
    }

    /// Decoding and structural validation together: what the fuzzer exercises.
    public static func decode(
        contentType: String?, body: [UInt8], endpoint: RoadsideEndpoint, strict: Bool
    ) throws(RoadsideError) -> RoadsideMessage {
        try RoadsideValidator(strict: strict).validate(members(contentType: contentType, body: body), endpoint: endpoint)
    }
}
