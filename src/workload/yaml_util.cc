// Strict readers over yaml-cpp nodes, so every workload error has a place.
#include "yaml_util.h"

#include <charconv>

namespace oltap::workload {

Mark YamlReader::mark(const YAML::Node& n) const {
  Mark m;
  m.file = file_;
  YAML::Mark ym = n.Mark();
  if (ym.is_null()) return m;
  m.line = ym.line + 1;
  m.column = ym.column + 1;
  return m;
}

void YamlReader::fail(const YAML::Node& n, const std::string& message) const {
  throw error_at(mark(n), message);
}

Mark YamlReader::key_mark(const YAML::Node& map, const std::string& key) const {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return mark(it->first);
  return mark(map);
}

void YamlReader::check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                            const char* what) const {
  check_keys(map, std::vector<std::string>(allowed.begin(), allowed.end()), what);
}

void YamlReader::check_keys(const YAML::Node& map, const std::vector<std::string>& names,
                            const char* what) const {
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) fail(it->first, std::string("a key of ") + what + " must be a plain word");
    const std::string& k = it->first.Scalar();
    // yaml-cpp keeps both copies of a repeated key but map[key] finds only the
    // first, so the second would be dropped without a word.
    for (const auto& s : seen)
      if (s == k) fail(it->first, "key '" + k + "' appears twice in " + what);
    seen.push_back(k);
    bool ok = false;
    for (const auto& a : names) ok = ok || a == k;
    if (ok) continue;
    std::string msg = "unknown key '" + k + "' in " + what;
    std::string near = closest_match(k, names);
    if (!near.empty()) {
      msg += "; did you mean '" + near + "'?";
    } else {
      msg += " (expected one of:";
      for (const auto& a : names) msg += " " + a;
      msg += ")";
    }
    fail(it->first, msg);
  }
}

void YamlReader::expect_map(const YAML::Node& n, const char* what) const {
  if (!n.IsMap()) fail(n, std::string(what) + " must be a mapping of key: value");
}

void YamlReader::expect_seq(const YAML::Node& n, const char* what) const {
  if (!n.IsSequence()) fail(n, std::string(what) + " must be a list");
}

std::string YamlReader::str(const YAML::Node& n, const char* what) const {
  if (!n.IsScalar()) fail(n, std::string(what) + " must be text");
  return n.Scalar();
}

double YamlReader::number(const YAML::Node& n, const char* what) const {
  std::string s = str(n, what);
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
    fail(n, std::string(what) + " must be a number, not '" + s + "'");
  return v;
}

int64_t YamlReader::integer(const YAML::Node& n, const char* what) const {
  std::string s = str(n, what);
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
    fail(n, std::string(what) + " must be a whole number, not '" + s + "'");
  return v;
}

bool YamlReader::boolean(const YAML::Node& n, const char* what) const {
  std::string s = to_lower(str(n, what));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(n, std::string(what) + " must be true or false, not '" + s + "'");
}

Value YamlReader::value(const YAML::Node& n) const {
  if (n.IsNull()) return Value();
  if (!n.IsScalar()) fail(n, "expected a single value");
  const std::string& s = n.Scalar();
  if (n.Tag() != "!") {  // quoted scalars stay text
    int64_t i = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), i);
    if (!s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size()) return Value::of_int(i);
    double d = 0;
    auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
    if (!s.empty() && rd.ec == std::errc() && rd.ptr == s.data() + s.size()) return Value::of_double(d);
  }
  return Value::of_text(s);
}

Expr YamlReader::expr(const YAML::Node& n, const char* what) const {
  if (!n.IsScalar()) fail(n, std::string(what) + " must be a number or an expression");
  Mark m = mark(n);
  // The mark points at the scalar; a quoted one starts one column later.
  if (n.Tag() == "!") m.column += 1;
  return Expr::parse(n.Scalar(), m);
}

}  // namespace oltap::workload
