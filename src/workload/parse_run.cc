// The workload format's run settings: `run:` (a run's defaults, its open-loop
// rate and stages), `groups:` (clients, mixes and rates) and `headline:` (the
// figure it is quoted by).
#include <cmath>

#include "parse.h"

namespace oltap::workload {

namespace {

// A rate in transactions per second: a number above 0 (inf and nan read as
// numbers, so finite is checked too).
double read_rate(const YamlReader& r, const YAML::Node& n, const char* what) {
  const double rate = r.number(n, what);
  if (!(rate > 0) || !std::isfinite(rate))
    r.fail(n, std::string(what) + " must be a number of transactions per second above 0");
  return rate;
}

// A duration that must be above 0.
double read_positive_duration(const YamlReader& r, const YAML::Node& n, const char* what) {
  const double s = read_duration(r, n, what);
  if (!(s > 0)) r.fail(n, std::string(what) + " must be above 0");
  return s;
}

// `run: stages:`, read after the run's rate, which a stage without one takes.
std::vector<Stage> read_stages(const YamlReader& r, const YAML::Node& list, double run_rate) {
  r.expect_seq(list, "stages");
  if (list.size() == 0) r.fail(list, "stages must not be empty (or leave them out for one stage)");
  std::vector<Stage> stages;
  for (const auto& n : list) {
    r.expect_map(n, "a stage");
    r.check_keys(n, {"duration", "rate", "clients"}, "a stage");
    Stage st;
    st.mark = r.mark(n);
    if (!n["duration"]) r.fail(n, "a stage needs a 'duration'");
    st.duration_s = read_positive_duration(r, n["duration"], "duration");
    st.rate = n["rate"] ? read_rate(r, n["rate"], "rate") : run_rate;
    if (n["clients"]) {
      const int64_t clients = r.integer(n["clients"], "clients");
      if (clients < 1) r.fail(n["clients"], "clients must be at least 1");
      st.clients = static_cast<int>(clients);
    }
    stages.push_back(st);
  }
  return stages;
}

}  // namespace

void read_run(const YamlReader& r, const YAML::Node& n, bool analytical, Spec& spec) {
  r.expect_map(n, "run");
  r.check_keys(n,
               {"clients", "duration", "warmup", "transactions", "rate", "arrival", "latency_limit", "stages",
                "streams", "query_timeout"},
               "run");
  for (const char* key :
       {"clients", "duration", "warmup", "transactions", "rate", "arrival", "latency_limit", "stages"})
    if (analytical && n[key])
      throw error_at(r.key_mark(n, key), std::string("run: '") + key +
                                             "' applies to transactions; a workload of queries takes "
                                             "'streams' and 'query_timeout'");
  for (const char* key : {"streams", "query_timeout"})
    if (!analytical && n[key])
      throw error_at(r.key_mark(n, key),
                     std::string("run: '") + key + "' applies to workloads of queries, not transactions");
  if (n["streams"]) {
    const int64_t streams = r.integer(n["streams"], "streams");
    if (streams < 1 || streams > kMaxStreams)
      r.fail(n["streams"], "streams must be within [1, " + std::to_string(kMaxStreams) + "]");
    spec.run.streams = static_cast<int>(streams);
  }
  if (n["query_timeout"]) {
    spec.run.query_timeout_s = read_duration(r, n["query_timeout"], "query_timeout");
    if (spec.run.query_timeout_s <= 0) r.fail(n["query_timeout"], "query_timeout must be above 0");
  }
  if (n["clients"]) spec.run.clients = static_cast<int>(r.integer(n["clients"], "clients"));
  if (spec.run.clients < 1) r.fail(n["clients"], "clients must be at least 1");
  try {
    if (n["duration"]) spec.run.duration_s = parse_duration_s(r.str(n["duration"], "duration"));
  } catch (const Error& e) {
    r.fail(n["duration"], e.what());
  }
  try {
    if (n["warmup"]) spec.run.warmup_s = parse_duration_s(r.str(n["warmup"], "warmup"));
  } catch (const Error& e) {
    r.fail(n["warmup"], e.what());
  }
  if (n["transactions"]) spec.run.transactions = r.integer(n["transactions"], "transactions");
  if (spec.run.transactions < 0) r.fail(n["transactions"], "transactions must not be negative");
  if (n["rate"]) spec.run.rate = read_rate(r, n["rate"], "rate");
  if (n["arrival"]) {
    const std::string arrival = r.str(n["arrival"], "arrival");
    if (arrival == "poisson") {
      spec.run.arrival = Arrival::kPoisson;
    } else if (arrival == "uniform") {
      spec.run.arrival = Arrival::kUniform;
    } else {
      r.fail(n["arrival"], "arrival must be poisson or uniform, not '" + arrival + "'");
    }
  }
  if (n["latency_limit"])
    spec.run.latency_limit_s = read_positive_duration(r, n["latency_limit"], "latency_limit");
  if (n["stages"]) {
    // The stages are the run's duration; a count of transactions would end it elsewhere.
    for (const char* key : {"duration", "transactions"})
      if (n[key])
        throw error_at(r.key_mark(n, key), std::string("run: '") + key +
                                               "' does not go with 'stages': the stages' durations "
                                               "are the run's");
    spec.run.stages = read_stages(r, n["stages"], spec.run.rate);
    spec.run.duration_s = 0;
    for (const auto& st : spec.run.stages) spec.run.duration_s += st.duration_s;
  }
}

void read_group(const YamlReader& r, const YAML::Node& g, Spec& spec, const Problems& problems) {
  r.expect_map(g, "a group");
  r.check_keys(g, {"name", "clients", "rate", "mix"}, "a group");
  Group grp;
  grp.mark = r.mark(g);
  if (!g["name"]) r.fail(g, "a group needs a 'name'");
  grp.name = r.str(g["name"], "name");
  for (const auto& other : spec.groups)
    if (other.name == grp.name) r.fail(g["name"], "group '" + grp.name + "' is defined twice");
  if (g["clients"]) {
    grp.clients = static_cast<int>(r.integer(g["clients"], "clients"));
    if (grp.clients < 1) r.fail(g["clients"], "clients must be at least 1");
  }
  if (g["rate"]) grp.rate = read_rate(r, g["rate"], "rate");
  if (g["mix"]) {
    const YAML::Node& mix = g["mix"];
    std::vector<std::string> names;
    for (const auto& t : spec.transactions) names.push_back(t.name);
    auto add = [&](const YAML::Node& key, double w) {
      std::string name = r.str(key, "a transaction name");
      // A transaction that failed to read has its own problem reported.
      if (problems.broken_transactions.count(name)) return;
      if (!spec.find_transaction(name)) {
        std::string near = closest_match(name, names);
        r.fail(key, "group '" + grp.name + "' names an unknown transaction '" + name + "'" +
                        (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
      }
      grp.mix.emplace_back(name, w);
    };
    if (mix.IsMap()) {
      for (auto it = mix.begin(); it != mix.end(); ++it) {
        double w = r.number(it->second, "a weight");
        if (w < 0) r.fail(it->second, "a weight must not be negative");
        add(it->first, w);
      }
    } else if (mix.IsSequence()) {
      for (const auto& e : mix)
        add(e, spec.find_transaction(r.str(e, "a transaction name"))
                   ? spec.find_transaction(e.Scalar())->weight
                   : 0);
    } else {
      r.fail(mix, "mix must be a list of transaction names or a mapping of name: weight");
    }
  }
  spec.groups.push_back(std::move(grp));
}

void read_groups(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems) {
  r.expect_seq(list, "groups");
  for (const auto& g : list) problems.attempt([&] { read_group(r, g, spec, problems); });
}

// `headline:` names one transaction whose commits per minute the workload is
// quoted by; read once transactions and groups are known.
Headline read_headline(const YamlReader& r, const YAML::Node& n, const Spec& spec, const Problems& problems) {
  r.expect_map(n, "headline");
  r.check_keys(n, {"name", "transaction", "per_scale_max", "include_aborted"}, "headline");
  Headline h;
  h.mark = r.mark(n);
  if (!n["name"]) r.fail(n, "headline needs 'name', what the figure is called (e.g. tpmC)");
  h.name = trim(r.str(n["name"], "name"));
  if (h.name.empty()) r.fail(n["name"], "the headline's name must not be empty");
  if (!n["transaction"])
    r.fail(n, "headline needs 'transaction', the one whose commits per minute it counts");
  h.transaction = r.str(n["transaction"], "transaction");
  const bool broken = problems.broken_transactions.count(h.transaction) > 0;
  if (!broken && !spec.find_transaction(h.transaction)) {
    std::vector<std::string> names;
    for (const auto& t : spec.transactions) names.push_back(t.name);
    std::string near = closest_match(h.transaction, names);
    r.fail(n["transaction"], "headline names an unknown transaction '" + h.transaction + "'" +
                                 (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  }
  bool runs = false;
  for (const auto& g : spec.groups) {
    if (g.mix.empty()) runs = true;
    for (const auto& [name, weight] : g.mix) runs = runs || name == h.transaction;
  }
  if (!runs && !broken)
    r.fail(n["transaction"], "headline transaction '" + h.transaction + "' is in no group's mix");
  if (n["per_scale_max"]) {
    h.per_scale_max = r.number(n["per_scale_max"], "per_scale_max");
    if (!(h.per_scale_max > 0) || !std::isfinite(h.per_scale_max))
      r.fail(n["per_scale_max"], "per_scale_max must be above 0 (the figure's maximum per unit of scale)");
  }
  if (n["include_aborted"]) h.include_aborted = r.boolean(n["include_aborted"], "include_aborted");
  return h;
}

}  // namespace oltap::workload
