import Foundation
import ParkGateModel

/// Extracting one named parameter from an HTTP body in the encodings the documents use:
/// `application/x-www-form-urlencoded`, `multipart/form-data`, or the JSON object itself.
public enum WireBody {
    public enum Encoding: Sendable, Equatable {
        case form, multipart(boundary: String), json
    }

    public enum Failure: Error, Equatable, Sendable {
        case missingParameter(String)
        case badEncoding(String)
    }

    /// The body encoding a `Content-Type` names; a missing or unknown type is sniffed: a body
    /// that starts with `{` is JSON, anything else a form.
    public static func encoding(contentType: String?, body: some Collection<UInt8>) -> Encoding {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("multipart/form-data") {
            if let boundary = parameter("boundary", inHeader: contentType ?? "") { return .multipart(boundary: boundary) }
        }
        if type.hasPrefix("application/x-www-form-urlencoded") { return .form }
        if type.hasPrefix("application/json") || type.hasPrefix("text/json") { return .json }
        let first = body.first { !(Character(UnicodeScalar($0)).isWhitespace) }
        return first == UInt8(ascii: "{") ? .json : .form
    }

    /// The bytes of parameter `name` (for JSON, the whole body).
    public static func parameter(_ name: String, in body: [UInt8], encoding: Encoding) throws(Failure) -> [UInt8] {
        switch encoding {
        case .json:
            return body
        case .form:
            guard let value = try formValue(name, in: body) else { throw .missingParameter(name) }
            return value
        case .multipart(let boundary):
            guard let value = try Multipart.value(name, in: body, boundary: boundary) else { throw .missingParameter(name) }
            return value
        }
    }

    /// Percent-decodes the first `name=value` pair of a form body.
    static func formValue(_ name: String, in body: [UInt8]) throws(Failure) -> [UInt8]? {
        let wanted = Array(name.utf8)
        var start = 0
        while start <= body.count {
            let end = body[start...].firstIndex(of: UInt8(ascii: "&")) ?? body.count
            let pair = body[start..<end]
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let key = try percentDecode(pair[pair.startIndex..<(equals ?? pair.endIndex)])
            if key == wanted {
                guard let equals else { return [] }
                return try percentDecode(pair[(equals + 1)..<pair.endIndex])
            }
            start = end + 1
        }
        return nil
    }

    static func percentDecode(_ bytes: ArraySlice<UInt8>) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = JSONText.hexValue(bytes[index + 1]), let low = JSONText.hexValue(bytes[index + 2]) else {
                    throw .badEncoding("bad percent escape in form body")
                }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// A `key=value` parameter of a header such as `Content-Type` or `Content-Disposition`.
    static func parameter(_ key: String, inHeader header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pieces[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

extension WireBody {
    /// A multipart field with the file name its `Content-Disposition` gives, if any.
    public struct Part: Sendable, Equatable {
        public var filename: String?
        public var bytes: [UInt8]
    }

    /// Multipart field `name` with its file name; nil when there is no such field.
    public static func part(_ name: String, in body: [UInt8], boundary: String) throws(Failure) -> Part? {
        try Multipart.part(name, in: body, boundary: boundary)
    }
}

/// Just enough of RFC 7578 to find one named field.
enum Multipart {
    static func value(_ name: String, in body: [UInt8], boundary: String) throws(WireBody.Failure) -> [UInt8]? {
        try part(name, in: body, boundary: boundary)?.bytes
    }

    static func part(_ name: String, in body: [UInt8], boundary: String) throws(WireBody.Failure) -> WireBody.Part? {
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else { throw .badEncoding("bad multipart boundary") }
        let delimiter = Array("--\(boundary)".utf8)
        var cursor = 0
        guard let first = find(delimiter, in: body, from: 0) else { throw .badEncoding("multipart body without its boundary") }
        cursor = first + delimiter.count
        let crlfCRLF: [UInt8] = [13, 10, 13, 10]
        let nextDelimiter = [13, 10] + delimiter
        while cursor + 2 <= body.count {
            if body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { return nil }
            guard let headersEnd = find(crlfCRLF, in: body, from: cursor) else { throw .badEncoding("multipart part without headers end") }
            let headers = String(decoding: body[cursor..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + 4
            guard let contentEnd = find(nextDelimiter, in: body, from: contentStart) else {
                throw .badEncoding("multipart part without closing boundary")
            }
            for line in headers.split(whereSeparator: \.isNewline)
            where line.lowercased().hasPrefix("content-disposition:") {
                if WireBody.parameter("name", inHeader: String(line)) == name {
                    return WireBody.Part(filename: WireBody.parameter("filename", inHeader: String(line)), bytes: Array(body[contentStart..<contentEnd]))
                }
            }
            cursor = contentEnd + nextDelimiter.count
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let firstByte = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == firstByte, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
