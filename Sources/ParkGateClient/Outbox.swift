import Foundation
import Synchronization

/// What a sender must keep until the receiver has acknowledged it (roadside section 1 item 5:
/// "客户端应当保存未传输成功的数据 … 直至数据传输成功为止").
public struct OutboxItem: Sendable, Codable, Hashable {
    public var id: UInt64
    public var interface: String
    public var payload: String
    public var attempts: Int
    public var due: Date

    public init(id: UInt64, interface: String, payload: String, attempts: Int = 0, due: Date) {
        self.id = id
        self.interface = interface
        self.payload = payload
        self.attempts = attempts
        self.due = due
    }
}

/// The outbox a client needs: append, take what is due, acknowledge, reschedule.
public protocol Outbox: Sendable {
    func append(interface: String, payload: String, now: Date) throws -> OutboxItem
    func takeDue(now: Date, limit: Int) -> [OutboxItem]
    func acknowledge(_ id: UInt64) throws
    func reschedule(_ id: UInt64, at due: Date) throws
    var pending: Int { get }
}

/// An outbox in memory (for simulators and tests).
public final class MemoryOutbox: Outbox {
    private let state = Mutex<(next: UInt64, items: [UInt64: OutboxItem])>((1, [:]))

    public init() {}

    public func append(interface: String, payload: String, now: Date) -> OutboxItem {
        state.withLock { state in
            let item = OutboxItem(id: state.next, interface: interface, payload: payload, due: now)
            state.next += 1
            state.items[item.id] = item
            return item
        }
    }

    public func takeDue(now: Date, limit: Int) -> [OutboxItem] {
        state.withLock { state in
            let due = state.items.values.filter { $0.due <= now }.sorted { $0.id < $1.id }.prefix(limit)
            for item in due { state.items[item.id]?.due = .distantFuture }
            return Array(due)
        }
    }

    public func acknowledge(_ id: UInt64) { _ = state.withLock { $0.items.removeValue(forKey: id) } }

    public func reschedule(_ id: UInt64, at due: Date) {
        state.withLock { state in
            state.items[id]?.due = due
            state.items[id]?.attempts += 1
        }
    }

    public var pending: Int { state.withLock { $0.items.count } }
}

/// An outbox journalled to a file, so a device or vendor gateway that restarts still sends what
/// it had not delivered. Each line is one JSON record: an item, or the id it acknowledges.
public final class FileOutbox: Outbox {
    private struct Line: Codable {
        var item: OutboxItem?
        var ack: UInt64?
    }

    private let memory = MemoryOutbox()
    private let handle: FileHandle
    private let lock = Mutex(())

    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        var items: [UInt64: OutboxItem] = [:]
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard let record = try? JSONDecoder().decode(Line.self, from: Data(line.utf8)) else { continue }
            if let item = record.item { items[item.id] = item }
            if let ack = record.ack { items[ack] = nil }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        for item in items.values.sorted(by: { $0.id < $1.id }) {
            let restored = memory.append(interface: item.interface, payload: item.payload, now: item.due)
            try write(Line(item: restored))
        }
    }

    private func write(_ line: Line) throws {
        var data = try JSONEncoder().encode(line)
        data.append(10)
        try lock.withLock { _ in
            try handle.write(contentsOf: data)
            try handle.synchronize()
        }
    }

    public func append(interface: String, payload: String, now: Date) throws -> OutboxItem {
        let item = memory.append(interface: interface, payload: payload, now: now)
        try write(Line(item: item))
        return item
    }

    public func takeDue(now: Date, limit: Int) -> [OutboxItem] { memory.takeDue(now: now, limit: limit) }

    public func acknowledge(_ id: UInt64) throws {
        memory.acknowledge(id)
        try write(Line(ack: id))
    }

    public func reschedule(_ id: UInt64, at due: Date) { memory.reschedule(id, at: due) }

    public var pending: Int { memory.pending }
}
