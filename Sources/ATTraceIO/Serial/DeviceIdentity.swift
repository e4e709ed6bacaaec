import ATTraceCore
import CSystemShims

/// What sysfs says about a serial adapter (capture.md §5.2 B): driver, USB vendor and
/// product ids, serial number and the FTDI latency timer. The analyser needs them to judge
/// how far the order of two adapters' records can be trusted; the sniffer warns when the
/// two differ.
public struct DeviceIdentity: Hashable, Sendable {
    public var path: String
    public var realPath: String?
    /// Kernel driver (`ftdi_sio`, `cp210x`, `option`, …), `nil` for a pty or without sysfs.
    public var driver: String?
    /// `vvvv:pppp` of the USB device, when it is one.
    public var usbID: String?
    public var serialNumber: String?
    public var product: String?
    /// The FTDI read latency in milliseconds (16 by default; 1 is what a sniffer wants).
    public var latencyTimer: Int?

    /// Looks the device up in `/sys/class/tty/<name>`.
    public static func find(path: String) -> DeviceIdentity {
        let real = SerialDevice.realPath(path)
        var identity = DeviceIdentity(path: path, realPath: real)
        #if os(Linux)
        guard let real, let slash = real.lastIndex(of: "/") else { return identity }
        let name = real[real.index(after: slash)...]
        let deviceDirectory = "/sys/class/tty/\(name)/device"
        guard let device = SerialDevice.realPath(deviceDirectory) else { return identity }
        if let driver = SerialDevice.realPath(deviceDirectory + "/driver"), let last = driver.split(separator: "/").last {
            identity.driver = String(last)
        }
        identity.latencyTimer = SysfsFile.read(deviceDirectory + "/latency_timer").flatMap { Int($0) }
        // Walk up to the USB device that owns this interface.
        var directory = device
        while directory.count > "/sys/devices".count {
            if let vendor = SysfsFile.read(directory + "/idVendor"), let productID = SysfsFile.read(directory + "/idProduct") {
                identity.usbID = "\(vendor):\(productID)"
                identity.serialNumber = SysfsFile.read(directory + "/serial")
                identity.product = SysfsFile.read(directory + "/product")
                break
            }
            guard let slash = directory.lastIndex(of: "/") else { break }
            directory = String(directory[..<slash])
        }
        #endif
        return identity
    }

    /// Sets the FTDI latency timer to 1 ms and `ASYNC_LOW_LATENCY` where the driver has them
    /// (capture.md §2.7); returns what was set, for the start event.
    static func requestLowLatency(path: String, descriptor: Int32, identity: DeviceIdentity) -> [(key: String, value: JSONValue)] {
        var fields: [(key: String, value: JSONValue)] = []
        #if os(Linux)
        if identity.latencyTimer != nil, let real = identity.realPath, let slash = real.lastIndex(of: "/") {
            let file = "/sys/class/tty/\(real[real.index(after: slash)...])/device/latency_timer"
            fields.append(("latency_timer_set", .bool(SysfsFile.write(file, "1"))))
        }
        #endif
        fields.append(("async_low_latency", .bool(attrace_set_low_latency(descriptor) == 1)))
        return fields
    }

    /// The identity as one JSON object for the start event (absent fields left out).
    public var jsonObject: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [("device", .string(path))]
        if let realPath, realPath != path { fields.append(("realpath", .string(realPath))) }
        if let driver { fields.append(("driver", .string(driver))) }
        if let usbID { fields.append(("usb", .string(usbID))) }
        if let serialNumber { fields.append(("serial", .string(serialNumber))) }
        if let product { fields.append(("product", .string(product))) }
        if let latencyTimer { fields.append(("latency_timer_ms", .integer(Int64(latencyTimer)))) }
        return .object(fields)
    }

    /// Why two sniff adapters may not time their bytes alike, or `nil` when they match.
    public func differences(from other: DeviceIdentity) -> String? {
        var notes: [String] = []
        if driver != other.driver {
            notes.append("drivers \(driver ?? "unknown") and \(other.driver ?? "unknown")")
        }
        if usbID != other.usbID {
            notes.append("USB ids \(usbID ?? "none") and \(other.usbID ?? "none")")
        }
        if latencyTimer != other.latencyTimer {
            notes.append("latency timers \(latencyTimer.map { "\($0) ms" } ?? "none") and "
                + "\(other.latencyTimer.map { "\($0) ms" } ?? "none")")
        }
        return notes.isEmpty ? nil : notes.joined(separator: ", ")
    }
}

