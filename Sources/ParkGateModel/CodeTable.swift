/// A code list from one of the documents: a closed set of string codes with Chinese labels.
public protocol CodeTable: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {
    /// The label the document gives the code (Simplified Chinese).
    var label: String { get }
}

extension CodeTable {
    /// Looks a code up, or nil when the document does not list it.
    public init?(code: String) { self.init(rawValue: code) }
}
