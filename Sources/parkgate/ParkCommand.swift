import ArgumentParser
import Foundation
import ParkGateApp
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
            try await platform.withReadyStore { store in
                let existing = try await store.park(code: code)
                do {
                    let park = try await Parks(store: store).save(
                        code: code, name: name, total: total, account: user, password: password, secret: secret, signatureOn: signature == "on")
                    try await AuditLog(store: store).record(cliUser(), existing == nil ? "park.create" : "park.save", target: "park:\(code)",
                                                            before: existing, after: park, channel: "cli")
                } catch let error as Parks.Invalid {
                    throw ValidationError(error.description)
                }
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
