#include "messages.h"

namespace oltap::engine {

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

}  // namespace oltap::engine
