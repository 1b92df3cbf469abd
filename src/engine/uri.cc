// Target URIs (DESIGN.md's contract): parsing, and the redacted form that is
// the only one ever printed.
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "engine.h"
#include "odbc/connection_string.h"

namespace oltap::engine {
namespace {

struct SchemeInfo {
  const char* scheme;
  const char* engine;
  const char* dialect;
  int default_port;
};

// Schemes this build serves; later engines add a row here and a driver in
// driver.cc.
constexpr SchemeInfo kSchemes[] = {
    {"postgresql", "postgres", "postgres", 5432},
    {"postgres", "postgres", "postgres", 5432},
    // MariaDB Connector/C; ?driver=odbc takes MariaDB Connector/ODBC instead.
    {"mysql", "mariadb", "mysql", 3306},
    {"mariadb", "mariadb", "mysql", 3306},
    {"redshift", "odbc", "redshift", 5439},
    {"odbc", "odbc", "", 0},  // odbc://DSN; the dialect comes from ?dialect= or the driver
    {"redis", "redis", "redis", 6379},
};

// Connection-string keys whose values are secrets.
bool secret_key(std::string_view key) {
  std::string k = to_lower(trim(key));
  return k == "pwd" || k == "password" || k == "pass";
}

// Whether a key names something secret that redaction hides, the password
// or another (libpq's sslpassword, a driver's token): it holds "pass",
// "pwd", "secret" or "token".
bool looks_secret(std::string_view key) {
  const std::string k = to_lower(key);
  for (std::string_view m : {"pass", "pwd", "secret", "token"})
    if (k.find(m) != std::string::npos) return true;
  return false;
}

// Whether text holds what reads as an entry of a secret: a word that
// looks_secret, then '=' (blanks allowed between), as in "x;PWD=y".
bool holds_secret_entry(std::string_view text) {
  for (size_t eq = text.find('='); eq != std::string_view::npos; eq = text.find('=', eq + 1)) {
    size_t end = eq;
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    size_t begin = end;
    while (begin > 0 && (std::isalnum(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == '_'))
      --begin;
    if (looks_secret(text.substr(begin, end - begin))) return true;
  }
  return false;
}

// An odbc: entry as a redacted target shows it: as written, but the value
// is hidden when the key looks secret or the value holds what reads as a
// secret's entry: "Driver={x;PWD=y}", a brace opened too early that swallows
// the PWD entry after it (as the driver too reads it), or "lbl=odbc:PWD=y"
// given where no label is read.
std::string shown_entry(const std::string& entry) {
  const size_t eq = entry.find('=');
  if (eq == std::string::npos) return holds_secret_entry(entry) || looks_secret(entry) ? "…" : entry;
  const std::string_view value = std::string_view(entry).substr(eq + 1);
  if (!looks_secret(entry.substr(0, eq)) && !holds_secret_entry(value)) return entry;
  return entry.substr(0, eq + 1) + "…";
}

// connect_timeout=N: whole seconds, at least 1; "3s" reads as 3 too, as
// oltap's other durations are written.
int connect_timeout_of(std::string v, const std::string& shown) {
  if (!v.empty() && (v.back() == 's' || v.back() == 'S')) v.pop_back();
  int s = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), s);
  if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || s < 1)
    throw Error(ErrorClass::kBadInput, "bad target '" + shown + "': " + std::string(kConnectTimeoutOption) +
                                           " must be whole seconds, at least 1 (e.g. " +
                                           std::string(kConnectTimeoutOption) + "=3)");
  return s;
}

// odbc:<connection string>: the string goes to the driver as it is, less the
// `dialect=` entry, which is ours; PWD is kept apart like a URI's password.
Target parse_odbc_connection_string(const std::string& uri) {
  Target t;
  t.uri = uri;
  t.scheme = "odbc";
  t.engine = "odbc";
  std::string rest = uri.substr(5);
  if (trim(rest).empty())
    throw Error(ErrorClass::kBadInput,
                "bad target 'odbc:': expected a connection string, e.g. odbc:Driver=PostgreSQL "
                "Unicode;Server=h;Database=d");
  std::string timeout;
  bool unclosed = false;
  const auto entries = odbc::split_connection_string(rest, &unclosed);
  for (const auto& entry : entries) {
    if (trim(entry).empty()) continue;
    size_t eq = entry.find('=');
    std::string key = trim(entry.substr(0, eq));
    std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    std::string lk = to_lower(key);
    if (lk == "dialect") {
      t.dialect = trim(value);
    } else if (lk == kConnectTimeoutOption) {
      timeout = trim(value);
    } else if (secret_key(key)) {
      // {a;b} is ODBC's quoting ('}}' a '}'); the password is what is inside.
      const std::string braced = trim(value);
      t.password = braced.size() >= 2 && braced.front() == '{' && braced.back() == '}'
                       ? odbc::unbraced_value(braced)
                       : value;
    } else {
      if (lk == "uid" || lk == "user") t.user = value;
      if (lk == "server" || lk == "servername" || lk == "host") t.host = value;
      if (lk == "database" || lk == "db") t.database = value;
      if (lk == "dsn") t.dsn = value;
      if (lk == "port") t.port = std::atoi(value.c_str());
      t.connection_string += entry + ";";
    }
  }
  if (unclosed)
    throw Error(ErrorClass::kBadInput, "bad target '" + t.redacted() +
                                           "': a '{' is never closed (a value in braces ends with '}', "
                                           "and a '}' inside it is written '}}')");
  if (!timeout.empty()) t.connect_timeout_s = connect_timeout_of(timeout, t.redacted());
  return t;
}

