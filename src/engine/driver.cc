// Picks the driver for a target. Registering an engine is one line here.
#include "engine.h"
#include "postgres/postgres_driver.h"

namespace oltap::engine {

std::unique_ptr<Connection> connect(const Target& target) {
  if (target.engine == "postgres") return postgres::connect(target);
  throw Error(ErrorClass::kBadInput, "no driver for target " + target.redacted());
}

}  // namespace oltap::engine
