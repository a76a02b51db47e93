import Foundation
import ParkGateModel
@testable import ParkGateProtocols
import Testing

@Suite struct RoadsideDecoderTests {
    let token = #"{"comType":"102","dataTime":"20171010123059","comKey":"4A8EE19823CF"}"#

    @Test func readsJdataFromEveryEncoding() throws {
        let form = "jdata=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let multipart = "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"jdata\"\r\n\r\n\(token)\r\n--b--\r\n"
        let inputs: [(String?, String)] = [
            ("application/x-www-form-urlencoded", form), ("multipart/form-data; boundary=b", multipart),
            ("application/json", token), (nil, token), (nil, form),
        ]
        for (contentType, body) in inputs {
            let message = try RoadsideDecoder.decode(contentType: contentType, body: Array(body.utf8), endpoint: .token, strict: false)
            #expect(message["comKey"] == "4A8EE19823CF", "\(contentType ?? "sniffed")")
        }
    }

    /// Stored messages keep their content hashes: a resent copy must compare equal to the copy
    /// stored by an earlier version, so the canonical form may not change.
    @Test func contentHashFormIsStable() {
        let fields = ["token": "T1", "comType": "102", "flowId": "10220240301000000001", "psCode": "P1", "psState": "1",
                      "dataTime": "20240301083000", "devElec": "", "中文": "京A12345"]
        let expected = fields.sorted { $0.key < $1.key }.filter { $0.key != "token" }.map { "\($0.key)=\($0.value)" }
            .joined(separator: "\n")
        #expect(RoadsideGateway.canonical(fields) == Array(expected.utf8))
        #expect(RoadsideGateway.canonical(["token": "x"]).isEmpty)
        #expect(JSONText.hex([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    }

    @Test func documentedVariantsAreNormalisedWithFindings() throws {
        let body = #"{"token":" T ","comType":"102","flowId":"1024000000000000001","parkCode":"A","devCode":"D","psCode":"P","alarmCode ":"1","alarmLevel ":"1","alarmTime ":"20171010123059"}"#
        let lenient = try RoadsideDecoder.decode(contentType: nil, body: Array(body.utf8), endpoint: .alarm, strict: false)
        #expect(lenient["alarmCode"] == "1" && lenient["token"] == "T")
        #expect(lenient.formatError == nil)
        #expect(lenient.findings.count == 4)
        let strict = try RoadsideDecoder.decode(contentType: nil, body: Array(body.utf8), endpoint: .alarm, strict: true)
        #expect(strict.formatError?.code == .badFormat)
    }

    @Test func flowIdRule() {
        #expect(RoadsideValidator.flowIdDeviations("10230000000000000001", comType: "102", endpoint: .msensor).isEmpty)
        #expect(RoadsideValidator.flowIdDeviations("102300000000000001", comType: "102", endpoint: .msensor).count == 1)
        #expect(RoadsideValidator.flowIdDeviations("10130000000000000001", comType: "102", endpoint: .camera).count == 2)
    }

    @Test func unknownDeviceErrorCodesAreFindingsUnlessStrict() throws {
        let body = #"{"token":"T","comType":"102","flowId":"10250000000000000001","parkCode":"A","devCode":"D","psCode":"P","alarmCode":"9","alarmTime":"20171010123059"}"#
        let lenient = try RoadsideDecoder.decode(contentType: nil, body: Array(body.utf8), endpoint: .deverror, strict: false)
        #expect(lenient.formatError == nil && lenient.findings.count == 1)
        let strict = try RoadsideDecoder.decode(contentType: nil, body: Array(body.utf8), endpoint: .deverror, strict: true)
        #expect(strict.formatError?.code == .badFormat)
    }

    @Test func corpusInputsNeverTrap() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/corpus/roadside")
        let files = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
        #expect(!files.isEmpty)
        for file in files {
            let data = Array(try Data(contentsOf: file))
            for endpoint in RoadsideEndpoint.allCases {
                _ = try? RoadsideDecoder.decode(contentType: nil, body: Array(data.dropFirst()), endpoint: endpoint, strict: false)
            }
        }
    }
}
