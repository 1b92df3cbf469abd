// Driver messages as oltap keeps them: without the password, on one line.
// Private to the engine module; each driver runs every message a server or
// client library gives it through scrub() before keeping or throwing it.
#pragma once

#include <string>

#include "engine.h"

namespace oltap::engine {

// Removes password from msg (in case a driver echoes it; passwords shorter
// than 3 characters are left, as replacing them would mangle the text), and
// folds newlines and tabs into single spaces.
std::string scrub(std::string msg, const std::string& password);

// The Error(kUnreachable) of a failed connect to t that took elapsed_s:
// "cannot connect to <redacted>: <why>", and "timed out after N s" when it
// took the whole time-out (the libraries' own words for that differ: libpq
// "timeout expired", hiredis the errno text of EAGAIN). why is scrubbed here.
Error connect_failure(const Target& t, const std::string& why, double elapsed_s);

}  // namespace oltap::engine
