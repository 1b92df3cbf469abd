// What a run is asked for, resolved against its workload: the command line's
// overrides where given, the workload's `run:` defaults elsewhere, and the
// options that belong to the other kind of workload refused.
#include <utility>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

// The options given that a workload of this kind does not take, by name.
std::vector<std::string> given_of_the_other_kind(const RunOverrides& o, bool analytical) {
  const std::vector<std::pair<const char*, bool>> transactional = {
      {"--clients", o.clients.has_value()},
      {"--group-clients", !o.group_clients.empty()},
      {"--duration", o.duration_s.has_value()},
      {"--warmup", o.warmup_s.has_value()},
      {"--transactions", o.transactions.has_value()},
      {"--max-retries", o.max_retries.has_value()},
      {"--threads", o.threads.has_value()},
      {"--pipeline", o.pipeline.has_value()},
      {"--think-times", o.think_times},
      {"--rate", !o.rates.empty()},
      {"--group-rate", !o.group_rate.empty()},
      {"--arrival", o.arrival.has_value()},
      {"--latency-limit", o.latency_limit_s.has_value()},
      {"--slo", !o.slo.empty()},
      {"--reconnect", o.reconnect.has_value()},
      {"--statement-timeout", o.statement_timeout_s.has_value()},
      {"--shard", o.shard.has_value()}};
  const std::vector<std::pair<const char*, bool>> queries = {
      {"--streams", o.streams.has_value()},
      {"--query-timeout", o.query_timeout_s.has_value()},
      {"--verify", o.verify},
      {"--repeat", o.repeat.has_value()}};
  std::vector<std::string> out;
  for (const auto& [name, given] : analytical ? transactional : queries)
    if (given) out.push_back(name);
  return out;
}

// The open loop's settings: the command line's rate (one, or a sweep of
// several), else the workload's rate or stages; a group's rate from
// --group-rate, else its own.
void resolve_open_loop(const workload::Spec& spec, const RunOverrides& o, Resolved& r) {
  run::Options& t = r.options;
  const workload::RunDefaults& d = spec.run;
  t.arrival = o.arrival.value_or(d.arrival == workload::Arrival::kUniform ? run::Arrival::kUniform
                                                                          : run::Arrival::kPoisson);
  t.latency_limit_s = o.latency_limit_s.value_or(d.latency_limit_s);
  if (o.latency_limit_s && t.latency_limit_s <= 0)
    throw Error(ErrorClass::kBadInput, "--latency-limit must be above 0, e.g. 50ms");
  for (const auto& g : spec.groups)
    if (g.rate > 0) t.group_rate[g.name] = g.rate;
  for (const auto& [name, rate] : o.group_rate) {
    bool known = false;
    for (const auto& g : spec.groups) known = known || g.name == name;
    if (!known)
      throw Error(ErrorClass::kBadInput,
                  "--group-rate " + name + ": " + spec.name + " has no group '" + name + "'");
    t.group_rate[name] = rate;
  }
  if (!d.stages.empty() && (!o.rates.empty() || o.duration_s))
    throw Error(ErrorClass::kBadInput, std::string(!o.rates.empty() ? "--rate/--sweep" : "--duration") +
                                           ": " + spec.name +
                                           "'s run: has stages, which set its rates and duration");
  if (!o.rates.empty()) {
    bool shared = false;  // a group the target's rate applies to
    for (const auto& g : spec.groups) shared = shared || !t.group_rate.count(g.name);
    if (!shared)
      throw Error(ErrorClass::kBadInput, "--rate/--sweep: every group of " + spec.name +
                                             " has a rate of its own (--group-rate or its rate:), so the "
                                             "target's rate would change nothing");
  }
  if (o.rates.size() > 1) {
    // A sweep: each rate measured on its own (measure.cc), the first here.
    r.sweep = true;
    r.sweep_rates = o.rates;
    t.rate = o.rates.front();
  } else if (o.rates.size() == 1) {
    t.rate = o.rates.front();
  } else if (!d.stages.empty()) {
    for (const auto& s : d.stages) t.stages.push_back({s.duration_s, s.rate, s.clients});
    t.duration_s = d.duration_s;
  } else {
    t.rate = d.rate;
  }
  if (!t.stages.empty() && t.transactions > 0)
    throw Error(ErrorClass::kBadInput, "--transactions: a run of stages or a sweep runs for a duration");
  if (!o.slo.empty() && !r.sweep)
    throw Error(
        ErrorClass::kBadInput,
        "--slo finds the knee of a rate sweep: give several rates (--rate 1000,2000,4000 or --sweep)");
  if (!o.slo.empty()) r.slo = results::parse_slo(o.slo);
}

}  // namespace

