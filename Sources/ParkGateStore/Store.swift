import Foundation
import ParkGateModel

/// Everything ParkGate keeps. One contract, two databases (SQLite and PostgreSQL); the same
/// contract test suite runs against both.
public protocol Store: Sendable {
    var dialect: SQLDialect { get }
    func migrate() async throws

    // Vendors and credentials
    /// Creates the vendors of table 4.3 that do not exist yet (without keys).
    func seedVendors(_ rows: [SeedVendor], at time: Date) async throws
    func saveVendor(_ vendor: VendorRecord) async throws
    func vendor(code: String) async throws -> VendorRecord?
    func vendors() async throws -> [VendorRecord]
    func insertToken(_ token: TokenRecord) async throws
    func token(_ value: String) async throws -> TokenRecord?
    @discardableResult func deleteTokens(expiredBefore time: Date) async throws -> Int
    func saveUser(_ user: UserRecord) async throws
    func user(named username: String) async throws -> UserRecord?
    func users() async throws -> [UserRecord]
    /// Deletes the user and its API tokens.
    @discardableResult func deleteUser(named username: String) async throws -> Bool
    func appendAudit(_ entry: AuditEntry) async throws
    func audit(_ query: AuditQuery) async throws -> Page<AuditEntry>

    // Ingest
    /// Stores a batch of accepted messages in one transaction, with their consequences
    /// (events, devices, berths, sessions, alarms, findings). Outcomes are in batch order.
    func ingest(_ batch: [IngestCommand]) async throws -> [IngestOutcome]
    /// Devices online but silent since `silentSince` go offline and raise a device alarm.
    func markSilentDevicesOffline(silentSince: Date, now: Date) async throws -> [DeviceRow]

    // Reads
    func berths(_ query: BerthQuery) async throws -> [BerthRow]
    func sessions(_ query: SessionQuery) async throws -> Page<SessionRow>
    func events(_ query: EventQuery) async throws -> Page<EventRow>
    func alarms(_ query: AlarmQuery) async throws -> Page<AlarmRow>
    func devices(_ query: DeviceQuery) async throws -> [DeviceRow]
    func findings(sender: String?, protocolName: String?) async throws -> [FindingRow]
    func event(id: Int64) async throws -> EventRow?
    func rawMessage(id: Int64) async throws -> RawMessageRow?
    func counts() async throws -> StoreCounts

