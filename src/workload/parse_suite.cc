// The suite format (docs/suite-format.md), read into a Suite: its targets
// (with ${NAME} taken from the environment), its cases with `oltap run`'s
// settings, and each case's matrix expanded into one case per combination.
// Every broken entry is reported at once, as a workload's are.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "parse.h"

namespace oltap::workload {
namespace {

const std::vector<std::string> kSettingNames = {
    "clients",       "duration",    "warmup",   "scale",   "transactions", "rate",
    "latency_limit", "streams",     "pipeline", "threads", "max_retries",  "max_error_rate",
    "query_timeout", "think_times", "arrival",  "repeat",  "verify"};

int at_least(const YamlReader& r, const YAML::Node& n, const char* what, int64_t min) {
  const int64_t v = r.integer(n, what);
  if (v < min || v > 1000000000)
    r.fail(n, std::string(what) + " must be a whole number of at least " + std::to_string(min));
  return static_cast<int>(v);
}

// One setting, key = value, into s; a value it cannot be fails at its place.
void read_setting(const YamlReader& r, const std::string& key, const YAML::Node& v, SuiteSettings& s) {
  const char* k = key.c_str();
  if (key == "clients") {
    s.clients = at_least(r, v, k, 1);
  } else if (key == "streams") {
    s.streams = at_least(r, v, k, 1);
  } else if (key == "pipeline") {
    s.pipeline = at_least(r, v, k, 1);
  } else if (key == "threads") {
    s.threads = at_least(r, v, k, 0);
  } else if (key == "max_retries") {
    s.max_retries = at_least(r, v, k, 0);
  } else if (key == "transactions") {
    s.transactions = at_least(r, v, k, 1);
  } else if (key == "duration") {
    s.duration_s = read_duration(r, v, k);
    if (!(*s.duration_s > 0)) r.fail(v, "duration must be above 0");
  } else if (key == "warmup") {
    s.warmup_s = read_duration(r, v, k);
    if (*s.warmup_s < 0) r.fail(v, "warmup must not be negative");
  } else if (key == "latency_limit") {
    s.latency_limit_s = read_duration(r, v, k);
    if (!(*s.latency_limit_s > 0)) r.fail(v, "latency_limit must be above 0");
  } else if (key == "query_timeout") {
    s.query_timeout_s = read_duration(r, v, k);
    if (!(*s.query_timeout_s > 0)) r.fail(v, "query_timeout must be above 0");
  } else if (key == "scale") {
    s.scale = r.number(v, k);
    if (!(*s.scale > 0)) r.fail(v, "scale must be above 0");
  } else if (key == "rate") {
    s.rate = r.number(v, k);
    if (!(*s.rate >= 0.001)) r.fail(v, "rate must be 0.001 transactions per second or more");
  } else if (key == "max_error_rate") {
    try {
      s.max_error_rate = parse_percent(r.str(v, k));
    } catch (const Error& e) {
      r.fail(v, std::string("max_error_rate: ") + e.what());
    }
    if (*s.max_error_rate > 1) r.fail(v, "max_error_rate: at most 100% of the transactions can fail");
  } else if (key == "think_times") {
    s.think_times = r.boolean(v, k);
  } else if (key == "verify") {
    s.verify = r.boolean(v, k);
  } else if (key == "repeat") {
    s.repeat = at_least(r, v, k, 1);
    if (*s.repeat > 1000) r.fail(v, "repeat must be within [1, 1000]");
  } else if (key == "arrival") {
    s.arrival = r.str(v, k);
    if (*s.arrival != "poisson" && *s.arrival != "uniform")
      r.fail(v, "arrival '" + *s.arrival + "': expected poisson or uniform");
  }
}

// Every setting of map is read, each problem recorded in problems; ok turns
// false when one was.
SuiteSettings read_settings(const YamlReader& r, const YAML::Node& map, const char* what, Problems& problems,
                            bool& ok) {
  r.expect_map(map, what);
  ok = problems.attempt([&] { r.check_keys(map, kSettingNames, what); }) && ok;
  SuiteSettings s;
  for (auto it = map.begin(); it != map.end(); ++it)
    ok = problems.attempt([&] { read_setting(r, it->first.Scalar(), it->second, s); }) && ok;
  if (s.duration_s && s.transactions)
    r.fail(map, std::string(what) + ": duration and transactions both given (a run lasts one or the other)");
  return s;
}

// ${NAME} replaced by the environment's value.
std::string expand_env(const YamlReader& r, const YAML::Node& n, const std::string& text,
                       const std::function<std::optional<std::string>(const std::string&)>& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    const std::string name = close == std::string::npos ? "" : text.substr(i + 2, close - i - 2);
    if (name.empty() || !is_plain_name(name) || name.find_first_of(".-") != std::string::npos)
      r.fail(n, "'${' must open an environment variable's name, as in ${PGPASSWORD}");
    const std::optional<std::string> v = env(name);
    if (!v) r.fail(n, "the environment variable " + name + " is not set");
    out += *v;
    i = close;
  }
  return out;
}

// A case's matrix: each key a setting, each value one case of it.
struct Axis {
  std::string key;
  std::vector<std::pair<std::string, SuiteSettings>> values;  // as written, and as read
};

std::vector<Axis> read_matrix(const YamlReader& r, const YAML::Node& map) {
  r.expect_map(map, "matrix");
  r.check_keys(map, kSettingNames, "matrix");
  std::vector<Axis> axes;
  for (auto it = map.begin(); it != map.end(); ++it) {
    Axis a{it->first.Scalar(), {}};
    const YAML::Node list = it->second;
    if (!list.IsSequence() || list.size() == 0)
      r.fail(list, "matrix: " + a.key + " must be a list of one value or more, as in [1, 4]");
    for (const auto& v : list) {
      const std::string text = r.str(v, "a matrix value");
      if (!is_plain_name(text))
        r.fail(v, "matrix value '" + text + "' names a case folder: letters, digits, '_', '.' and '-' only");
      for (const auto& [seen, _] : a.values)
        if (seen == text) r.fail(v, "matrix: " + a.key + " has '" + text + "' twice");
      SuiteSettings s;
      read_setting(r, a.key, v, s);
      a.values.emplace_back(text, s);
    }
    axes.push_back(std::move(a));
  }
  return axes;
}

// A case's `targets:` into c.targets.
void read_targets(const YamlReader& r, const YAML::Node& n, const Suite& suite, SuiteCase& c) {
  if (const YAML::Node& t = n["targets"]) {
    if (!t.IsSequence() || t.size() == 0)
      r.fail(t, "targets must be a list of the suite's target labels, as in [pg, maria]");
    std::vector<std::string> labels;
    for (const auto& st : suite.targets) labels.push_back(st.label);
    for (const auto& l : t) {
      const std::string label = r.str(l, "a target label");
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
        const std::string near = closest_match(label, labels);
        r.fail(l, "unknown target '" + label + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?"));
      }
      if (std::find(c.targets.begin(), c.targets.end(), label) != c.targets.end())
        r.fail(l, "target '" + label + "' is listed twice");
      c.targets.push_back(label);
    }
  }
}

// The case with one value of each matrix key per case made (the cartesian
// product, the first key varying slowest), into out.
void expand(const YamlReader& r, const YAML::Node& n, const SuiteCase& c, const std::vector<Axis>& axes,
            std::vector<SuiteCase>& out) {
  std::vector<SuiteCase> expanded = {c};
  for (const auto& a : axes) {
    std::vector<SuiteCase> next;
    for (const auto& e : expanded)
      for (const auto& [text, s] : a.values) {
        SuiteCase x = e;
        x.name += "-" + a.key + "=" + text;
        x.settings.overlay(s);
        if (s.transactions) x.settings.duration_s.reset();
        next.push_back(std::move(x));
      }
    expanded = std::move(next);
  }
  for (auto& e : expanded) {
    for (const auto& o : out)
      if (o.name == e.name) r.fail(n["name"], "two cases are named '" + e.name + "'");
    out.push_back(std::move(e));
  }
}

// A case's parts are read each on its own, so that one problem (a missing
// workload) does not hide the others (its settings'); a case with a problem
// is not expanded.
void read_case(const YamlReader& r, const YAML::Node& n, const Suite& suite, const SuiteSettings& defaults,
               std::vector<SuiteCase>& out, Problems& problems) {
  r.expect_map(n, "a case");
  bool ok = problems.attempt([&] {
    r.check_keys(n, {"name", "workload", "targets", "settings", "matrix"}, "a case");
  });
  SuiteCase c;
  c.mark = r.mark(n);
  ok = problems.attempt([&] {
    if (!n["name"]) r.fail(n, "a case needs a 'name'");
    c.name = r.str(n["name"], "name");
    if (!is_plain_name(c.name))
      r.fail(n["name"], "case name '" + c.name + "' names a folder: letters, digits, '_', '.' and '-' only");
  }) && ok;
  ok = problems.attempt([&] {
    if (!n["workload"]) r.fail(n, "case '" + c.name + "' needs a 'workload' (a workload file)");
    const std::string file = r.str(n["workload"], "workload");
    std::filesystem::path path(file);
    const bool relative = path.is_relative();
    if (relative) path = std::filesystem::path(r.file()).parent_path() / path;
    c.workload = path.lexically_normal().string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(c.workload, ec))
      r.fail(n["workload"], "workload file " + c.workload + " does not exist" +
                                (relative ? " (a path relative to the suite file)" : ""));
  }) && ok;
  ok = problems.attempt([&] { read_targets(r, n, suite, c); }) && ok;
  c.settings = defaults;
  if (n["settings"]) {
    const SuiteSettings own = read_settings(r, n["settings"], "settings", problems, ok);
    // A count of transactions set here ends a duration the defaults gave.
    if (own.transactions) c.settings.duration_s.reset();
    if (own.duration_s) c.settings.transactions.reset();
    c.settings.overlay(own);
  }
  std::vector<Axis> axes;
  if (n["matrix"]) ok = problems.attempt([&] { axes = read_matrix(r, n["matrix"]); }) && ok;
  if (!ok) return;
  expand(r, n, c, axes, out);
}

}  // namespace

