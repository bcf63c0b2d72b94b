#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A shared library opened with `dlopen`, kept open for the life of the process.
struct DynamicLibrary: @unchecked Sendable {
    /// The name or path it was opened by.
    let file: String
    private let handle: UnsafeMutableRawPointer

    /// Opens `file` (a name the loader searches for, or a path); `nil` when it cannot be loaded.
    init?(_ file: String) {
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else { return nil }
        self.file = file
        self.handle = handle
    }

    /// The function `name` as a C function of type `T`, or `nil` when the library has none.
    func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }

    /// Whether the running program (the executable and what it loaded) defines `name`.
    static func programDefines(_ name: String) -> Bool {
        guard let program = dlopen(nil, RTLD_NOW) else { return false }
        return dlsym(program, name) != nil
    }

    /// An environment variable (read without Foundation, which this module does not need).
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