std::string percent_decode(std::string_view s, const std::string& what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      int v = 0;
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])) ||
          std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr != s.data() + i + 3)
        throw Error(ErrorClass::kBadInput, "bad %-escape in the " + what + " of the target URI");
      out += static_cast<char>(v);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A URI as messages show it before it is parsed. Everything up to the last
// '@' may be a password, unencoded '/', '?' or ':' included, so that is
// where the user part ends; only what follows it is shown, without the
// query (which may hold ?password=).
std::string shown_uri(const std::string& uri) {
  size_t colon = uri.find("://");
  size_t at = uri.rfind('@');
  bool has_scheme = colon != std::string::npos && (at == std::string::npos || at > colon);
  std::string host_part = at != std::string::npos ? uri.substr(at + 1)
                          : has_scheme            ? uri.substr(colon + 3)
                                                  : uri;
  if (size_t q = host_part.find('?'); q != std::string::npos) host_part = host_part.substr(0, q) + "?…";
  // What comes before "://" is shown only when it can be a scheme: in
  // "x=odbc:PWD=y:redis://h" it is no scheme but may hold a password.
  std::string scheme = has_scheme ? uri.substr(0, colon) : "";
  const bool plain =
      !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme[0])) &&
      scheme.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") ==
          std::string::npos;
  if (has_scheme && !plain) scheme = "…";
  if (holds_secret_entry(host_part)) host_part = "…";  // "x:///;PWD=y": no host, but a password
  return (has_scheme ? scheme + "://" : std::string()) + (at != std::string::npos ? "…@" : "") + host_part;
}

bool is_odbc_string(const std::string& uri) {
  return to_lower(uri.substr(0, 5)) == "odbc:" && uri.compare(5, 2, "//") != 0;
}

// A piece of a refused target, as its message may show it: hidden when it
// holds what reads as a secret's entry ("5432;PWD=x" as a port).
std::string piece(const std::string& text) { return holds_secret_entry(text) ? "…" : text; }

[[noreturn]] void bad(const std::string& shown, const std::string& why) {
  throw Error(ErrorClass::kBadInput, "bad target '" + shown + "': " + why);
}

// ?driver= of a mysql:// or mariadb:// target: native (MariaDB Connector/C,
// the default) or odbc (MariaDB Connector/ODBC over unixODBC).
std::string engine_of_driver(const std::string& value, const std::string& shown) {
  std::string v = to_lower(trim(value));
  if (v == "native") return "mariadb";
  if (v == "odbc") return "odbc";
  bad(shown, std::string(kDriverOption) + "=" + piece(value) + ": expected native or odbc");
}

}  // namespace

std::vector<std::string> known_schemes() {
  std::vector<std::string> out;
  for (const auto& s : kSchemes) out.push_back(s.scheme);
  return out;
}

std::string Target::redacted() const {
  // connection_string holds no password entry: parse_target keeps it apart.
  if (scheme == "odbc" && !connection_string.empty()) {
    std::string out = "odbc:";
    for (const auto& e : odbc::split_connection_string(connection_string)) out += shown_entry(e) + ";";
    return out;
  }
  // A part that holds what reads as a secret's entry is hidden: a '?' or '&'
  // put where it ends the user part ("u?password=p&x@h" has the user
  // "u?password=p&x").
  auto part = [](const std::string& p) { return holds_secret_entry(p) ? std::string("…") : p; };
  std::string out = scheme + "://";
  if (!user.empty()) out += part(user) + "@";
  out += host.find(':') != std::string::npos ? "[" + part(host) + "]" : part(host);  // IPv6
  if (port) out += ":" + std::to_string(port);
  out += "/" + part(database);
  bool first = true;
  for (const auto& [k, v] : options) {
    std::string lk = to_lower(k);
    // A value may hold one too: "?a=b?password=c" reads as option a.
    if (looks_secret(lk) || holds_secret_entry(v)) continue;
    out += first ? '?' : '&';
    out.append(k).append("=").append(v);
    first = false;
  }
  return out;
}

