import ArgumentParser
import Foundation
import ParkGateApp
import ParkGateModel
import ParkGateStore

/// Runs `body` on the store with the registry's refusals as the command's usage errors.
func withHenanRegistry<T: Sendable>(_ options: StoreOptions, _ body: @Sendable (any Store, HenanRegistry) async throws -> T) async throws -> T {
    let platform = try Platform.open(try await options.resolve(), logger: commandLogger())
    return try await platform.withReadyStore { store in
        do {
            return try await body(store, HenanRegistry(store: store))
        } catch let invalid as HenanRegistry.Invalid {
            throw ValidationError(invalid.description)
        }
    }
}

struct OrganCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organ", abstract: "Henan city platform: the accounts enterprises' gate systems call getAccessToken with.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or change an organ account (works while the server runs).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The organ code (10 digits, e.g. 4110020001).") var organ: String
        @Option(help: "Username.") var user: String
        @Option(help: "Password (only a slow salted hash is kept).") var password: String

        func run() async throws {
            let saved = try await withHenanRegistry(store) { store, registry in
                let saved = try await registry.saveOrgan(organ: organ, username: user, password: password)
                try await AuditLog(store: store).record(cliUser(), "organ.save", target: "organ:\(organ)", after: saved, channel: "cli")
                return saved
            }
            print("organ \(saved.organ) user \(saved.username) saved")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the organ accounts.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            for organ in try await withHenanRegistry(store, { store, _ in try await store.henanOrgans() }) { print("\(organ.organ)\t\(organ.username)") }
        }
    }
}

struct EnterpriseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enterprise", abstract: "Henan city platform: enterprises by their 6.2 code.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an enterprise or change it (works while the server runs).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Enterprise code (6.2: district 6 digits + serial 4, e.g. 4110020001).") var code: String
        @Option(help: "Name.") var name: String
        @Option(help: "Industry (7.16, 1–54).") var industry: String?
        @Option(name: .customLong("sub-industry"), help: "Sub-industry (7.16, e.g. A401).") var subIndustry: String?
        @Option(name: .customLong("control-type"), help: "Enterprise control type (7.21, 1–9).") var controlType: String?

        func run() async throws {
            let saved = try await withHenanRegistry(store) { store, registry in
                let before = try await store.henanEnterprise(code: code)
                let saved = try await registry.saveEnterprise(code: code, name: name, industry: industry, subIndustry: subIndustry, controlType: controlType)
                try await AuditLog(store: store).record(cliUser(), before == nil ? "enterprise.create" : "enterprise.save", target: "enterprise:\(code)",
                                                        before: before, after: saved, channel: "cli")
                return saved
            }
            let industryName = saved.industry.flatMap(HenanIndustry.name(of:)).map { " \($0)" } ?? ""
            print("enterprise \(saved.code) \(saved.name)\(industryName)\(saved.controlType.flatMap { HenanCompanyControlType(code: $0)?.label }.map { " \($0)" } ?? "")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the enterprises.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            for e in try await withHenanRegistry(store, { store, _ in try await store.henanEnterprises() }) {
                print([e.code, e.name, e.industry ?? "", e.subIndustry ?? "", e.controlType ?? ""].joined(separator: "\t"))
            }
        }
    }
}

struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Henan city platform: an enterprise's gates (6.3 codes, 7.15 types).", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a gate or change its type (works while the server runs).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The enterprise's code.") var enterprise: String
        @Option(help: "Gate code (6.3: 01, 02, …).") var code: String
        @Option(help: "A exit only, B entry only, C both (7.15).") var type: String

        func run() async throws {
            let saved = try await withHenanRegistry(store) { store, registry in
                let saved = try await registry.saveGate(enterprise: enterprise, code: code, type: type)
                try await AuditLog(store: store).record(cliUser(), "gate.save", target: "gate:\(enterprise)-\(code)", after: saved, channel: "cli")
                return saved
            }
            print("gate \(saved.enterprise)-\(saved.code) \(HenanGateDirection(code: saved.type)?.label ?? saved.type)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the gates, of one enterprise or all.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this enterprise's.") var enterprise: String?

        func run() async throws {
            for gate in try await withHenanRegistry(store, { store, _ in try await store.henanGates(enterprise: enterprise) }) {
                print("\(gate.enterprise)\t\(gate.code)\t\(gate.type)")
            }
        }
    }
}

