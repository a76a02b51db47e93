import ParkGateModel
import Testing

@Suite struct GBDeviceIDTests {
    @Test func devicesAndNodes() throws {
        // The example: type 132 (IP camera), a front-end device.
        let camera = try GBDeviceID.parse("35020000001320000001", as: .device).get()
        #expect(camera.type == 132)
        #expect(throws: GBDeviceID.Problem.self) { try GBDeviceID.parse("35020000001320000001", as: .node).get() }
        #expect(try GBDeviceID.parse("35020000002000000001", as: .node).get().type == 200)
        for bad in ["3502000000132000000", "350200000013200000012", "3502000000132000000A", "35020000001100000001", "35020000003000000001", ""] {
            #expect(throws: GBDeviceID.Problem.self, "\(bad)") { try GBDeviceID.parse(bad, as: .device).get() }
        }
    }
}