    // Parking lots (T/CPMI)
    func savePark(_ park: ParkRecord) async throws
    func park(code: String) async throws -> ParkRecord?
    func park(account: String) async throws -> ParkRecord?
    func parks() async throws -> [ParkRecord]
    /// Parks online whose last heartbeat is older than `silentSince` go offline with an alarm
    /// (`park-offline`); the next heartbeat brings them back and clears it.
    func markSilentParksOffline(silentSince: Date, now: Date) async throws -> [ParkRecord]
    /// Stores a login token and revokes the park's earlier ones (B.3.5).
    func replaceParkToken(_ token: TokenRecord) async throws
    /// Stores one uplink report with its answer for replays, in one transaction; or answers a
    /// repeat of its `oprNum`; or refuses it by the rules, storing nothing.
    func recordParking(_ command: ParkingCommand) async throws -> ParkingOutcome
    /// Several reports in one transaction (the writer keeps conflicting ones apart).
    func recordParkingBatch(_ commands: [ParkingCommand]) async throws -> [ParkingOutcome]
    func parkingRecords(parkCode: String?, status: String?, plate: String?, limit: Int, before: String?) async throws -> [ParkingRecordRow]
    func parkingImages(parkCode: String, recordCode: String) async throws -> [ParkingImageRow]
    func parkingRecord(parkCode: String, recordCode: String) async throws -> ParkingRecordRow?
    /// Each reported day with the lot's totals, ParkGate's own and the differences.
    func reconciliations(parkCode: String?) async throws -> [ReconciliationRow]
    func settlements(parkCode: String?) async throws -> [SettlementRow]
    /// A park's equipment, sub-station PCs and channels as last reported.
    func facilities(parkCode: String) async throws -> [FacilityRow]
    /// Remaining spaces as uploaded (7), oldest first, within `from...to`.
    func spaceHistory(parkCode: String, from: Date, to: Date) async throws -> [SpacesRow]
    /// Synchronised tables (12, 16, 19, 20) as last sent, by interface code.
    func syncEntries(parkCode: String, interface: String?) async throws -> [SyncRow]
    // Members (the platform's own, for auto-pay)
    func saveMember(_ member: MemberRecord) async throws
    func member(plate: String) async throws -> MemberRecord?
    func members() async throws -> [MemberRecord]
    @discardableResult func deleteMember(plate: String) async throws -> Bool
    /// Whether a prepayment (10) names this record.
    func isPrepaid(parkCode: String, recordCode: String) async throws -> Bool
    /// The sum of what prepayments (10) for this record have collected (`realPayMoney`).
    func prepaidTotal(parkCode: String, recordCode: String) async throws -> Money
    // Downlink commands (T/CPMI B.3) and the blacklist (28)
    // The Xiamen video platform: digest accounts and the device ledger (一机一档)
    func saveVideoAccount(_ account: VideoAccount) async throws
    func videoAccount(username: String) async throws -> VideoAccount?
    func saveVideoDevice(_ device: VideoDevice) async throws
    func videoDevice(id: String) async throws -> VideoDevice?
    func videoDevices() async throws -> [VideoDevice]
    func touchVideoDevice(id: String, at time: Date) async throws
    func touchVideoDevices(_ touches: [VideoTouch]) async throws
    func markSilentVideoDevicesOffline(silentSince: Date, now: Date) async throws -> [VideoDevice]
    func videoAvailabilityInputs(until: Date) async throws -> [VideoAvailability.Device]
    func deleteVideoCaptures(receivedBefore cutoff: Date, limit: Int) async throws -> (captures: Int, unusedBlobs: [String])
    func oldestVideoCapture() async throws -> Date?
    func videoDevicesOfBlob(_ blob: String) async throws -> [String]
    // The Henan platforms' registry: organ accounts, enterprises, gates, and (provincial role) cities
    func saveHenanOrgan(_ organ: HenanOrgan) async throws
    func henanOrgans() async throws -> [HenanOrgan]
    func henanOrgan(_ organ: String) async throws -> HenanOrgan?
    func saveHenanEnterprise(_ enterprise: HenanEnterprise, relay: [HenanRelayItem]) async throws
    func henanEnterprises() async throws -> [HenanEnterprise]
    func henanEnterprise(code: String) async throws -> HenanEnterprise?
    func saveHenanGate(_ gate: HenanGate, relay: [HenanRelayItem]) async throws
    func henanGates(enterprise: String?) async throws -> [HenanGate]
    func saveHenanCity(_ city: HenanCity) async throws
    func henanCities() async throws -> [HenanCity]
    func saveHenanVehicle(_ vehicle: HenanVehicle, relay: [HenanRelayItem]) async throws
    func henanVehicle(license: String, color: String) async throws -> HenanVehicle?
    func henanVehicles(plate: String?, limit: Int) async throws -> [HenanVehicle]
    @discardableResult func saveHenanPassage(_ passage: HenanPassage, relay: [HenanRelayItem]) async throws -> Bool
    func saveHenanPassages(_ commands: [HenanPassageCommand]) async throws -> [Bool]
    func henanEnteringCount(enterprise: String, from: Date, to: Date) async throws -> Int
    func henanPassages(from: Date, to: Date) async throws -> [HenanPassage]
    func henanProvinceRecordCount(method: String, company: String, from: Date, to: Date) async throws -> Int
    func henanPassages(enterprise: String?, limit: Int) async throws -> [HenanPassage]
    func saveHenanProject(_ project: HenanProject, relay: [HenanRelayItem]) async throws
    func henanProjects() async throws -> [HenanProject]
    @discardableResult func saveHenanPhoto(_ photo: HenanPhoto) async throws -> Bool
    func henanPhotos(lsh: String?, limit: Int) async throws -> [HenanPhoto]
    @discardableResult func saveHenanGoods(_ goods: HenanGoods, relay: [HenanRelayItem]) async throws -> Bool
    func henanGoods(enterprise: String?, limit: Int) async throws -> [HenanGoods]
    func saveHenanLedgerEntry(_ entry: HenanLedgerEntry) async throws
    func henanLedger(kind: HenanLedgerEntry.Kind, enterprise: String?, limit: Int) async throws -> [HenanLedgerEntry]
    func henanLedgerEntry(licensePK: String) async throws -> HenanLedgerEntry?
    func saveHenanVehicleMark(_ mark: HenanVehicleMark) async throws
    func henanVehicleMarks(license: String?, color: String?) async throws -> [HenanVehicleMark]
    func henanVehicle(licensePK: String) async throws -> HenanVehicle?
    // The provincial role: registrations, the cities' reports, ban zones
    func saveHenanProvinceCompany(_ company: HenanProvinceCompany) async throws
    func henanProvinceCompany(code: String?, secret: String?) async throws -> HenanProvinceCompany?
    func henanProvinceCompanies(city: String?) async throws -> [HenanProvinceCompany]
    func saveHenanProvinceGate(_ gate: HenanProvinceGate) async throws
    func henanProvinceGates(company: String?, secret: String?) async throws -> [HenanProvinceGate]
    @discardableResult func saveHenanProvinceRecord(_ record: HenanProvinceRecord) async throws -> Bool
    func henanProvinceRecords(method: String, city: String?, company: String?, limit: Int) async throws -> [HenanProvinceRecord]
    func saveHenanFence(_ fence: HenanFence) async throws
    func henanFences(city: String?) async throws -> [HenanFence]
    // The city role's outbox to its province (records above queue their calls in their own transaction)
    func enqueueHenanRelay(_ items: [HenanRelayItem]) async throws
    func dueHenanRelay(now: Date, limit: Int) async throws -> [HenanRelayItem]
    func henanRelayItems(status: HenanRelayItem.Status?, method: String?, limit: Int) async throws -> [HenanRelayItem]
    func markHenanRelay(ids: [Int64], status: HenanRelayItem.Status, error: String?, next: Date, now: Date) async throws
    func retryHenanRelay(method: String?, now: Date) async throws -> Int
    func henanRelayBacklog() async throws -> [HenanRelayBacklog]
    func setHenanProvinceSecret(enterprise: String, gate: String?, secret: String) async throws
    func henanProvinceSecret(enterprise: String, gate: String?) async throws -> String?
    func henanEnterprise(provinceSecret: String) async throws -> HenanEnterprise?
    func setHenanProjectProvinceCode(_ code: String, provinceCode: String) async throws
    func henanProjectProvinceCode(_ code: String) async throws -> String?
    func videoDeviceChanges(id: String, limit: Int) async throws -> [VideoAvailability.Change]
    /// Keeps one entry of a device's log (login, unregistration, refused request).
    func appendVideoDeviceEvent(_ event: VideoDeviceEvent) async throws
    /// The device log: the events above and every online/offline change, newest first.
    func videoDeviceLog(_ query: VideoDeviceLogQuery) async throws -> [VideoDeviceEvent]
    /// Removes device-log events (not state changes: the availability rate needs them) older than `cutoff`.
    func deleteVideoDeviceEvents(before cutoff: Date, limit: Int) async throws -> Int
    func newCaptureId(now: Date) -> Int64
    func saveVideoCapture(_ capture: VideoCapture) async throws -> Bool
    func videoCaptures(deviceId: String?, plate: String?, from: Date?, to: Date?, limit: Int) async throws -> [VideoCapture]
    @discardableResult func deleteToken(_ value: String) async throws -> Bool
    func newCommandId(now: Date) -> Int64
    /// A prepayment (10) or invoice (31) the platform pushed and the park accepted (source `platform`).
    func savePlatformPrepayment(parkCode: String, _ pay: Prepayment, at: Date) async throws
    func savePlatformInvoice(parkCode: String, _ invoice: InvoiceIssued, at: Date) async throws
    /// An open alarm about a park (vendor `cpmi`, `dev_code` the subject, such as a record code).
    func raiseParkAlarm(kind: String, code: String, parkCode: String, subject: String, messageId: String, description: String, at: Date) async throws
    /// Inserts the command, or updates its state when the id exists.
    func saveCommand(_ command: ParkCommandRecord) async throws
    func command(id: Int64) async throws -> ParkCommandRecord?
    func commands(parkCode: String?, status: String?, limit: Int, before: Int64?) async throws -> [ParkCommandRecord]
    func dueCommands(parkCode: String?, now: Date, limit: Int) async throws -> [ParkCommandRecord]
    func requeueInterruptedCommands(now: Date) async throws
    func saveBlacklistEntry(_ entry: BlacklistEntry) async throws
    func blacklist(activeOnly: Bool) async throws -> [BlacklistEntry]
    func blacklistEntry(plate: String) async throws -> BlacklistEntry?
    func unpaidPlates(above threshold: Money) async throws -> [(plate: String, owed: Money)]
    /// Keeps a synchronised entry (12, 16, 19, 20) the platform sent down and the park accepted.
    func savePlatformSyncEntry(parkCode: String, interface: String, key: String, values: [String: String], removed: Bool, at: Date) async throws
    /// The parks whose records use a blob (to check who may see it).
    func parksOfBlob(_ name: String) async throws -> [String]
    func counts(scope: RecordScope?, since: Date) async throws -> StoreCounts
    /// Arrivals (entries, occupied) and departures (exits, vacant) per hour of event time.
    func hourlyFlows(from: Date, to: Date, scope: RecordScope?) async throws -> [HourlyFlow]
    func alarm(id: Int64) async throws -> AlarmRow?
    /// Acknowledges an open alarm (it stays open); false when there is no open alarm with this id.
    func acknowledgeAlarm(id: Int64, by username: String, at time: Date) async throws -> Bool
    /// Closes an open alarm; false when there is no open alarm with this id.
    func closeAlarm(id: Int64, by username: String, at time: Date) async throws -> Bool

