#include "messages.h"

namespace oltap::engine {
namespace {

// A connect that failed after this share of its time-out is taken as timed
// out: the libraries check their clocks in steps (libpq in whole seconds).
constexpr double kTimedOutShare = 0.9;

}  // namespace

std::string scrub(std::string msg, const std::string& password) {
  if (password.size() >= 3)
    for (size_t p; (p = msg.find(password)) != std::string::npos;) msg.replace(p, password.size(), "***");
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // One line: libpq's and the ODBC drivers' messages hold newlines and tabs.
  std::string one_line;
  one_line.reserve(msg.size());
  for (char c : msg) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && !one_line.empty() && one_line.back() == ' ') continue;
    one_line += c;
  }
  return one_line;
}

Error connect_failure(const Target& t, const std::string& why, double elapsed_s) {
  std::string msg = "cannot connect to " + t.redacted() + ": ";
  std::string said = scrub(why, t.password);
  if (elapsed_s >= kTimedOutShare * t.connect_timeout_s) {
    msg += "timed out after " + std::to_string(t.connect_timeout_s) + " s (the target's " +
           std::string(kConnectTimeoutOption) + "= option sets it)";
    if (!said.empty()) msg += ": " + said;
  } else {
    msg += said;
  }
  return Error(ErrorClass::kUnreachable, msg);
}

}  // namespace oltap::engine
