import ParkGateModel

/// Request bytes → the `jdata` JSON object's members, or a 203.
public enum RoadsideDecoder {
    public static func members(
        contentType: String?, body: [UInt8]
    ) throws(RoadsideError) -> [(key: String, value: JSONValue)] {
        let encoding = WireBody.encoding(contentType: contentType, body: body)
        let jdata: [UInt8]
        do {
            jdata = try WireBody.parameter("jdata", in: body, encoding: encoding)
        } catch {
            switch error {
            case .missingParameter(let name): throw RoadsideError(.unparseable, "no \(name) parameter in the request body")
            case .badEncoding(let reason): throw RoadsideError(.unparseable, reason)
            }
        }
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