void SuiteSettings::overlay(const SuiteSettings& o) {
  auto take = [](auto& into, const auto& from) {
    if (from) into = from;
  };
  take(clients, o.clients);
  take(streams, o.streams);
  take(pipeline, o.pipeline);
  take(threads, o.threads);
  take(max_retries, o.max_retries);
  take(duration_s, o.duration_s);
  take(warmup_s, o.warmup_s);
  take(scale, o.scale);
  take(rate, o.rate);
  take(query_timeout_s, o.query_timeout_s);
  take(latency_limit_s, o.latency_limit_s);
  take(max_error_rate, o.max_error_rate);
  take(transactions, o.transactions);
  take(think_times, o.think_times);
  take(verify, o.verify);
  take(repeat, o.repeat);
  take(arrival, o.arrival);
}

const std::vector<std::string>& suite_setting_names() { return kSettingNames; }

Suite parse_suite(const std::string& text, const std::string& file,
                  const std::function<std::optional<std::string>(const std::string&)>& env) {
  YamlReader r(file);
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw error_at(Mark{file, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  const YAML::Node& root = loaded;
  if (!root.IsMap())
    throw error_at(Mark{file, 1, 1}, "a suite file must be a mapping with 'name', 'targets' and 'cases'");
  Problems problems(file);
  problems.attempt([&] {
    r.check_keys(root, {"name", "targets", "repetitions", "seed", "load", "defaults", "cases"}, "the suite");
  });
  Suite suite;
  suite.file = file;
  suite.text = text;
  problems.attempt([&] {
    if (!root["name"]) throw error_at(Mark{file, 1, 1}, "the suite needs a 'name'");
    suite.name = r.str(root["name"], "name");
  });
  problems.attempt([&] {
    const YAML::Node& t = root["targets"];
    if (!t) throw error_at(Mark{file, 1, 1}, "the suite needs 'targets' (label: URI)");
    if (!t.IsMap() || t.size() == 0)
      r.fail(t, "targets must be a mapping of label: URI, as in {pg: postgresql://host/db}");
    for (auto it = t.begin(); it != t.end(); ++it)
      problems.attempt([&] {
        SuiteTarget st;
        st.label = r.str(it->first, "a target label");
        st.mark = r.mark(it->first);
        if (!is_plain_name(st.label))
          r.fail(it->first, "target label '" + st.label + "': letters, digits, '_', '.' and '-' only");
        for (const auto& o : suite.targets)
          if (o.label == st.label) r.fail(it->first, "target '" + st.label + "' appears twice");
        st.as_written = r.str(it->second, "a target URI");
        st.uri = expand_env(r, it->second, st.as_written, env);
        suite.targets.push_back(std::move(st));
      });
  });
  if (root["repetitions"])
    problems.attempt([&] { suite.repetitions = at_least(r, root["repetitions"], "repetitions", 1); });
  if (root["seed"])
    problems.attempt([&] {
      const int64_t s = r.integer(root["seed"], "seed");
      if (s < 0) r.fail(root["seed"], "seed must not be negative");
      suite.seed = static_cast<uint64_t>(s);
    });
  if (root["load"]) problems.attempt([&] { suite.load = r.boolean(root["load"], "load"); });
  SuiteSettings defaults;
  if (root["defaults"])
    problems.attempt([&] {
      bool ok = true;
      defaults = read_settings(r, root["defaults"], "defaults", problems, ok);
    });
  problems.attempt([&] {
    const YAML::Node& cases = root["cases"];
    if (!cases) throw error_at(Mark{file, 1, 1}, "the suite needs 'cases' (a list)");
    if (!cases.IsSequence() || cases.size() == 0) r.fail(cases, "cases must be a list of one case or more");
    for (const auto& c : cases)
      problems.attempt([&] { read_case(r, c, suite, defaults, suite.cases, problems); });
  });
  problems.throw_if_any();
  return suite;
}

Suite load_suite(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorClass::kBadInput, path + ": is a folder, not a suite file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the suite file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_suite(ss.str(), path, [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  });
}

}  // namespace oltap::workload
