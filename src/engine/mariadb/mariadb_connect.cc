// Opening a Connector/C session within the target's time-out; see
// mariadb_connect.h.
#include "mariadb_connect.h"

#include <poll.h>

#include <algorithm>
#include <chrono>

#include "engine/messages.h"
#include "mariadb_bulk.h"

namespace oltap::engine::mariadb {
namespace {

// ?ssl_mode= values: MySQL's names, and PostgreSQL's sslmode= names for the
// same modes. Connector/C 3.3 checks the server's host name whenever it
// verifies the certificate, so verify_ca is verify_identity here.
enum class TlsMode { kDisabled, kRequired, kVerify };

TlsMode tls_mode_of(const std::string& value, const Target& t) {
  std::string v = to_lower(trim(value));
  if (v == "disabled" || v == "disable") return TlsMode::kDisabled;
  if (v == "required" || v == "require") return TlsMode::kRequired;
  if (v == "verify_ca" || v == "verify-ca" || v == "verify_identity" || v == "verify-full" ||
      v == "verify_full")
    return TlsMode::kVerify;
  throw Error(ErrorClass::kBadInput, "ssl_mode=" + value + " in " + t.redacted() +
                                         ": expected disabled, required, verify_ca or verify_identity");
}

bool flag_of(const std::string& key, const std::string& value, const Target& t) {
  std::string v = to_lower(trim(value));
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "no") return false;
  throw Error(ErrorClass::kBadInput, key + "=" + value + " in " + t.redacted() + ": expected 0 or 1");
}

// The file options: ours (MySQL's --ssl-ca spelling) and MariaDB
// Connector/ODBC's names, so an ODBC target's ?SSLCA= works here too.
struct FileOption {
  const char* name;
  const char* alias;
  mysql_option option;
};
constexpr FileOption kFileOptions[] = {
    {"ssl_ca", "sslca", MYSQL_OPT_SSL_CA},
    {"ssl_capath", "sslcapath", MYSQL_OPT_SSL_CAPATH},
    {"ssl_cert", "sslcert", MYSQL_OPT_SSL_CERT},
    {"ssl_key", "sslkey", MYSQL_OPT_SSL_KEY},
    {"ssl_cipher", "sslcipher", MYSQL_OPT_SSL_CIPHER},
    {"ssl_crl", "sslcrl", MYSQL_OPT_SSL_CRL},
};

void apply_options(MYSQL* m, const Target& t) {
  TlsMode mode = TlsMode::kDisabled;
  bool any_file = false;
  for (const auto& [key, value] : t.options) {
    std::string k = to_lower(key);
    if (k == "dialect" || k == "driver") continue;  // ours (uri.cc), never the library's
    if (k == "ssl_mode" || k == "sslmode") {
      mode = tls_mode_of(value, t);
      continue;
    }
    if (k == "sslverify") {  // Connector/ODBC's flags
      if (flag_of(key, value, t)) mode = TlsMode::kVerify;
      continue;
    }
    if (k == "forcetls") {
      if (flag_of(key, value, t) && mode == TlsMode::kDisabled) mode = TlsMode::kRequired;
      continue;
    }
    const FileOption* f = nullptr;
    for (const auto& o : kFileOptions)
      if (k == o.name || k == o.alias) f = &o;
    if (!f) {
      std::string known;
      for (const auto& o : known_options()) known += (known.empty() ? "" : ", ") + o;
      throw Error(ErrorClass::kBadInput, "unknown option '" + key + "' in " + t.redacted() +
                                             " (a native MariaDB target takes " + known + ")");
    }
    mysql_optionsv(m, f->option, value.c_str());
    any_file = true;
  }
  // A CA, certificate or key given means TLS is wanted, as with the mysql client.
  if (any_file && mode == TlsMode::kDisabled) mode = TlsMode::kRequired;
  if (mode != TlsMode::kDisabled) {
    my_bool on = 1;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
    if (mode == TlsMode::kVerify) mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
  }
}

const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

}  // namespace

std::vector<std::string> known_options() {
  std::vector<std::string> out = {"driver",    "dialect", "connect_timeout", "ssl_mode (sslmode)",
                                  "sslverify", "forcetls"};
  for (const auto& o : kFileOptions) out.push_back(std::string(o.name) + " (" + o.alias + ")");
  return out;
}

MYSQL* open_session(const Target& t) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(t.connect_timeout_s);
  MYSQL* m = mysql_init(nullptr);
  if (!m) throw Error(ErrorClass::kFatal, "cannot allocate a MariaDB Connector/C handle");
  try {
    apply_options(m, t);
  } catch (...) {
    mysql_close(m);
    throw;
  }
  unsigned timeout = static_cast<unsigned>(t.connect_timeout_s);
  mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(m, MYSQL_OPT_NONBLOCK, 0);
  // LOAD DATA LOCAL for bulk loads; the guard serves only a load's own rows.
  my_bool local_infile = 1;
  mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  guard_local_infile(m);
  MYSQL* ret = nullptr;
  int status = mysql_real_connect_start(&ret, m, t.host.c_str(), or_null(t.user), or_null(t.password),
                                        or_null(t.database), static_cast<unsigned>(t.port), nullptr,
                                        CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS);
  while (status) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    int wait = static_cast<int>(left);
    if (status & MYSQL_WAIT_TIMEOUT)
      wait = std::min<int>(wait, static_cast<int>(mysql_get_timeout_value_ms(m)));
    pollfd p{};
    p.fd = mysql_get_socket(m);
    if (status & MYSQL_WAIT_READ) p.events |= POLLIN;
    if (status & MYSQL_WAIT_WRITE) p.events |= POLLOUT;
    if (status & MYSQL_WAIT_EXCEPT) p.events |= POLLPRI;
    int r = ::poll(&p, 1, wait);
    int happened = 0;
    if (r > 0) {
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) happened |= MYSQL_WAIT_READ;
      if (p.revents & (POLLOUT | POLLERR)) happened |= MYSQL_WAIT_WRITE;
      if (p.revents & POLLPRI) happened |= MYSQL_WAIT_EXCEPT;
    } else if (r == 0 && (status & MYSQL_WAIT_TIMEOUT)) {
      happened = MYSQL_WAIT_TIMEOUT;
    } else {
      continue;  // our deadline, or EINTR: the loop's check decides
    }
    status = mysql_real_connect_cont(&ret, m, happened);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (status) {  // still waiting at the deadline
    mysql_close(m);
    throw connect_failure(t, "", std::max(elapsed, static_cast<double>(t.connect_timeout_s)));
  }
  if (!ret) {
    std::string why = mysql_error(m);
    mysql_close(m);
    throw connect_failure(t, why, elapsed);
  }
  return m;
}

}  // namespace oltap::engine::mariadb