Resolved resolve_options(const workload::Spec& spec, const RunOverrides& o, Listener& listener) {
  const bool analytical = !spec.queries.empty();
  if (auto wrong = given_of_the_other_kind(o, analytical); !wrong.empty())
    throw Error(ErrorClass::kBadInput,
                wrong.front() + " applies to workloads of " + (analytical ? "transactions" : "queries") +
                    "; " + spec.name + " is one of " + (analytical ? "queries" : "transactions") +
                    (analytical ? " (run it with --streams, --query-timeout, --verify, --repeat)" : ""));
  Resolved r;
  if (analytical) {
    run::QueryOptions& q = r.query_options;
    q.streams = o.streams.value_or(spec.run.streams);
    if (q.streams < 1 || q.streams > workload::kMaxStreams)
      throw Error(ErrorClass::kBadInput,
                  "--streams must be within [1, " + std::to_string(workload::kMaxStreams) + "]");
    q.timeout_s = o.query_timeout_s.value_or(spec.run.query_timeout_s);
    if (o.query_timeout_s && q.timeout_s <= 0)
      throw Error(ErrorClass::kBadInput, "--query-timeout must be above 0, e.g. 30s");
    q.verify = o.verify;
    q.seed = o.seed;
    q.repeat = o.repeat.value_or(1);
    if (q.repeat < 1 || q.repeat > workload::kMaxRepeat)
      throw Error(ErrorClass::kBadInput,
                  "--repeat must be within [1, " + std::to_string(workload::kMaxRepeat) + "]");
    // One timing is TPC-H's (and pgbench's, HammerDB's): every execution
    // counts. Several are samples of one query, so the first, which fills
    // the caches for the others, is run once more before them and dropped.
    q.warmup_passes = q.repeat > 1 ? 1 : 0;
    return r;
  }
  run::Options& t = r.options;
  t.clients = o.clients.value_or(0);
  for (const auto& [name, n] : o.group_clients) {
    bool known = false;
    for (const auto& g : spec.groups) known = known || g.name == name;
    if (!known)
      throw Error(ErrorClass::kBadInput, "--group-clients " + name + "=" + std::to_string(n) + ": " +
                                             spec.name + " has no group '" + name + "'");
    t.group_clients[name] = n;
  }
  t.duration_s = o.duration_s.value_or(spec.run.duration_s);
  t.transactions = o.transactions.value_or(spec.run.transactions);
  // A count of transactions (like pgbench -t) means all of them are
  // measured, unless a warm-up is asked for too.
  t.warmup_s = o.warmup_s ? *o.warmup_s : o.transactions ? 0 : spec.run.warmup_s;
  if (t.transactions == 0 && t.duration_s <= 0)
    throw Error(ErrorClass::kBadInput, "--duration must be above 0 (or give --transactions)");
  t.seed = o.seed;
  t.max_retries = o.max_retries.value_or(t.max_retries);
  t.reconnect = o.reconnect.value_or(t.reconnect);
  t.statement_timeout_s = o.statement_timeout_s.value_or(0);
  if (o.statement_timeout_s && t.statement_timeout_s <= 0)
    throw Error(ErrorClass::kBadInput, "--statement-timeout must be above 0, e.g. 500ms");
  t.pipeline = o.pipeline.value_or(1);
  if (t.pipeline < 1) throw Error(ErrorClass::kBadInput, "--pipeline must be at least 1");
  t.threads = o.threads.value_or(0);
  if (t.threads < 0) throw Error(ErrorClass::kBadInput, "--threads must be 0 (one per client) or more");
  t.think_times = o.think_times;
  if (o.shard) t.shard = *o.shard;
  resolve_open_loop(spec, o, r);
  if (t.think_times) {
    bool any = false;
    for (const auto& tx : spec.transactions) any = any || tx.keying_time_s > 0 || tx.think_time_s > 0;
    if (!any)
      listener.note("--think-times: no transaction of " + spec.name + " has a keying_time or think_time");
  }
  return r;
}

}  // namespace oltap::orchestrate
