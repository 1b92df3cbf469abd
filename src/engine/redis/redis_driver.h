// The redis driver. Private to the engine module.
#pragma once

#include <memory>

#include "engine/engine.h"

namespace oltap::engine::redis {

std::unique_ptr<Connection> connect(const Target& target);

}  // namespace oltap::engine::redis
