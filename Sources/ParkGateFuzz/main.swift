import ParkGateProtocols

// libFuzzer entry: the first byte picks the endpoint and the body encoding, the rest is the body.
// Build: swift build --sanitize=fuzzer -Xswiftc -parse-as-library --product ParkGateFuzz (see scripts/fuzz).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoadsideDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let endpoints = RoadsideEndpoint.allCases
    let endpoint = endpoints[Int(selector) % endpoints.count]
    let contentTypes: [String?] = [
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ", "application/json", nil,
    ]
    let contentType = contentTypes[Int(selector >> 4) % contentTypes.count]
    do {
        let message = try RoadsideDecoder.decode(contentType: contentType, body: body, endpoint: endpoint, strict: selector & 8 != 0)
        // Every required field of an accepted message is present and non-empty.
        for field in endpoint.fields where field.required {
            precondition(message[field.name] != nil, "accepted message without \(field.name)")
        }
    } catch {
        precondition(error.code != .success, "decoder failed with a success code")
    }
    return 0
}
