import Foundation
import ParkGateModel
import ParkGateProtocols
import Testing

/// The hand-written JSON scanner agrees with Foundation on what is JSON, and reads what it keeps.
@Suite struct JSONScannerTests {
    @Test(arguments: [
        #"{}"#, #" { "a" : "b" } "#, #"{"a":"b","a":"c"}"#, #"{"n":-0.5e+10,"z":0,"t":true,"f":false,"x":null}"#,
        #"{"nested":{"a":[1,{"b":[]},"c"]},"s":"\u00e9\n\"\\\/"}"#, #"{"emoji":"\ud83d\ude00"}"#, #"{"k":"京 A12345"}"#,
    ])
    func acceptsWhatFoundationAccepts(_ text: String) throws {
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil)
        _ = try JSONObjectParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        #"{"a":"b",}"#, #"{"a" "b"}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":tru}"#, #"{"a":"\x"}"#,
        #"{"a":"\u12"}"#, "{\"a\":\"tab\there\"}", #"{"a":"b"} x"#, #"{"a":[1,2}"#, #"{'a':'b'}"#, #"{"a":"b""#, "",
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONObjectParser.Failure.self) { try JSONObjectParser.parse(Array(text.utf8)) }
    }

    @Test func refusesNonObjectsAsSuch() {
        #expect(throws: JSONObjectParser.Failure.notObject) { try JSONObjectParser.parse(Array("[1,2]".utf8)) }
        #expect(throws: JSONObjectParser.Failure.notObject) { try JSONObjectParser.parse(Array(#""text""#.utf8)) }
    }

    @Test func readsMembersInOrderWithTypes() throws {
        let members = try JSONObjectParser.parse(Array(#"{"b":"x\"y","a":7,"c":[1],"d":null,"b":"again","e":"\ud83d\ude00"}"#.utf8))
        #expect(members.map(\.key) == ["b", "a", "c", "d", "b", "e"])
        #expect(members[0].value == .string("x\"y"))
        #expect(members[1].value == .number("7"))
        #expect(members[2].value == .array)
        #expect(members[3].value == .null)
        #expect(members[5].value == .string("😀"))
    }
}
