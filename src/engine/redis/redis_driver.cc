// Placeholder until the redis driver lands: refuses with a clear message.
#include "redis_driver.h"

namespace oltap::engine::redis {

std::unique_ptr<Connection> connect(const Target& target) {
  throw Error(ErrorClass::kBadInput, "the redis driver is not built yet: cannot reach " + target.redacted());
}

}  // namespace oltap::engine::redis
