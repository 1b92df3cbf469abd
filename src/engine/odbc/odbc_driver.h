// The odbc driver. Private to the engine module.
#pragma once

#include <memory>

#include "engine/engine.h"

namespace oltap::engine::odbc {

std::unique_ptr<Connection> connect(const Target& target);

}  // namespace oltap::engine::odbc
