import Foundation
import GradbookCLI

exit(Gradbook.run())
