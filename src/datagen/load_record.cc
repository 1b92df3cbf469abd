// The load record's text, its digest of a table's definition, and how it is
// kept on SQL engines (a table) and on Redis (a hash). The SQL is the
// subset PostgreSQL, MySQL/MariaDB and Redshift share: varchar columns,
// CREATE TABLE IF NOT EXISTS, single-quoted literals without backslashes.
#include "load_record.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <ctime>

namespace oltap::datagen {
namespace {

// Wide enough for a record of the longest names; the record holds two
// digests (128 characters), a workload name and a few numbers.
constexpr int kRecordChars = 2000;
constexpr int kTableNameChars = 128;

bool is_key_value(const engine::Connection& conn) { return conn.kind() == engine::Kind::kKeyValue; }

// Percent-escapes everything but a few plain characters, so a record has no
// space (a Redis command is split at spaces), quote, `;` or `=`.
std::string escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == ':' || c == '+' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int v = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr == s.data() + i + 3) {
      out += static_cast<char>(v);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string sql_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string fold_space(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Whether a key template ("user:{id}", every {name} standing for any text)
// can make the key `key`.
bool template_can_make(std::string_view tmpl, std::string_view key) {
  if (tmpl.empty()) return key.empty();
  if (tmpl.front() == '{') {
    size_t close = tmpl.find('}');
    if (close == std::string_view::npos) return tmpl == key;
    std::string_view rest = tmpl.substr(close + 1);
    for (size_t k = 0; k <= key.size(); ++k)
      if (template_can_make(rest, key.substr(k))) return true;
    return false;
  }
  return !key.empty() && key.front() == tmpl.front() && template_can_make(tmpl.substr(1), key.substr(1));
}

// The query that counts tables named `table` in the session's schema.
std::string table_exists_sql(const std::string& dialect, const std::string& table) {
  if (dialect == "mysql")
    return "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name "
           "= " +
           sql_literal(table);
  if (dialect == "sqlite")
    return "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = " + sql_literal(table);
  // PostgreSQL and Redshift: the first schema of the search_path, where an
  // unqualified CREATE TABLE puts a table.
  return "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
         "table_name = " +
         sql_literal(table);
}

}  // namespace

std::string utc_iso_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string encode_record(const TableRecord& r) {
  return fmt::format(
      "workload={};status={};scale={};seed={};rows={};started={};finished={};definition={};"
      "workload_sha256={}",
      escape(r.workload), r.complete ? "complete" : "loading", r.scale, r.seed, r.rows, escape(r.started),
      escape(r.finished), escape(r.definition_sha256), escape(r.workload_sha256));
}

TableRecord decode_record(const std::string& table, const std::string& text) {
  TableRecord r;
  bool has_status = false, has_scale = false;
  auto bad = [&](const std::string& why) {
    return Error(ErrorClass::kBadInput, "the load record of " + table + " is not one oltap wrote (" + why +
                                            "): " + text.substr(0, 200));
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw bad("'" + item + "' is not name=value");
    const std::string name = item.substr(0, eq), value = unescape(item.substr(eq + 1));
    auto number = [&](auto& out) {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
      if (ec != std::errc() || p != value.data() + value.size()) throw bad(name + " is not a number");
    };
    if (name == "workload") {
      r.workload = value;
    } else if (name == "status") {
      if (value != "complete" && value != "loading") throw bad("status '" + value + "'");
      r.complete = value == "complete";
      has_status = true;
    } else if (name == "scale") {
      number(r.scale);
      has_scale = true;
    } else if (name == "seed") {
      number(r.seed);
    } else if (name == "rows") {
      number(r.rows);
    } else if (name == "started") {
      r.started = value;
    } else if (name == "finished") {
      r.finished = value;
    } else if (name == "definition") {
      r.definition_sha256 = value;
    } else if (name == "workload_sha256") {
      r.workload_sha256 = value;
    }  // names a later oltap may add are kept apart from these, and ignored
  }
  if (!has_status || !has_scale || r.workload.empty()) throw bad("workload, status or scale missing");
  return r;
}

std::string definition_sha256(const workload::Spec& spec, const workload::TableData& data, bool key_value,
                              const std::string& dialect) {
  std::string text = fold_space(data.definition);
  if (!key_value) text += "\n" + fold_space(spec.create_statement(dialect, data.table));
  return sha256_hex(text);
}

void check_record_is_apart(const workload::Spec& spec, bool key_value, const std::string& dialect) {
  if (!key_value) {
    for (const auto& t : spec.tables(dialect))
      if (lower(t) == kLoadRecordTable)
        throw Error(ErrorClass::kBadInput, spec.file + ": the schema creates " + t +
                                               ", the table where oltap records its loads; rename it");
    return;
  }
  for (const auto& d : spec.data) {
    if (!d.redis_key.empty() && template_can_make(d.redis_key, kLoadRecordKey))
      throw Error(
          ErrorClass::kBadInput,
          d.mark.str() + ": the key template '" + d.redis_key + "' can make the key " +
              std::string(kLoadRecordKey) +
              ", where oltap records its loads (a load clears every key the template makes); give it a "
              "literal prefix of its own");
    if (d.redis_index == kLoadRecordKey)
      throw Error(ErrorClass::kBadInput, d.mark.str() + ": the index " + d.redis_index +
                                             " is the key where oltap records its loads; rename it");
  }
}

bool sql_table_exists(engine::Connection& conn, const std::string& table) {
  return conn.query_value(table_exists_sql(conn.dialect(), table)) != "0";
}

void write_records(engine::Connection& conn, const std::map<std::string, TableRecord>& records) {
  const std::string key(kLoadRecordKey), table(kLoadRecordTable);
  if (is_key_value(conn)) {
    for (const auto& [t, r] : records) conn.run("HSET " + key + " " + t + " " + encode_record(r));
    return;
  }
  conn.run(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (table_name varchar({}) NOT NULL, record varchar({}) NOT NULL)", table,
      kTableNameChars, kRecordChars));
  for (const auto& [t, r] : records) {
    const std::string where = " WHERE table_name = " + sql_literal(t);
    // An UPDATE where the row exists: a record never disappears on its way
    // from loading to complete.
    if (conn.query_value("SELECT count(*) FROM " + table + where) != "0")
      conn.run("UPDATE " + table + " SET record = " + sql_literal(encode_record(r)) + where);
    else
      conn.run("INSERT INTO " + table + " (table_name, record) VALUES (" + sql_literal(t) + ", " +
               sql_literal(encode_record(r)) + ")");
  }
}

void forget_records(engine::Connection& conn, const std::vector<std::string>& tables) {
  if (tables.empty()) return;
  if (is_key_value(conn)) {
    for (const auto& t : tables) conn.run("HDEL " + std::string(kLoadRecordKey) + " " + t);
    return;
  }
  if (!sql_table_exists(conn, std::string(kLoadRecordTable))) return;
  for (const auto& t : tables)
    conn.run("DELETE FROM " + std::string(kLoadRecordTable) + " WHERE table_name = " + sql_literal(t));
}

std::map<std::string, TableRecord> read_records(engine::Connection& conn,
                                                const std::vector<std::string>& tables) {
  std::map<std::string, TableRecord> out;
  const bool kv = is_key_value(conn);
  if (!kv && !sql_table_exists(conn, std::string(kLoadRecordTable))) return out;
  for (const auto& t : tables) {
    const std::string text = kv ? conn.query_value("HGET " + std::string(kLoadRecordKey) + " " + t)
                                : conn.query_value("SELECT record FROM " + std::string(kLoadRecordTable) +
                                                   " WHERE table_name = " + sql_literal(t));
    if (!text.empty()) out.emplace(t, decode_record(t, text));
  }
  return out;
}

}  // namespace oltap::datagen