Target parse_target(std::string_view uri_in) {
  std::string uri = trim(uri_in);
  if (is_odbc_string(uri)) {
    Target t = parse_odbc_connection_string(uri);
    if (t.password.empty())
      if (const char* p = std::getenv("OLTAP_PASSWORD")) t.password = p;
    return t;
  }
  Target t;
  t.uri = uri;
  size_t colon = uri.find("://");
  size_t at = uri.rfind('@');
  bool has_scheme = colon != std::string::npos && (at == std::string::npos || at > colon);
  std::string shown = shown_uri(uri);
  if (uri.empty()) bad(shown, "it is empty");
  if (!has_scheme)
    bad(shown, "expected scheme://user@host:port/database, e.g. postgresql://oltap@127.0.0.1:5432/oltap");
  t.scheme = to_lower(uri.substr(0, colon));
  const SchemeInfo* info = nullptr;
  for (const auto& s : kSchemes)
    if (t.scheme == s.scheme) info = &s;
  if (!info) {
    std::string msg = "unknown scheme '" + piece(t.scheme) + "' (known:";
    for (const auto& s : kSchemes) msg += std::string(" ") + s.scheme;
    bad(shown, msg + ")");
  }
  t.engine = info->engine;
  t.dialect = info->dialect;
  std::string rest = uri.substr(colon + 3);
  if (at != std::string::npos) {
    std::string userinfo = uri.substr(colon + 3, at - colon - 3);
    rest = uri.substr(at + 1);
    if (size_t c = userinfo.find(':'); c != std::string::npos) {
      t.user = percent_decode(userinfo.substr(0, c), "user");
      t.password = percent_decode(userinfo.substr(c + 1), "password");
    } else {
      t.user = percent_decode(userinfo, "user");
    }
  }
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string authority = rest, path;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {  // [::1]:5432
    size_t close = authority.find(']');
    if (close == std::string::npos) bad(shown, "unclosed '[' in the host");
    t.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port_text = authority.substr(close + 2);
  } else if (size_t c = authority.rfind(':'); c != std::string::npos) {
    t.host = authority.substr(0, c);
    port_text = authority.substr(c + 1);
  } else {
    t.host = authority;
  }
  if (t.host.empty()) bad(shown, "no host (expected scheme://user@host:port/database)");
  if (!port_text.empty()) {
    auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), t.port);
    if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || t.port < 1 || t.port > 65535)
      bad(shown, "port '" + piece(port_text) + "' is not a number from 1 to 65535");
  } else {
    t.port = info->default_port;
  }
  t.database = percent_decode(path, "database");
  if (t.database.find('/') != std::string::npos) bad(shown, "the database name must not contain '/'");
  if (t.scheme == "odbc") t.dsn = t.host;  // odbc://DSN
  if (t.engine == "redis" && !t.database.empty()) {
    int db = -1;
    auto r = std::from_chars(t.database.data(), t.database.data() + t.database.size(), db);
    if (r.ec != std::errc() || r.ptr != t.database.data() + t.database.size() || db < 0)
      bad(shown, "the Redis database must be a number, like redis://host:6379/0");
  }
  for (const auto& kv : split(query, '&')) {
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) bad(shown, "option '" + piece(kv) + "' needs a value (key=value)");
    std::string k = percent_decode(kv.substr(0, eq), "options");
    std::string v = percent_decode(kv.substr(eq + 1), "options");
    std::string lk = to_lower(k);
    if (lk == "password") {
      t.password = v;
      continue;
    }
    if (lk == kConnectTimeoutOption) {
      t.connect_timeout_s = connect_timeout_of(v, shown);
      continue;
    }
    if (lk == "dialect") t.dialect = v;
    if (lk == kDriverOption && (t.scheme == "mysql" || t.scheme == "mariadb"))
      t.engine = engine_of_driver(v, shown);
    t.options[k] = v;
  }
  if (t.password.empty()) {
    // OLTAP_PASSWORD applies to any target; engines read their own files too (~/.pgpass).
    if (const char* p = std::getenv("OLTAP_PASSWORD")) t.password = p;
  }
  return t;
}

std::string redact_target(std::string_view text) {
  try {
    return parse_target(text).redacted();
  } catch (const std::exception&) {
  }
  std::string t = trim(text);
  if (t.find("://") != std::string::npos && !is_odbc_string(t)) return shown_uri(t);
  // An odbc: string, or text that is no URI at all but may still be a
  // connection string's entries.
  const bool odbc = is_odbc_string(t);
  std::string out = odbc ? t.substr(0, 5) : "";
  std::string kept;
  for (const auto& entry : odbc::split_connection_string(odbc ? t.substr(5) : t)) {
    if (trim(entry).empty() || secret_key(entry.substr(0, entry.find('=')))) continue;
    const std::string shown = shown_entry(entry);
    kept += (kept.empty() ? "" : ";") + shown;
    // Text that did not parse may quote otherwise than it reads here: what
    // follows an entry that held a secret may be the rest of it.
    if (shown != entry) break;
  }
  return out + (odbc ? kept + ";" : shown_uri(kept));
}

}  // namespace oltap::engine