    // Test campaigns (device evaluation)
    /// Creates a campaign with its ground truth; `StoreError.conflict` when the name is taken.
    func createCampaign(_ campaign: CampaignRecord, truth: [TruthEvent]) async throws
    func campaigns() async throws -> [CampaignRecord]
    func campaign(named name: String) async throws -> CampaignRecord?
    func campaignTruth(named name: String) async throws -> [TruthEvent]
    @discardableResult func deleteCampaign(named name: String) async throws -> Bool
    /// The events of the given devices in a park with event or receipt times in `from...to`,
    /// oldest first, with each raw message's finding count.
    func evaluationEvents(parkCode: String, devCodes: [String], from: Date, to: Date) async throws -> [EvaluationEventRow]

    func close() async throws
}

extension Store {
    /// The saves without anything for the province (the provincial role's own copies, tests).
    public func saveHenanEnterprise(_ enterprise: HenanEnterprise) async throws { try await saveHenanEnterprise(enterprise, relay: []) }
    public func saveHenanGate(_ gate: HenanGate) async throws { try await saveHenanGate(gate, relay: []) }
    public func saveHenanVehicle(_ vehicle: HenanVehicle) async throws { try await saveHenanVehicle(vehicle, relay: []) }
    @discardableResult public func saveHenanPassage(_ passage: HenanPassage) async throws -> Bool { try await saveHenanPassage(passage, relay: []) }
    public func saveHenanProject(_ project: HenanProject) async throws { try await saveHenanProject(project, relay: []) }
    @discardableResult public func saveHenanGoods(_ goods: HenanGoods) async throws -> Bool { try await saveHenanGoods(goods, relay: []) }
    public func henanProvinceRecords(method: String, city: String?, limit: Int) async throws -> [HenanProvinceRecord] {
        try await henanProvinceRecords(method: method, city: city, company: nil, limit: limit)
    }
}

