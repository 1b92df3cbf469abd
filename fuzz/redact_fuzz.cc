// Fuzz target: a password never shows in a redacted target, nor in the
// message of a target refused. The input is a shape byte, then text and a
// password separated by a NUL byte; the target is built with the password
// where that shape puts one (a URI's user part, percent-encoded or not, its
// ?password=, an odbc: string's PWD/Password/Pass entry, in braces or not),
// the text around it, and maybe a label. The password is framed by '§' that
// the rest of the input may not hold (nor as %C2), so it is found in the
// output only when the password leaked, never by chance from other parts.
#include <cstdlib>
#include <string>

#include "engine/engine.h"
#include "engine/odbc/connection_string.h"
#include "fuzz.h"

namespace {

constexpr std::string_view kFrame = "\xC2\xA7";  // '§' in UTF-8

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool holds_frame(std::string_view s) {
  if (s.find('\xC2') != std::string_view::npos) return true;
  return oltap::to_lower(s).find("%c2") != std::string::npos;
}

void check_not_in(const std::string& out, const std::string& password, const char* what) {
  if (out.find(password) != std::string::npos || out.find(percent_encode(password)) != std::string::npos) {
    std::fprintf(stderr, "password in %s: %s\n", what, out.c_str());
    oltap::fuzz::invariant_broken("a password shows in a redacted target");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::unsetenv("OLTAP_PASSWORD");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t shape = data[0];
  const std::string rest = oltap::fuzz::text_of(data + 1, size - 1);
  const size_t nul = rest.find('\0');
  if (nul == std::string::npos) return 0;
  std::string around = rest.substr(0, nul), secret = rest.substr(nul + 1);
  if (holds_frame(around) || holds_frame(secret)) return 0;
  const std::string password = std::string(kFrame) + secret + std::string(kFrame);
  // The text around the password: before it and after it, split at the first '|'.
  const size_t bar = around.find('|');
  const std::string before = around.substr(0, bar),
                    after = bar == std::string::npos ? "" : around.substr(bar + 1);
  static const char* kKeys[] = {"PWD", "Password", "pass", " pwd "};
  std::string target;
  switch (shape % 6) {
    case 0:  // scheme://user:password@host..., encoded
      target = "postgresql://" + before + ":" + percent_encode(password) + "@" + after;
      break;
    case 1:  // the same, as typed (a '@' or '/' in it unencoded)
      target = "mysql://" + before + ":" + password + "@" + after;
      break;
    case 2:  // ?password=
      target = "redis://" + before + "?password=" + percent_encode(password) + "&" + after;
      break;
    case 3:  // odbc: PWD={...}
      target = "odbc:" + before + ";" + kKeys[(shape / 6) % 4] + "=" +
               oltap::engine::odbc::attribute_value(password) + ";" + after;
      break;
    case 4:  // odbc: PWD=..., as typed (no ';' in it: that would end it)
      if (secret.find(';') != std::string::npos) return 0;
      target = "odbc:" + before + ";" + kKeys[(shape / 6) % 4] + "=" + password + ";" + after;
      break;
    case 5:  // the password entry first
      target = "odbc:Pwd=" + oltap::engine::odbc::attribute_value(password) + ";" + before + after;
      break;
  }
  if ((shape / 24) % 2) target = "lbl=" + target;
  check_not_in(oltap::engine::redact_named_target(target), password, "redact_named_target");
  check_not_in(oltap::engine::redact_target(target), password, "redact_target");
  try {
    const auto t = oltap::engine::parse_named_target(target);
    check_not_in(t.redacted(), password, "Target::redacted");
    check_not_in(t.shown(), password, "Target::shown");
  } catch (const oltap::Error& e) {
    check_not_in(e.what(), password, "the message of a refused target");
  }
  return 0;
}