struct CityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "city", abstract: "Henan provincial platform: the city platforms that report to it.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Authorise a city platform, or change it (works while the server runs).")
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("org-secret"), help: "The orgSecret the city presents (GetAuthorizationOrg).") var orgSecret: String
        @Option(help: "Username.") var user: String
        @Option(help: "Password (only a slow salted hash is kept).") var password: String
        @Option(help: "The city bureau's 6.1 code (4101000000 … 4117000000).") var organ: String

        func run() async throws {
            let saved = try await withHenanRegistry(store) { store, registry in
                let saved = try await registry.saveCity(organ: organ, username: user, password: password, orgSecret: orgSecret)
                try await AuditLog(store: store).record(cliUser(), "city.save", target: "city:\(organ)", after: saved, channel: "cli")
                return saved
            }
            print("city \(saved.organ) \(HenanNumbering.organisationName(saved.organ) ?? "") user \(saved.username) saved")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the authorised cities.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            for city in try await withHenanRegistry(store, { store, _ in try await store.henanCities() }) {
                print("\(city.organ)\t\(HenanNumbering.organisationName(city.organ) ?? "")\t\(city.username)")
            }
        }
    }
}

struct ControlProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control-project", abstract: "Henan city platform: heavy-pollution control projects (重污染应急管控方案) the gate checks apply.",
        subcommands: [Run.self, Close.self, List.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a control project (works while the server runs; prints its code).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Name (controlProject).") var name: String
        @Option(help: "Level 7.18: 1 yellow, 2 orange, 3 red, 4 other.") var level: String
        @Option(help: "Area 7.19: 1 whole city, 2 diesel-truck ban zone.") var area: String = "1"
        @Option(help: "controlType: 1 by industry, 2 by enterprise control type, 3 both.") var scope: String
        @Option(help: "Industries 7.16, comma-separated.") var industries: String = ""
        @Option(name: .customLong("company-types"), help: "Enterprise control types 7.21, comma-separated.") var companyTypes: String = ""
        @Option(help: "Strategy 7.20 (1–7).") var strategy: String
        @Option(help: "Start, yyyy-MM-dd HH:mm:ss (default now).") var start: String?
        @Option(help: "Expected end, yyyy-MM-dd HH:mm:ss.") var end: String?
        @Option(help: "Remark.") var remark: String?

        func run() async throws {
            let time = ChinaTime()
            func instant(_ text: String?, _ name: String) throws -> Date? {
                guard let text else { return nil }
                guard let date = time.parseDashed(text) else { throw ValidationError("--\(name) takes yyyy-MM-dd HH:mm:ss") }
                return date
            }
            let (from, to) = (try instant(start, "start") ?? Date(), try instant(end, "end"))
            let list: @Sendable (String) -> [String] = { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            let project = try await withHenanRegistry(store) { store, _ in
                do {
                    let project = try await HenanProjectBook(store: store).run(
                        name: name, level: level, area: area, scope: scope, industries: list(industries), companyTypes: list(companyTypes),
                        strategy: strategy, start: from, end: to, remark: remark)
                    try await AuditLog(store: store).record(cliUser(), "control-project.run", target: "control-project:\(project.code)", after: project, channel: "cli")
                    return project
                } catch let invalid as HenanProjectBook.Invalid {
                    throw ValidationError(invalid.description)
                }
            }
            print("control project \(project.code) \(project.name): \(HenanControlStrategy(code: project.strategy)?.label ?? project.strategy)")
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a control project now.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The project's code.") var code: String

        func run() async throws {
            let project = try await withHenanRegistry(store) { store, _ in
                do {
                    let project = try await HenanProjectBook(store: store).close(code: code)
                    try await AuditLog(store: store).record(cliUser(), "control-project.close", target: "control-project:\(code)", after: project, channel: "cli")
                    return project
                } catch let invalid as HenanProjectBook.Invalid {
                    throw ValidationError(invalid.description)
                }
            }
            print("control project \(project.code) closed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the control projects, newest first.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let time = ChinaTime()
            for p in try await withHenanRegistry(store, { store, _ in try await store.henanProjects() }) {
                print([p.code, p.name, p.level, p.area, p.scope, p.strategy, p.industries.joined(separator: ","), p.companyTypes.joined(separator: ","),
                       time.formatDashed(p.start), p.end.map(time.formatDashed) ?? "", p.closedAt.map { "closed " + time.formatDashed($0) } ?? "open"]
                    .joined(separator: "\t"))
            }
        }
    }
}

/// `parkgate scan-licence --file X.jpg`: what DrivingLicenseScanEx would read from a picture,
/// for an operator checking a camera's pictures or the OCR installation.
struct ScanLicenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-licence", abstract: "Henan: read a driving licence picture (JPEG) as DrivingLicenseScanEx does; prints the fields as JSON.")
    @Option(help: "The JPEG picture.") var file: String

    func run() async throws {
        guard let scanner = LicenceScanner.installed() else {
            throw ValidationError("tesseract with chi_sim is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        guard let fields = await scanner.scan(bytes) else { throw ValidationError("tesseract could not read \(file)") }
        let json = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: json, as: UTF8.self))
    }
}

/// `parkgate relay status|retry`: the city role's outbox to its province.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Henan city platform: what waits to be sent to the provincial platform.", subcommands: [Status.self, Retry.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The backlog by method: pending, sent, refused, the oldest waiting, the last error.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let backlog = try await withHenanRegistry(store) { store, _ in try await store.henanRelayBacklog() }
            print("method\tpending\tsent\trefused\toldest pending\tlast error")
            let time = ChinaTime()
            for row in backlog {
                print([row.method, String(row.pending), String(row.sent), String(row.refused), row.oldestPending.map(time.formatDashed) ?? "-",
                       row.lastError ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue the refused calls again (after fixing what the province refused).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this method (e.g. SendEnterExitDataEx).") var method: String?

        func run() async throws {
            let count = try await withHenanRegistry(store) { store, _ in
                let count = try await store.retryHenanRelay(method: method, now: Date())
                try await AuditLog(store: store).record(cliUser(), "henan-relay.retry", target: "henan-relay:\(method ?? "all")", after: ["retried": count], channel: "cli")
                return count
            }
            print("\(count) queued again")
        }
    }
}

/// `parkgate vehicle mark|marks`: blacklists and exemptions the control engine applies.
struct VehicleMarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vehicle", abstract: "Henan: a vehicle's blacklist (7.4) and exemption (7.14), applied by getCheckVehicle and VehVerifyEx.",
        subcommands: [Mark.self, Marks.self])

    struct Mark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set (or, with neither option, clear) a vehicle's blacklist and exemption.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Plate (e.g. 豫K12345).") var license: String
        @Option(help: "Plate colour, 7.1 (0 blue, 1 yellow, 4 new energy …).") var color: String
        @Option(help: "Blacklist type, 7.4 (1–6, 9).") var blacklist: String?
        @Option(help: "Exemption type, 7.14.") var exemption: String?
        @Option(help: "Why (kept with the mark and in the user log).") var reason: String?

        func run() async throws {
            let mark = try await withHenanRegistry(store) { store, registry in
                let mark = try await registry.markVehicle(license: license, color: color, blacklist: blacklist, exemption: exemption, reason: reason)
                try await AuditLog(store: store).record(cliUser(), "henan-vehicle.mark", target: "henan-vehicle:\(license)/\(color)", after: mark, channel: "cli")
                return mark
            }
            print(mark.blacklist == nil && mark.exemption == nil ? "\(license) cleared" : "\(license) blacklist \(mark.blacklist ?? "-") exemption \(mark.exemption ?? "-")")
        }
    }

    struct Marks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the marked vehicles.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let marks = try await withHenanRegistry(store) { store, _ in try await store.henanVehicleMarks(license: nil, color: nil) }
            print("plate\tcolour\tblacklist\texemption\treason")
            for m in marks { print([m.license, m.licenseColor, m.blacklist ?? "-", m.exemption ?? "-", m.reason ?? "-"].joined(separator: "\t")) }
        }
    }
}
