/// A value written as a short text (`relu`, `adam(0.9, 0.999)`), both on the command line and in
/// stored configurations, so JSON configurations read like the flags that made them.
public protocol TextCodable: Codable, CustomStringConvertible {
    /// Parses the text form; `nil` when it is not valid.
    init?(parsing text: String)
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "invalid value '\(text)' for \(Self.self)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
