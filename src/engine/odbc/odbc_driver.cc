// Placeholder until the odbc driver lands: refuses with a clear message.
#include "odbc_driver.h"

namespace oltap::engine::odbc {

std::unique_ptr<Connection> connect(const Target& target) {
  throw Error(ErrorClass::kBadInput, "the odbc driver is not built yet: cannot reach " + target.redacted());
}

}  // namespace oltap::engine::odbc
