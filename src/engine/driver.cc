// Picks the driver for a target, and the defaults of the optional parts of
// the Connection interface. Registering an engine is one line in connect().
#include "engine.h"
#include "odbc/odbc_driver.h"
#include "postgres/postgres_driver.h"
#include "redis/redis_driver.h"

namespace oltap::engine {

std::unique_ptr<Connection> connect(const Target& target) {
  if (target.engine == "postgres") return postgres::connect(target);
  if (target.engine == "odbc") return odbc::connect(target);
  if (target.engine == "redis") return redis::connect(target);
  throw Error(ErrorClass::kBadInput, "no driver for target " + target.redacted());
}

int Connection::prepare_command(const std::vector<std::string>& args, std::vector<std::string>& param_names) {
  (void)param_names;
  throw Error(ErrorClass::kBadInput, "a " + dialect() + " target runs SQL, not the command " +
                                         (args.empty() ? std::string("(empty)") : args[0]) +
                                         ": give this step an `sql:` text");
}

Status Connection::execute_text(const std::string&, ResultBuffer*, int) noexcept { return Status::kFatal; }
Status Connection::send(int, const Value* const*) noexcept { return Status::kFatal; }
Status Connection::receive(ResultBuffer*, int) noexcept { return Status::kFatal; }
Status Connection::try_receive(ResultBuffer*, int, bool& got) noexcept {
  got = false;
  return Status::kFatal;
}

}  // namespace oltap::engine
