// MySQL and MariaDB (mysql://, mariadb://; ?driver=odbc goes to ODBC) through
// MariaDB Connector/C: server-side prepared statements over the binary
// protocol, multi-row INSERTs for bulk load. Private to the engine module.
#pragma once

#include <memory>

#include "engine/engine.h"

namespace oltap::engine::mariadb {

std::unique_ptr<Connection> connect(const Target& target);

}  // namespace oltap::engine::mariadb
