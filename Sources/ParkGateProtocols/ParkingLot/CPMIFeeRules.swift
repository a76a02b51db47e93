import Foundation
import ParkGateModel
import ParkGateStore

/// A park's fee rules as T/CPMI synchronises them: the temporary price (16), card records (19)
/// with their windows (20), read into the fee engine's types.
public struct CPMIFeeRules: Sendable {
    let store: any Store
    let time: ChinaTime

    public init(store: any Store, time: ChinaTime) { (self.store, self.time) = (store, time) }

    /// The park's temporary price, nil when none has been synchronised.
    public func tariff(parkCode: String) async throws -> Tariff? {
        try await store.syncEntries(parkCode: parkCode, interface: CPMIInterface.temporaryPrice.code).first.map { Tariff(syncValues: $0.data) }
    }

    /// The enabled cards naming `plate`.
    public func cards(parkCode: String, plate: String) async throws -> [ParkingCard] {
        guard !plate.isEmpty else { return [] }
        let records = try await store.syncEntries(parkCode: parkCode, interface: CPMIInterface.monthlyCardRecord.code)
        let prices = try await store.syncEntries(parkCode: parkCode, interface: CPMIInterface.monthlyCardPrice.code)
        return records.flatMap { record -> [ParkingCard] in
            let size = record.data["carSize"] ?? ""
            let price = prices.first { $0.key == size } ?? prices.first { $0.key.isEmpty } ?? prices.first
            return ParkingCard.cards(record: record.data, prices: price?.data, time: time).filter { $0.plates.contains(plate) }
        }
    }

    /// What ParkGate computes for a stay, nil without a temporary price.
    public func quote(parkCode: String, plate: String, entry: Date, exit: Date, coupons: [Coupon] = [], paid: Money = Money(fen: 0)) async throws -> FeeQuote? {
        guard let tariff = try await tariff(parkCode: parkCode) else { return nil }
        let cards = try await cards(parkCode: parkCode, plate: plate)
        return FeeEngine.quote(entry: entry, exit: exit, tariff: tariff, cards: cards, coupons: coupons, paid: paid, time: time)
    }
}
