import ArgumentParser
import Foundation
import ParkGateApp
import ParkGateModel
import ParkGateStore

struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Members (plates) and their auto-pay (无感支付).", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a member or change it.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Plate number.") var plate: String
        @Option(help: "Name.") var name: String?
        @Option(help: "Phone.") var phone: String?
        @Option(name: .customLong("auto-pay"), help: "on or off.") var autoPay: String = "on"

        func run() async throws {
            guard let normalised = Plates.normalised(plate) else { throw ValidationError("--plate is empty") }
            guard ["on", "off"].contains(autoPay) else { throw ValidationError("--auto-pay is on or off") }
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            try await platform.withReadyStore { store in
                let before = try await store.member(plate: normalised)
                let member = MemberRecord(
                    plate: normalised, name: name ?? before?.name, phone: phone ?? before?.phone, autoPay: autoPay == "on",
                    createdAt: before?.createdAt ?? Date(), updatedAt: Date())
                // Queued for every park; the running server's outbox sends them.
                try await Members(store: store, commands: nil).save(member, by: cliUser())
                try await AuditLog(store: store).record(cliUser(), "member.save", target: "member:\(normalised)", before: before, after: member, channel: "cli")
            }
            print("member \(normalised) auto-pay \(autoPay)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List members.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let members = try await platform.withReadyStore { try await $0.members() }
            print("plate\tauto-pay\tname\tphone")
            for member in members { print("\(member.plate)\t\(member.autoPay ? "on" : "off")\t\(member.name ?? "")\t\(member.phone ?? "")") }
        }
    }
}
