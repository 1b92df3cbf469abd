// Fuzz target: a target argument as `--target` takes it (LABEL=URI, a URI,
// or an odbc: connection string): parsed, redacted (which never throws), and
// for a parsed target the ODBC connection string it stands for, whose PWD
// must read back as the password parsed. The ODBC connection-string helpers
// get the raw text too.
#include <cstdlib>

#include "engine/engine.h"
#include "engine/odbc/connection_string.h"
#include "fuzz.h"

namespace odbc = oltap::engine::odbc;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::unsetenv("OLTAP_PASSWORD");  // the password must come from the input alone
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = oltap::fuzz::text_of(data, size);
  static const std::vector<std::string> installed = {"PostgreSQL Unicode", "MariaDB Unicode"};
  (void)oltap::engine::redact_named_target(text);  // documented never to throw: not even oltap::Error
  (void)oltap::engine::redact_target(text);
  oltap::fuzz::expect_only_oltap_errors([&] {
    const auto t = oltap::engine::parse_named_target(text);
    (void)t.shown();
    const std::string cs = odbc::build_connection_string(t, installed);
    if (!t.password.empty() && odbc::connection_string_value(cs, "pwd") != t.password)
      oltap::fuzz::invariant_broken("the connection string's PWD is not the password parsed");
    (void)odbc::requested_bulk_method(t);
  });
  oltap::fuzz::expect_only_oltap_errors([&] {
    (void)odbc::split_connection_string(text);
    (void)odbc::connection_string_value(text, "driver");
    // A value written as the driver reads it reads back the same.
    if (odbc::connection_string_value("K=" + odbc::attribute_value(text) + ";", "k") != text)
      oltap::fuzz::invariant_broken("attribute_value does not read back as written");
  });
  return 0;
}
