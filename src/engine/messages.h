// Driver messages as oltap keeps them: without the password, on one line.
// Private to the engine module; each driver runs every message a server or
// client library gives it through scrub() before keeping or throwing it.
#pragma once

#include <string>

namespace oltap::engine {

// Removes password from msg (in case a driver echoes it; passwords shorter
// than 3 characters are left, as replacing them would mangle the text), and
// folds newlines and tabs into single spaces.
std::string scrub(std::string msg, const std::string& password);

}  // namespace oltap::engine
