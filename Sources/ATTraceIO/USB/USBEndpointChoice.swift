/// Which USB device and bulk endpoints carry the AT port of a usbmon capture
/// (formats.md §4: the capture names bus, device and endpoint, not the interface).
public struct USBEndpointChoice: Hashable, Sendable, CustomStringConvertible {
    public var bus: UInt16
    public var device: UInt8
    /// The bulk OUT endpoint number (host → modem).
    public var outEndpoint: UInt8
    /// The bulk IN endpoint number (modem → host), without the direction bit.
    public var inEndpoint: UInt8
    /// `true` when the pair was chosen by content rather than by `--usb-device`/`--usb-endpoint`.
    public var isAutomatic: Bool
    /// Payloads of the pair that parse as AT, and all payloads of the pair, in the part of
    /// the capture that was scored.
    public var atPayloads: Int
    public var payloads: Int

    public init(bus: UInt16, device: UInt8, outEndpoint: UInt8, inEndpoint: UInt8, isAutomatic: Bool,
                atPayloads: Int = 0, payloads: Int = 0) {
        self.bus = bus
        self.device = device
        self.outEndpoint = outEndpoint
        self.inEndpoint = inEndpoint
        self.isAutomatic = isAutomatic
        self.atPayloads = atPayloads
        self.payloads = payloads
    }

    /// `1.5` (bus.device), as `--usb-device` takes it and tcpdump prints it.
    public var deviceName: String { "\(bus).\(device)" }

    public static func endpointName(_ number: UInt8, input: Bool) -> String {
        let value = input ? number | 0x80 : number
        let digits = String(value, radix: 16)
        return "0x" + (digits.count == 1 ? "0" : "") + digits
    }

    public var description: String {
        var text = "device \(deviceName), bulk OUT \(Self.endpointName(outEndpoint, input: false))"
            + " / IN \(Self.endpointName(inEndpoint, input: true))"
        if isAutomatic {
            text += " (chosen by content: \(atPayloads) of \(payloads) payloads parse as AT)"
        } else {
            text += " (chosen with --usb-device/--usb-endpoint)"
        }
        return text
    }
}

/// What `--usb-device BUS.DEV` and `--usb-endpoint N` (or `OUT,IN`) ask for.
public struct USBSelection: Hashable, Sendable {
    public var bus: UInt16?
    public var device: UInt8?
    public var outEndpoint: UInt8?
    public var inEndpoint: UInt8?

    public init(bus: UInt16? = nil, device: UInt8? = nil, outEndpoint: UInt8? = nil, inEndpoint: UInt8? = nil) {
        self.bus = bus
        self.device = device
        self.outEndpoint = outEndpoint
        self.inEndpoint = inEndpoint
    }

    /// Parses the command-line values; the message says what is wrong.
    public init(device: String?, endpoint: String?) throws(USBSelectionError) {
        if let device {
            let parts = device.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let bus = UInt16(parts[0]), let address = UInt8(parts[1]) else {
                throw USBSelectionError(message: "--usb-device takes BUS.DEV (as tcpdump prints it, e.g. 1.5), not '\(device)'")
            }
            self.bus = bus
            self.device = address
        }
        if let endpoint {
            let parts = endpoint.split(separator: ",").map { String($0) }
            let numbers = parts.compactMap(Self.endpointNumber)
            guard numbers.count == parts.count, (1...2).contains(numbers.count) else {
                throw USBSelectionError(message: "--usb-endpoint takes N (both directions) or OUT,IN (e.g. 2 or 0x03,0x84), not '\(endpoint)'")
            }
            outEndpoint = numbers[0]
            inEndpoint = numbers.count == 2 ? numbers[1] : numbers[0]
        }
    }

    /// `3`, `0x03`, `0x84` → the endpoint number without the direction bit.
    private static func endpointNumber(_ text: String) -> UInt8? {
        let value = text.hasPrefix("0x") || text.hasPrefix("0X") ? UInt8(text.dropFirst(2), radix: 16) : UInt8(text)
        guard let value, value & 0x7F <= 15 else { return nil }
        return value & 0x7F
    }

    public var isEmpty: Bool { bus == nil && outEndpoint == nil }
}

public struct USBSelectionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
