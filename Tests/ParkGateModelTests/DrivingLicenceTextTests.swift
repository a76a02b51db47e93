import ParkGateModel
import Testing

/// The fields picked out of what tesseract (chi_sim, page segmentation 6) gave for a licence
/// picture `scripts/licence-picture` drew: stray quotes and stops, two fields on a line.
@Suite struct DrivingLicenceTextTests {
    static let ocr = """
        中华人民共和国机动车行驶证
        号牌号码 。 豫K12345      车辆类型 ”重型半挂牵引车
        所有人 ， 许昌运输有限公司
        住址”河南省许昌市魏都区建设路18号
        使用性质 ”货运        品牌型号 ” 解放牌CA4250P66K24T1A:
        车辆识别代号 LFWSRXRJ1A1E12345
        发动机号码 ”87654321
        注册日期”2018-05-10     发证日期 ”2018-05-12
        """

    @Test func fieldsOfAReadLicence() {
        let fields = DrivingLicenceText.fields(from: Self.ocr)
        #expect(fields == [
            "license": "豫K12345", "vehicleType": "Q11", "onwer": "许昌运输有限公司", "address": "河南省许昌市魏都区建设路18号", "useCharacter": "F",
            "model": "解放牌CA4250P66K24T1A", "vin": "LFWSRXRJ1A1E12345", "engineNo": "87654321", "registerDate": "20180510", "issueDate": "20180512",
        ])
    }

    @Test func spacedCharactersAndMissingLabels() {
        // OCR often spaces Chinese characters apart; a label it misread leaves its field out.
        let fields = DrivingLicenceText.fields(from: "号 牌 号 码  豫 K 1 2 3 4 5\n所 有 人  张 三\n车辆识别代 LFW123\n注册日期 2018年05月10日")
        #expect(fields["license"] == "豫K12345" && fields["onwer"] == "张三" && fields["vin"] == nil && fields["registerDate"] == "20180510", "\(fields)")
        #expect(DrivingLicenceText.fields(from: "").isEmpty)
    }
}
