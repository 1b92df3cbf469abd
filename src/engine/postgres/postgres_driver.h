// PostgreSQL through libpqxx: server-side prepared statements, COPY for bulk
// load, SQLSTATE-based error classes. Private to the engine module.
#pragma once

#include <memory>

#include "engine/engine.h"

namespace oltap::engine::postgres {

std::unique_ptr<Connection> connect(const Target& target);

}  // namespace oltap::engine::postgres
