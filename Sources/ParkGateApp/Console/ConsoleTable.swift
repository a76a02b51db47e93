import Foundation
import Hummingbird
import ParkGateModel

/// A list page: filters, columns, rows with links and actions, paging, and the same list as CSV.
struct ConsoleTable {
    struct Filter {
        var name: String
        var label: String
        var options: [(value: String, label: String)] = []
        var size = 12
    }

    struct Cell {
        var text: String
        var href: String? = nil
    }

    struct Action {
        var path: String
        var label: String
        var name: String
    }

    var title: String
    var active: String
    var filters: [Filter]
    var columns: [String]
    var rows: [(cells: [Cell], actions: [Action])] = []
    var nextCursor: String? = nil
    var before = ""
    var after = ""
    var total: Int? = nil
}

extension Console {
    func render(_ table: ConsoleTable, _ request: Request, _ context: AppRequestContext) -> Response {
        let query = request.uri.queryParameters
        if query.text("format") == "csv" {
            let name = table.active.isEmpty ? "export" : table.active
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
                body: .init(byteBuffer: ByteBuffer(string: CSV.spreadsheet([table.columns] + table.rows.map { $0.cells.map(\.text) }))))
        }
        let t = words(request)
        let filters: [[String: Any]] = table.filters.map { filter in
            let value = query.text(filter.name) ?? ""
            return [
                "name": filter.name, "label": filter.label, "value": value, "size": filter.size, "hasOptions": !filter.options.isEmpty,
                "options": filter.options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == value] as [String: Any] },
            ]
        }
        let hasActions = table.rows.contains { !$0.actions.isEmpty }
        let rows: [[String: Any]] = table.rows.map { row in
            [
                "cells": row.cells.map { cell -> [String: Any] in
                    var values: [String: Any] = ["text": cell.text]
                    if let href = cell.href { values["href"] = href }
                    return values
                },
                "hasActions": hasActions,
                "actions": row.actions.map { ["action": $0.path, "label": $0.label, "name": $0.name] },
            ]
        }
        var values: [String: Any] = [
            "filters": filters, "columns": table.columns, "rows": rows, "hasActions": hasActions, "before": table.before, "after": table.after,
            "csv": link(request, ["format": "csv", "limit": "100000", "cursor": nil]), "firstPage": link(request, ["cursor": nil]),
            "isPaged": query.text("cursor") != nil,
        ]
        if let total = table.total { values["total"] = total }
        if let next = table.nextCursor { values["next"] = link(request, ["cursor": next]) }
        _ = t
        return page(request, context, title: table.title, active: table.active, template: "table", values)
    }

    /// The current page's address with some query parameters changed (nil removes one).
    func link(_ request: Request, _ changes: [String: String?]) -> String {
        var items: [(String, String)] = []
        for (key, value) in request.uri.queryParameters where changes[String(key)] == nil {
            items.append((String(key), String(value)))
        }
        for (key, value) in changes { if let value = value { items.append((key, value)) } }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let query = items.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
        return request.uri.path + (query.isEmpty ? "" : "?" + query)
    }

    func stamp(_ date: Date?) -> String {
        guard let date else { return "" }
        let text = Array(time.formatCompact(date))
        return "\(String(text[0...3]))-\(String(text[4...5]))-\(String(text[6...7])) \(String(text[8...9])):\(String(text[10...11])):\(String(text[12...13]))"
    }
}
