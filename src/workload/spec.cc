// What a Spec offers once parsed: look-ups, the tables a schema creates,
// distributions with their bounds evaluated, and reading a file.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "workload.h"

namespace oltap::workload {
namespace {

// sql after its leading blanks, -- comments and /* */ comments.
std::string_view skip_leading_comments(std::string_view sql) {
  while (true) {
    size_t start = sql.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return {};
    sql.remove_prefix(start);
    size_t end;
    if (sql.starts_with("--")) {
      end = sql.find('\n');
      if (end != std::string_view::npos) end += 1;
    } else if (sql.starts_with("/*")) {
      end = sql.find("*/", 2);
      if (end != std::string_view::npos) end += 2;
    } else {
      return sql;
    }
    if (end == std::string_view::npos) return {};
    sql.remove_prefix(end);
  }
}

}  // namespace

bool truthy(const Value& v) noexcept {
  switch (v.kind) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kInt:
      return v.i != 0;
    case Value::Kind::kDouble:
      return v.d != 0;
    case Value::Kind::kText:
      return !v.s.empty();
  }
  return false;
}

std::string Mark::str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }

Error error_at(const Mark& m, const std::string& message) {
  return Error(ErrorClass::kBadInput, m.str() + ": " + message);
}

const std::string* Dialected::for_dialect(std::string_view dialect) const {
  auto it = by_dialect.find(std::string(dialect));
  if (it != by_dialect.end()) return &it->second;
  it = by_dialect.find("default");
  return it == by_dialect.end() ? nullptr : &it->second;
}

const Transaction* Spec::find_transaction(std::string_view n) const {
  for (const auto& t : transactions)
    if (t.name == n) return &t;
  return nullptr;
}

const Query* Spec::find_query(std::string_view n) const {
  for (const auto& q : queries)
    if (q.name == n) return &q;
  return nullptr;
}

const Parameter* Spec::find_parameter(std::string_view n) const {
  for (const auto& p : parameters)
    if (p.name == n) return &p;
  return nullptr;
}

// The schema's CREATE TABLE statements for dialect: {table, statement}.
static std::vector<std::pair<std::string, std::string>> create_statements(const Dialected& schema,
                                                                          std::string_view dialect) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string* ddl = schema.for_dialect(dialect);
  if (!ddl) return out;
  static const std::regex create(
      R"(^\s*create\s+(?:unlogged\s+|temporary\s+|temp\s+)?table\s+(?:if\s+not\s+exists\s+)?([A-Za-z_][A-Za-z0-9_.]*))",
      std::regex::icase);
  for (const auto& stmt : split_statements(*ddl)) {
    // A statement may open with comments ("-- accounts\nCREATE TABLE ..."):
    // the regex is anchored at the first word of SQL after them.
    std::string sql(skip_leading_comments(stmt));
    std::smatch m;
    if (std::regex_search(sql, m, create)) out.emplace_back(m[1], sql);
  }
  return out;
}

std::vector<std::string> Spec::tables(std::string_view dialect) const {
  std::vector<std::string> out;
  for (auto& [table, stmt] : create_statements(schema, dialect)) out.push_back(table);
  return out;
}

std::string Spec::create_statement(std::string_view dialect, std::string_view table) const {
  for (auto& [name, stmt] : create_statements(schema, dialect))
    if (name == table) return stmt;
  return "";
}

static Distribution build_distribution(const DistSpec& d, const std::map<std::string, Value>& names,
                                       int64_t nurand_c) {
  auto arg = [&](size_t i) { return eval_with(d.args.at(i), names); };
  auto int_arg = [&](size_t i) {
    Value v = arg(i);
    if (v.kind == Value::Kind::kNull)
      throw error_at(d.args[i].mark(), "'" + d.args[i].text() + "' has no value");
    return v.as_int();
  };
  try {
    using K = Distribution::Kind;
    switch (d.kind) {
      case K::kConst:
        return Distribution::constant(arg(0));
      case K::kUniform:
        return Distribution::uniform(int_arg(0), int_arg(1));
      case K::kUniformReal:
        return Distribution::uniform_real(arg(0).as_double(), arg(1).as_double());
      case K::kZipfian:
        return d.scrambled ? Distribution::scrambled_zipfian(int_arg(0), int_arg(1), d.theta)
                           : Distribution::zipfian(int_arg(0), int_arg(1), d.theta);
      case K::kNURand:
        return Distribution::nurand(int_arg(0), int_arg(1), int_arg(2), nurand_c);
      case K::kSequence:
        return Distribution::sequence(int_arg(0), int_arg(1));
      case K::kString: {
        Distribution out = Distribution::random_string(static_cast<int>(int_arg(0)),
                                                       static_cast<int>(int_arg(1)), d.charset);
        out.set_string_extras(d.embeds, d.suffix);
        return out;
      }
      case K::kText: {
        Distribution out =
            Distribution::pseudo_text(static_cast<int>(int_arg(0)), static_cast<int>(int_arg(1)));
        out.set_string_extras(d.embeds, "");
        return out;
      }
      case K::kSample:
        return Distribution::sample(d.options, d.count, d.separator);
      case K::kChoice:
        return Distribution::choice(d.options, d.weights);
      case K::kSyllables: {
        // A number given as an expression is the generator's to evaluate and spell().
        if (d.number)
          return Distribution::syllables(Distribution::constant(Value::of_int(0)), d.syllables, d.digits);
        const DistSpec& in = d.inner.at(0);
        return Distribution::syllables(make_distribution(in, names, nurand_c), d.syllables, d.digits);
      }
      case K::kLatest:
        throw error_at(d.mark, "a latest distribution is built with its sequence (make_latest)");
    }
  } catch (const Error& e) {
    // Factories know nothing of files; add the place the distribution was written.
    if (std::string(e.what()).rfind(d.mark.file, 0) == 0) throw;
    throw error_at(d.mark, e.what());
  }
  throw error_at(d.mark, "unknown distribution");
}

Distribution make_distribution(const DistSpec& d, const std::map<std::string, Value>& names,
                               int64_t nurand_c) {
  Distribution out = build_distribution(d, names, nurand_c);
  out.set_distinct(d.distinct);
  return out;
}

Spec load_spec(const std::string& path) {
  // An ifstream opens a folder and reads nothing, which would parse as an empty file.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorClass::kBadInput,
                path + ": is a folder, not a workload file (name the .yaml files in it, e.g. " +
                    (std::filesystem::path(path) / "*.yaml").string() + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the workload file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  Spec s = parse_spec(text, path);
  s.sha256 = sha256_hex(text);
  return s;
}

Value scale_value(double scale) {
  if (scale == static_cast<double>(static_cast<int64_t>(scale)))
    return Value::of_int(static_cast<int64_t>(scale));
  return Value::of_double(scale);
}

void check_parameters(const Spec& spec, double scale) {
  const std::map<std::string, Value> names = {
      {"scale", scale_value(scale)}, {"shard", Value::of_int(0)}, {"shards", Value::of_int(1)}};
  for (const auto& p : spec.parameters)
    if (p.dist.kind != Distribution::Kind::kLatest) make_distribution(p.dist, names);
}

}  // namespace oltap::workload
