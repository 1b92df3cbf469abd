#include "connection_string.h"

#include <cmath>

namespace oltap::engine::odbc {
namespace {

bool contains_ci(std::string_view haystack, std::string_view needle) {
  return to_lower(haystack).find(to_lower(needle)) != std::string::npos;
}

std::string installed_list(const std::vector<std::string>& installed) {
  if (installed.empty()) return "none: install one and list it in /etc/odbcinst.ini";
  std::string s;
  for (const auto& d : installed) s += (s.empty() ? "" : ", ") + d;
  return s;
}

std::string key_of(std::string_view entry) { return to_lower(trim(entry.substr(0, entry.find('=')))); }

void add(std::string& cs, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  cs.append(key).append("=").append(attribute_value(value)).append(";");
}

// Target options go to the driver as key=value, less ours.
void add_options(std::string& cs, const Target& t) {
  for (const auto& [k, v] : t.options) {
    std::string lk = to_lower(k);
    if (lk == "dialect" || lk == kBulkOption) continue;
    if (lk == kDriverOption && t.scheme != "odbc") continue;  // mysql://...?driver=odbc picks this path
    add(cs, k, v);
  }
}

}  // namespace

std::string attribute_value(std::string_view v) {
  // Edge white space of any kind: a reader trims it from a value not in braces.
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  bool brace = v.find_first_of(";{}=") != std::string_view::npos ||
               (!v.empty() && (space(v.front()) || space(v.back())));
  if (!brace) return std::string(v);
  std::string out = "{";
  for (char c : v) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

std::string unbraced_value(std::string_view v) {
  if (v.size() < 2 || v.front() != '{' || v.back() != '}') return std::string(v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    out += v[i];
    if (v[i] == '}' && i + 2 < v.size() && v[i + 1] == '}') ++i;
  }
  return out;
}

std::vector<std::string> split_connection_string(std::string_view s, bool* unclosed_brace) {
  std::vector<std::string> out;
  if (unclosed_brace) *unclosed_brace = false;
  size_t i = 0;
  while (i <= s.size()) {
    const size_t start = i;
    while (i < s.size() && s[i] != ';' && s[i] != '=') ++i;
    // A value in braces starts right after the '=' (as unixODBC and the
    // drivers read it); a '{' anywhere else is a character of the value.
    if (i < s.size() && s[i] == '=' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t j = i + 2;
      bool closed = false;
      while (j < s.size()) {
        if (s[j] == '}') {
          if (j + 1 < s.size() && s[j + 1] == '}') {
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        ++j;
      }
      if (closed) {
        i = j + 1;
      } else if (unclosed_brace) {
        // Read on as if the brace were a character: the entry ends at the
        // next ';', so no later entry (a PWD) hides inside this one.
        *unclosed_brace = true;
      }
    }
    while (i < s.size() && s[i] != ';') ++i;
    const std::string entry(s.substr(start, i - start));
    if (!trim(entry).empty()) out.push_back(entry);
    ++i;  // past the ';' (or the end)
  }
  return out;
}

std::string connection_string_value(std::string_view s, std::string_view key) {
  std::string want = to_lower(key);
  for (const auto& e : split_connection_string(s)) {
    size_t eq = e.find('=');
    if (eq != std::string::npos && key_of(e) == want)
      return unbraced_value(trim(std::string_view(e).substr(eq + 1)));
  }
  return "";
}

std::string pick_driver(const Target& t, const std::vector<std::string>& installed) {
  auto find = [&](auto&& fits) -> std::string {
    for (const auto& d : installed)
      if (fits(d)) return d;
    return "";
  };
  std::string d;
  const char* wanted;
  if (t.scheme == "redshift") {
    wanted = "an Amazon Redshift or PostgreSQL";
    d = find([](const std::string& n) { return contains_ci(n, "redshift"); });
    if (d.empty()) d = find([](const std::string& n) { return to_lower(n) == to_lower(kPostgresDriver); });
    if (d.empty()) d = find([](const std::string& n) { return contains_ci(n, "postgres"); });
  } else {
    wanted = "a MariaDB or MySQL";
    d = find([](const std::string& n) { return to_lower(n) == to_lower(kPreferredMysqlDriver); });
    if (d.empty())
      d = find([](const std::string& n) { return contains_ci(n, "mariadb") || contains_ci(n, "mysql"); });
  }
  if (d.empty())
    throw Error(ErrorClass::kBadInput, std::string("no ") + wanted + " ODBC driver is installed for " +
                                           t.redacted() + " (installed: " + installed_list(installed) + ")");
  return d;
}

std::string build_connection_string(const Target& t, const std::vector<std::string>& installed) {
  std::string cs;
  if (t.scheme == "odbc" && !t.connection_string.empty()) {
    // odbc:<connection string>: as given, less our own entries.
    for (const auto& e : split_connection_string(t.connection_string)) {
      if (key_of(e) == kBulkOption) continue;
      cs += e + ";";
    }
    std::string driver = connection_string_value(cs, "driver");
    // A path to the driver's library (Driver=/usr/lib/...so) is unixODBC's to check.
    if (!driver.empty() && driver.find('/') == std::string::npos) {
      bool found = false;
      for (const auto& d : installed) found = found || to_lower(d) == to_lower(driver);
      if (!found)
        throw Error(ErrorClass::kBadInput, "ODBC driver '" + driver + "' named by " + t.redacted() +
                                               " is not installed (installed: " + installed_list(installed) +
                                               "; see odbcinst -q -d)");
    }
    add(cs, "PWD", t.password);
    return cs;
  }
  if (t.scheme == "odbc") {  // odbc://DSN
    add(cs, "DSN", t.dsn.empty() ? t.host : t.dsn);
    add(cs, "Database", t.database);
    if (t.port) add(cs, "Port", std::to_string(t.port));
  } else {
    // Driver names go in braces, as ODBC's own examples write them.
    cs = "Driver={";
    for (char c : pick_driver(t, installed)) cs += c == '}' ? "}}" : std::string(1, c);
    cs += "};";
    add(cs, "Server", t.host);
    if (t.port) add(cs, "Port", std::to_string(t.port));
    add(cs, "Database", t.database);
  }
  add(cs, "Uid", t.user);
  add(cs, "Pwd", t.password);
  add_options(cs, t);
  return cs;
}

const BulkMethod* requested_bulk_method(const Target& t) {
  static constexpr BulkMethod kArrays = BulkMethod::kParamArrays, kValues = BulkMethod::kMultiRowInsert;
  std::string v;
  for (const auto& [k, val] : t.options)
    if (to_lower(k) == kBulkOption) v = val;
  if (v.empty() && !t.connection_string.empty())
    v = connection_string_value(t.connection_string, kBulkOption);
  v = to_lower(trim(v));
  if (v.empty()) return nullptr;
  if (v == "array") return &kArrays;
  if (v == "values") return &kValues;
  throw Error(ErrorClass::kBadInput,
              "bulk=" + v + " in " + t.redacted() + ": expected bulk=array or bulk=values");
}

std::string dialect_of_dbms(std::string_view dbms_name) {
  if (contains_ci(dbms_name, "redshift")) return "redshift";
  if (contains_ci(dbms_name, "postgres")) return "postgres";
  if (contains_ci(dbms_name, "mariadb") || contains_ci(dbms_name, "mysql")) return "mysql";
  if (contains_ci(dbms_name, "sqlite")) return "sqlite";
  return to_lower(trim(dbms_name));
}

Status classify(std::string_view sqlstate, long native_code, bool mysql) {
  if (sqlstate == "40001" || sqlstate == "40P01") return Status::kRetryable;
  if (mysql && (native_code == 1213 || native_code == 1205)) return Status::kRetryable;
  if (sqlstate.substr(0, 2) == "08") return Status::kConnectionLost;
  // PostgreSQL's admin shutdown / crash shutdown / cannot connect now.
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return Status::kConnectionLost;
  // MySQL client errors: server has gone away, lost connection during query.
  if (mysql && (native_code == 2006 || native_code == 2013)) return Status::kConnectionLost;
  return Status::kFatal;
}

std::string format_diagnostic(std::string_view sqlstate, std::string_view message, long native_code) {
  return "SQLSTATE " + std::string(sqlstate) + ": " + trim(message) + " (native code " +
         std::to_string(native_code) + ")";
}

void append_sql_literal(std::string& out, const Value& v, std::string_view dialect) {
  char buf[kMaxNumberText];
  switch (v.kind) {
    case Value::Kind::kNull:
      out += "NULL";
      return;
    case Value::Kind::kInt:
      out.append(buf, v.to_text(buf, sizeof buf));
      return;
    case Value::Kind::kDouble:
      if (!std::isfinite(v.d)) {
        // PostgreSQL and Redshift take 'NaN' and 'Infinity'; MySQL has no such values.
        if (dialect == "mysql") {
          out += "NULL";
        } else {
          out += std::isnan(v.d) ? "'NaN'" : v.d > 0 ? "'Infinity'" : "'-Infinity'";
        }
        return;
      }
      out.append(buf, v.to_text(buf, sizeof buf));
      return;
    case Value::Kind::kText: {
      const bool backslash = dialect == "mysql";
      out += '\'';
      for (char c : v.s) {
        if (c == '\0') continue;  // no SQL text can hold it
        if (c == '\'' || (backslash && c == '\\')) out += c;
        out += c;
      }
      out += '\'';
      return;
    }
  }
}

}  // namespace oltap::engine::odbc
