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

    /// Why a library could not be opened: the loader's own message (`dlerror`).
    struct OpenError: Error {
        var message: String
    }

    private init(file: String, handle: UnsafeMutableRawPointer) {
        self.file = file
        self.handle = handle
    }

    /// Opens `file` (a name the loader searches for, or a path).
    static func open(_ file: String) -> Result<DynamicLibrary, OpenError> {
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(OpenError(message: dlerror().map { String(cString: $0) } ?? "the loader gave no reason"))
        }
        return .success(DynamicLibrary(file: file, handle: handle))
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
