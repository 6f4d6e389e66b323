extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, carriage returns and newlines.
    package func trimmingWhitespace() -> String {
        var text = self[...]
        // Character.isWhitespace also covers "\r\n", which Swift treats as one character.
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}

extension String {
    /// The text as an error message shows a user's value: control characters written as
    /// escapes (`\n`, `\t`, `\u{1B}`), so that one message stays one line.
    package var shownInMessage: String {
        var text = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.isHiddenControl: text += "\\u{\(String(scalar.value, radix: 16))}"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

extension String {
    /// The text as the lab writes it to a terminal when it may hold text from a run folder:
    /// line breaks, tabs and carriage returns pass, every other control character (an escape
    /// sequence's ESC, C1 controls such as CSI) is shown as an escape and never sent.
    package var shownOnTerminal: String {
        guard unicodeScalars.contains(where: \.isHiddenControl) else { return self }
        var text = ""
        for scalar in unicodeScalars {
            if scalar.isHiddenControl {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

extension Unicode.Scalar {
    /// A control character other than a line break, tab or carriage return: C0, DEL and C1.
    package var isHiddenControl: Bool {
        (value < 0x20 && self != "\n" && self != "\t" && self != "\r") || (0x7f...0x9f).contains(value)
    }
}

extension Double {
    /// The shortest text that reads back as this number, whole numbers without `.0`: `2`,
    /// `0.5`. Parameter values, goals and the seconds in messages are written this way.
    package var shortText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
