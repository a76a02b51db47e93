import ArgumentParser
import Foundation
import ParkGateApp
import ParkGateProtocols
import ParkGateStore

struct ParkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "park", abstract: "Parking lots that report over T/CPMI, their accounts and secrets.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a parking lot or change it.")
        @OptionGroup var store: StoreOptions
        @Option(help: "parkCode.") var code: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Total spaces (totalNum).") var total: Int
        @Option(help: "Login account (parkUserName).") var user: String
        @Option(help: "Login password (parkUserPwd).") var password: String
        @Option(help: "Key-pool secret appended to signatures.") var secret: String?
        @Option(help: "on (default) or off for systems that do not sign.") var signature: String = "on"

        func validate() throws {
            guard total > 0 else { throw ValidationError("--total must be more than 0") }
            guard ["on", "off"].contains(signature) else { throw ValidationError("--signature is on or off") }
            guard !code.isEmpty, code.count <= 50, !user.isEmpty, !password.isEmpty else { throw ValidationError("--code, --user and --password are required") }
        }

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let now = Date()
            let hash = try PasswordHash.make(password)
            try await platform.withReadyStore { store in
                let existing = try await store.park(code: code)
                if let other = try await store.park(account: user), other.code != code {
                    throw ValidationError("account \(user) belongs to park \(other.code)")
                }
                let park = ParkRecord(
                    code: code, name: name, totalSpaces: total, emptySpaces: existing?.emptySpaces, account: user, passwordHash: hash,
                    secret: secret ?? existing?.secret, signatureOn: signature == "on", createdAt: existing?.createdAt ?? now, updatedAt: now)
                try await store.savePark(park)
                try await AuditLog(store: store).record(cliUser(), existing == nil ? "park.create" : "park.save", target: "park:\(code)",
                                                        before: existing, after: park, channel: "cli")
            }
            print("park \(code) \(name): \(total) spaces, account \(user), signature \(signature)\(secret == nil ? "" : ", secret set")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List parking lots.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let parks = try await platform.withReadyStore { try await $0.parks() }
            print("code\tname\ttotal\tempty\taccount\tsignature")
            for park in parks {
                print("\(park.code)\t\(park.name)\t\(park.totalSpaces)\t\(park.emptySpaces.map(String.init) ?? "-")\t\(park.account)\t\(park.signatureOn ? "on" : "off")")
            }
        }
    }
}
