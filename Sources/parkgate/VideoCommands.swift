import ArgumentParser
import Foundation
import ParkGateApp
import ParkGateModel
import ParkGateStore

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "The video platform's device ledger (一机一档): cameras and service nodes by GB/T 28181 id.",
        subcommands: [Add.self, List.self, Import.self, Export.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a camera or node, or change it (works while the server runs).")
        @OptionGroup var store: StoreOptions
        @Option(help: "GB/T 28181 id: 20 digits, type (digits 11–13) 111–199 for devices, 200–299 for nodes.") var id: String
        @Option(help: "car, face or node.") var kind: String
        @Option(help: "Name.") var name: String
        @Option(help: "The node this device reports through.") var node: String?
        @Option(help: "Place name (点位名称).") var place: String?
        @Option(help: "Longitude.") var longitude: String?
        @Option(help: "Latitude.") var latitude: String?
        @Option(help: "Owner (建设单位).") var owner: String?
        @Option(help: "Install date, yyyy-MM-dd.") var installed: String?
        @Option(help: "Channel count.") var channels: Int = 1

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let device = try await platform.withReadyStore { store in
                let before = try await store.videoDevice(id: id)
                do {
                    let device = try await VideoLedger(store: store).save(
                        id: id, kind: kind, name: name, node: node, place: place, longitude: longitude, latitude: latitude, owner: owner,
                        installed: installed, channels: channels)
                    try await AuditLog(store: store).record(cliUser(), before == nil ? "device.create" : "device.save", target: "video-device:\(id)",
                                                            before: before, after: device, channel: "cli")
                    return device
                } catch let error as VideoLedger.Invalid {
                    throw ValidationError(error.description)
                }
            }
            print("\(device.role) \(device.id) \(device.kind) \(device.name)\(device.nodeId.map { " via node \($0)" } ?? "")")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a ledger CSV (header: id,kind,name,node,place,longitude,latitude,owner,installed,channels); bad lines are reported, good ones saved.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The CSV file.") var csv: String

        func run() async throws {
            guard let text = try? String(contentsOfFile: csv, encoding: .utf8) else { throw ValidationError("cannot read \(csv) as UTF-8") }
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let (saved, problems) = try await platform.withReadyStore { store in
                let result = try await VideoLedger(store: store).importCSV(text)
                try await AuditLog(store: store).record(cliUser(), "device.import", target: "video-ledger", after: ["saved": String(result.saved.count),
                                                        "refused": String(result.problems.count)], channel: "cli")
                return result
            }
            print("imported \(saved.count) devices and nodes")
            for problem in problems { print(problem) }
            if !problems.isEmpty { throw ExitCode(2) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The ledger as CSV (to --out, or standard output).")
        @OptionGroup var store: StoreOptions
        @Option(help: "File to write.") var out: String?

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let devices = try await platform.withReadyStore { try await $0.videoDevices() }
            let text = VideoLedger.exportCSV(devices, time: ChinaTime())
            if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the ledger.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            let devices = try await platform.withReadyStore { try await $0.videoDevices() }
            print("id\trole\tkind\tname\tnode\tplace\tchannels\tstatus")
            for device in devices {
                print([device.id, device.role, device.kind, device.name, device.nodeId ?? "", device.place ?? "", String(device.channels), device.status]
                    .joined(separator: "\t"))
            }
        }
    }
}

struct VideoAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video-account", abstract: "Digest accounts of the video platform's authenticate (RFC 7616).", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account or change its password (only digests of it are kept).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Username.") var user: String
        @Option(help: "Password.") var password: String

        func run() async throws {
            let platform = try Platform.open(try await store.resolve(), logger: commandLogger())
            try await platform.withReadyStore { store in
                do {
                    let account = try await VideoLedger(store: store).saveAccount(username: user, password: password)
                    try await AuditLog(store: store).record(cliUser(), "video-account.save", target: "video-account:\(account.username)", channel: "cli")
                } catch let error as VideoLedger.Invalid {
                    throw ValidationError(error.description)
                }
            }
            print("video account \(user) saved (realm \"ParkGate video\")")
        }
    }
}
