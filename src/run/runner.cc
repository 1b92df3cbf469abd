// Running a workload on one target, in two phases: prepare_run() compiles
// the plan and connects and prepares every client; measure() starts them
// together, reads them once per interval while they run (handing each
// interval to the observer, keeping none), and hands back the totals.
// Threading: both run on the caller's thread, which measure() uses as the
// recorder while the clients run on threads of their own.
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "client_cost.h"
#include "recorder.h"
#include "worker.h"

namespace oltap::run {
namespace {

using Clock = std::chrono::system_clock;

// How often the recorder looks for clients that have finished.
constexpr int64_t kFinishPollNs = 20'000'000;

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// An eventfd that turns readable when the run stops, so a client waiting
// out a keying or think time wakes at once rather than at the end of its
// wait: the run ends on time however long the waits are.
class StopEvent {
 public:
  StopEvent() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (fd_ < 0) throw Error(ErrorClass::kFatal, std::string("eventfd: ") + std::strerror(errno));
  }
  ~StopEvent() { close(fd_); }
  StopEvent(const StopEvent&) = delete;
  StopEvent& operator=(const StopEvent&) = delete;
  int fd() const noexcept { return fd_; }
  // Never drained: it stays readable for every waiting client.
  void fire() noexcept {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(fd_, &one, sizeof one);
  }

 private:
  int fd_;
};

// Options a target cannot run: pipelining and shared threads need an
// engine that pipelines and one-command transactions; think times need a
// thread per client.
void check_options(const Plan& plan, const engine::Connection& first, const engine::Target& target,
                   const Options& o, bool shared_threads) {
  if (o.pipeline > 1 || shared_threads) {
    const std::string what = o.pipeline > 1 ? "--pipeline" : "--threads";
    if (o.pipeline > 1 && !first.can_pipeline())
      throw Error(ErrorClass::kBadInput,
                  what + ": " + target.engine + " targets do not pipeline (Redis does)");
    if (shared_threads && !first.can_share_thread())
      throw Error(ErrorClass::kBadInput,
                  what + ": " + target.engine +
                      " clients cannot share a thread (Redis and native MariaDB/MySQL can)");
    for (const auto& t : plan.txns)
      if (t.steps.size() != 1 || !t.steps[0].into_slots.empty() || t.wrapped || t.steps[0].when ||
          t.steps[0].rollback_if || t.steps[0].is_loop || t.steps[0].is_block)
        throw Error(ErrorClass::kBadInput,
                    what + " needs transactions of one command without `into`, `if` or `rollback_if`; '" +
                        t.name + "' is not");
  }
  if (o.think_times && plan.open_loop)
    throw Error(ErrorClass::kBadInput,
                "--think-times: an emulated user's waits belong to a closed loop; with a rate the schedule "
                "decides when each transaction leaves");
  if (o.transactions > 0 && !o.stages.empty())
    throw Error(ErrorClass::kBadInput,
                "stages set the run's duration: they cannot run a number of transactions");
  if (o.think_times && (o.pipeline > 1 || shared_threads))
    throw Error(ErrorClass::kBadInput,
                "--think-times: each client waits on its own, which clients that pipeline or share a thread "
                "(--pipeline, --threads) cannot; run without those");
}

}  // namespace

struct PreparedRun::State {
  engine::Target target;
  Options options;
  Connector connect;
  RunResult result;  // what is known before the run: the target, its engine and server
  Plan plan;
  bool shared_threads = false;  // clients share Options::threads threads
  std::atomic<bool> stop{false};
  StopEvent stop_event;
  std::vector<std::unique_ptr<Worker>> workers;
  bool measured = false;
};

PreparedRun::PreparedRun(std::unique_ptr<State> state) : state_(std::move(state)) {}
PreparedRun::~PreparedRun() = default;
const std::string& PreparedRun::target() const noexcept { return state_->result.target; }
const std::string& PreparedRun::engine() const noexcept { return state_->result.engine; }
const std::string& PreparedRun::dialect() const noexcept { return state_->result.dialect; }
const std::string& PreparedRun::server_version() const noexcept { return state_->result.server_version; }

std::unique_ptr<PreparedRun> prepare_run(const workload::Spec& spec, const engine::Target& target,
                                         const Options& o) {
  auto st = std::make_unique<PreparedRun::State>();
  st->target = target;
  st->options = o;
  st->connect = o.connect ? o.connect : Connector([](const engine::Target& t) { return engine::connect(t); });
  // The first connection tells the dialect (an odbc: target learns it from
  // its driver) before the plan is compiled; it becomes client 0's.
  std::unique_ptr<engine::Connection> first = st->connect(st->target);
  RunResult& res = st->result;
  res.target = target.name();
  res.engine = target.engine;
  res.dialect = first->dialect();
  res.server_version = first->server_version();
  res.warmup_s = o.warmup_s;
  st->plan = compile_plan(spec, res.dialect, first->kind(), o);
  plan_stages(st->plan, o);
  const Plan& plan = st->plan;
  int total_clients = 0, run_clients = 0;  // this shard's; the whole run's
  for (const auto& g : plan.groups) {
    total_clients += g.shard_clients;
    run_clients += g.clients;
  }
  // A shard without a client never checks in, so the others would wait
  // --shard-wait for it in vain: every shard refuses such a run at once.
  for (int j = 0; j < o.shard.count; ++j) {
    int clients_of_j = 0;
    for (const auto& g : plan.groups) clients_of_j += shard_range(g.clients, {j, o.shard.count}).count;
    if (clients_of_j == 0)
      throw Error(
          ErrorClass::kBadInput,
          "--shard " + std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count) +
              ": the run has " + std::to_string(run_clients) + " client(s) in all, none of them for " +
              (j == o.shard.index ? std::string("this shard")
                                  : "shard " + std::to_string(j) + "/" + std::to_string(o.shard.count)) +
              "; give at least " + std::to_string(o.shard.count) + " (--clients)");
  }
  st->shared_threads = o.threads > 0 && o.threads < total_clients;
  check_options(plan, *first, target, o, st->shared_threads);

  // Workers are created, connected and prepared before any starts, so
  // connection set-up is not part of the measurement.
  // A client is numbered as in the whole run (its group's base plus its
  // in-group number), whatever shard runs it: its seed and its part of the
  // sequences are those it has in a run of one host.
  int base = 0;
  for (const auto& g : plan.groups) {
    for (int c = g.shard_first; c < g.shard_first + g.shard_clients; ++c) {
      const int index = base + c;
      auto w = std::make_unique<Worker>();
      w->index = index;
      w->in_group = c;
      w->plan = &plan;
      w->group = &g;
      w->target = &st->target;
      w->connect = &st->connect;
      w->rng = workload::Rng(workload::derive_seed(o.seed, static_cast<uint64_t>(index)));
      w->slots.resize(plan.slot_of.size());
      w->cursors.resize(plan.params.size());
      for (auto& cur : w->cursors) cur = {index, 0};
      for (size_t b = 0; b < std::min(kStatBlocks, plan.stages.size()); ++b) {
        auto& block = w->blocks.emplace_back(std::make_unique<TxnStats[]>(g.txns.size()));
        if (plan.open_loop)
          for (size_t k = 0; k < g.txns.size(); ++k) {
            block[k].service = std::make_unique<metrics::Histogram>();
            block[k].lag = std::make_unique<metrics::Histogram>();
          }
      }
      w->stats = w->blocks.front().get();
      w->open_loop = plan.open_loop;
      w->arrival = o.arrival;
      w->latency_limit_ns = static_cast<int64_t>(o.latency_limit_s * 1e9);
      w->stop = &st->stop;
      w->stop_fd = st->stop_event.fd();
      w->transactions = o.transactions;
      w->max_retries = o.max_retries;
      w->reconnect_policy = o.reconnect;
      w->statement_timeout_s = o.statement_timeout_s;
      w->pipeline = std::max(1, o.pipeline);
      w->batch.resize(w->pipeline);
      w->batch_due.resize(w->pipeline);
      st->workers.push_back(std::move(w));
    }
    base += g.clients;
  }
  // Sequences are split across every client of the run (of every shard).
  for (auto& w : st->workers)
    for (auto& cur : w->cursors) cur.stride = run_clients;

  st->workers.front()->conn = std::move(first);
  for (auto& w : st->workers) {
    connect_worker(*w);
    if (stop_requested()) throw Error(ErrorClass::kInterrupted, "interrupted while connecting");
  }
  return std::make_unique<PreparedRun>(std::move(st));
}

namespace {

// Where each stage starts and ends on the clock (now_ns), the warm-up first
// (at the first stage's settings); the last ends when the run stops.
std::vector<StageSettings> stage_clock(const Plan& plan, int64_t start, int64_t measure_from) {
  std::vector<StageSettings> out;
  auto settings = [](const StagePlan& sp, int64_t from, int64_t to) {
    StageSettings s;
    s.start_ns = from;
    s.end_ns = to;
    s.clients = sp.clients;
    s.rate = sp.rate;
    return s;
  };
  if (measure_from > start) {
    out.push_back(settings(plan.stages.front(), start, measure_from));
    out.back().drop_backlog = true;
  }
  int64_t at = measure_from;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const bool last = i + 1 == plan.stages.size();
    const int64_t end = last ? kNoEnd : at + static_cast<int64_t>(plan.stages[i].duration_s * 1e9);
    out.push_back(settings(plan.stages[i], at, end));
    at = end;
  }
  return out;
}

}  // namespace

RunResult measure(PreparedRun& prepared, Observer& observer) {
  PreparedRun::State& st = prepared.state();
  if (st.measured) throw Error(ErrorClass::kFatal, "internal: a prepared run is measured once");
  st.measured = true;
  const Options& o = st.options;
  const Plan& plan = st.plan;
  const auto& workers = st.workers;
  RunResult res = std::move(st.result);
  const bool staged = !o.stages.empty();
  std::vector<std::vector<double>> offered;
  for (const StagePlan& sp : plan.stages) offered.push_back(sp.offered);
  Recorder recorder(plan, workers, plan.open_loop, offered, staged);

  const int64_t start = metrics::now_ns();
  const int64_t warmup_ns = static_cast<int64_t>(o.warmup_s * 1e9);
  const int64_t measure_from = start + warmup_ns;
  double duration_s = 0;
  for (const StagePlan& sp : plan.stages) duration_s += sp.duration_s;
  const int64_t end = measure_from + static_cast<int64_t>(duration_s * 1e9);
  // Stage i (0-based) of the measurement ends at stage_end[i]; the last at the run's end.
  std::vector<int64_t> stage_end;
  for (int64_t at = measure_from; const StagePlan& sp : plan.stages)
    stage_end.push_back(at += static_cast<int64_t>(sp.duration_s * 1e9));
  stage_end.back() = kNoEnd;
  // A closed loop without stages keeps its one plain loop; the rest go
  // through their phases.
  const bool phased = plan.open_loop || staged;
  if (phased) {
    const std::vector<StageSettings> clock = stage_clock(plan, start, measure_from);
    for (auto& w : workers) {
      const size_t g = static_cast<size_t>(w->group - plan.groups.data());
      w->phases = client_phases(clock, g, w->in_group, o.arrival);
    }
  }
  res.start_unix_ms = unix_ms();
  std::vector<std::thread> threads;
  // Clients are dealt round-robin to the threads; by default each has its own.
  const size_t nthreads = st.shared_threads ? static_cast<size_t>(o.threads) : workers.size();
  std::vector<std::vector<Worker*>> per_thread(nthreads);
  for (size_t i = 0; i < workers.size(); ++i) {
    workers[i]->measure_from_ns = measure_from;
    workers[i]->stage_ends = stage_end;
    workers[i]->stage_at = 0;
    workers[i]->stats = workers[i]->blocks.front().get();
    workers[i]->next_stage_ns = stage_end.front();
    per_thread[i % nthreads].push_back(workers[i].get());
  }
  // Each client thread reads its own CPU as it ends: a thread that has
  // ended can no longer be read from outside.
  std::vector<double> cpu_end(nthreads, 0);
  for (size_t i = 0; i < nthreads; ++i)
    threads.emplace_back([&per_thread, &cpu_end, i] {
      run_clients(per_thread[i]);
      cpu_end[i] = thread_cpu_s();
    });
  std::vector<pthread_t> handles;
  for (auto& t : threads) handles.push_back(t.native_handle());
  CpuReading cpu_before = read_cpu(handles);
  // What the judgement of the client needs of the series: the largest lag
  // and the service times of the first and the last quarter of the measured time.
  metrics::Histogram svc_first, svc_last;
  double lag_first_ms = 0, lag_last_ms = 0;
  // An interval is in the first quarter when it begins in it, in the last
  // when it ends in it (a short run's may be in both).
  auto quarters = [&](double t_s, double length_s) {
    if (o.transactions > 0 || duration_s <= 0) return;
    const bool first = t_s - length_s<duration_s / 4, last = t_s> duration_s * 3 / 4;
    for (const IntervalRow& row : recorder.rows()) {
      if (row.txn != "ALL") continue;
      const double lag = static_cast<double>(row.lag.max()) / 1e6;
      if (first) {
        lag_first_ms = std::max(lag_first_ms, lag);
        svc_first.merge_from(row.service);
      }
      if (last) {
        lag_last_ms = std::max(lag_last_ms, lag);
        svc_last.merge_from(row.service);
      }
    }
  };

  auto all_finished = [&] {
    for (auto& w : workers)
      if (!w->finished.load(std::memory_order_acquire)) return false;
    return true;
  };
  size_t stage = 0;  // the stage being measured
  int64_t stage_start = measure_from;
  auto end_stage = [&](int64_t at) {
    if (staged)
      res.stages.push_back(recorder.end_stage(stage, (stage_start - measure_from) / 1e9,
                                              std::max(0.0, (at - stage_start) / 1e9),
                                              plan.stages[stage].shard_clients));
    recorder.mark_stage_start();
    stage_start = at;
    ++stage;
  };
  // The recorder: wake at each interval boundary, read the clients, report.
  // Measured intervals are counted from the end of the warm-up, so the
  // first is [0, 1 s], and cut at each stage's end; warm-up ticks (from the
  // start) only feed the progress line, and the last one before the end of
  // the warm-up is cut there without being reported.
  bool measuring = warmup_ns == 0;
  int64_t next_tick =
      measuring ? std::min(start + kIntervalNs, stage_end[0]) : std::min(start + kIntervalNs, measure_from);
  int64_t last_tick = start;
  int64_t last_warm = 0;
  bool emitted = false;
  // The outage: measured time during which no client held a connection,
  // as seen each time this loop wakes (every kFinishPollNs at most).
  int64_t outage_ns = 0, looked_at = 0;
  bool none_connected = false;
  while (true) {
    const int64_t now = metrics::now_ns();
    if (now >= measure_from) {
      if (none_connected && looked_at > 0) outage_ns += now - looked_at;
      none_connected = true;
      for (auto& w : workers)
        none_connected = none_connected && !w->connected.load(std::memory_order_relaxed);
      looked_at = now;
    }
    const bool time_up = o.transactions == 0 && now >= end;
    if ((stop_requested() || time_up) && !st.stop.load()) {
      st.stop.store(true);
      st.stop_event.fire();
    }
    if (all_finished()) break;
    if (st.stop.load()) {
      // What the clients finish from now on belongs to the last interval.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (now < next_tick) {
      // Short naps, so the end of a count-limited run is noticed promptly
      // (a count-limited run has no end time to wake for).
      const int64_t wake = std::min({next_tick, o.transactions == 0 ? end : next_tick, now + kFinishPollNs});
      std::this_thread::sleep_for(std::chrono::nanoseconds(wake - now));
      continue;
    }
    if (!measuring) {
      if (now >= measure_from) {
        measuring = true;
        cpu_before = read_cpu(handles);
        last_tick = measure_from;
        next_tick = std::min(measure_from + kIntervalNs, stage_end[0]);
        continue;
      }
      // During warm-up only the warm-up counters move; show their rate.
      int64_t warm = 0;
      for (auto& w : workers) warm += w->warmup_committed.load(std::memory_order_relaxed);
      const double length = (now - last_tick) / 1e9;
      Progress p;
      p.elapsed_s = (now - start) / 1e9;
      p.warming_up = true;
      p.tps = length > 0 ? (warm - last_warm) / length : 0;
      for (double r : plan.stages.front().shard_rate) p.offered_tps += r;
      last_warm = warm;
      last_tick = now;
      next_tick = std::min(next_tick + kIntervalNs, measure_from);
      observer.on_progress(p);
      continue;
    }
    // An interval read late at a stage's end still ends there: the clients
    // counted what ended since in the next stage's stats.
    const int64_t at = std::min(now, stage_end[stage]);
    recorder.collect((at - measure_from) / 1e9, (at - last_tick) / 1e9, stage);
    quarters((at - measure_from) / 1e9, (at - last_tick) / 1e9);
    emitted = true;
    observer.on_interval(recorder.rows());
    observer.on_progress(recorder.progress((now - start) / 1e9));
    if (at == stage_end[stage]) end_stage(at);
    last_tick = at;
    next_tick = std::min(last_tick + kIntervalNs, stage_end[stage]);
  }
  for (auto& t : threads) t.join();
  CpuReading cpu_after = read_cpu({});  // the process's usage includes the threads that ended
  cpu_after.thread_s = cpu_end;
  // The measured time ends when the last client stopped, not when the
  // recorder noticed.
  int64_t stopped = start;
  for (auto& w : workers) stopped = std::max(stopped, w->finished_at_ns.load());
  res.end_unix_ms = unix_ms();
  res.interrupted = stop_requested();
  res.measured_s = std::max(0.0, (stopped - measure_from) / 1e9);
  // The last interval: up to the last client's stop, however short, so the
  // series adds up to the totals. Clients record nothing that ends before
  // measure_from, so a run stopped in its warm-up has nothing to report.
  if (stopped >= measure_from) {
    if (!measuring) last_tick = measure_from;
    // Stages that ended before the clients stopped but were not read yet
    // (the run was stopped as one ended) end at their ends.
    while (stage_end[stage] <= stopped) {
      recorder.collect((stage_end[stage] - measure_from) / 1e9, (stage_end[stage] - last_tick) / 1e9, stage);
      quarters((stage_end[stage] - measure_from) / 1e9, (stage_end[stage] - last_tick) / 1e9);
      observer.on_interval(recorder.rows());
      last_tick = stage_end[stage];
      end_stage(last_tick);
    }
    recorder.collect((stopped - measure_from) / 1e9, std::max(0.0, (stopped - last_tick) / 1e9), stage,
                     /*last=*/true);
    quarters((stopped - measure_from) / 1e9, std::max(0.0, (stopped - last_tick) / 1e9));
    bool any = false;
    // The histograms too: a commit's latency may be read in this interval
    // after its counter was read in the one before.
    for (const auto& row : recorder.rows())
      any = any || row.committed || row.aborted || row.errors || row.skipped || row.latency.count() > 0;
    if (any || !emitted) observer.on_interval(recorder.rows());
    end_stage(std::max(stopped, stage_start));
  }
  res.totals = recorder.totals();
  // The whole run's rate asked for: each stage's, weighted by its length.
  for (size_t i = 0; i < res.totals.size(); ++i) {
    if (res.totals[i].txn == "ALL") {
      res.totals[i].offered_tps = 0;  // summed below
      continue;
    }
    if (!staged) {
      res.totals[i].offered_tps = plan.stages.front().offered[i];
      continue;
    }
    double weighted = 0, length = 0;
    for (const StageTotals& s : res.stages) {
      weighted += s.totals[i].offered_tps * s.length_s;
      length += s.length_s;
    }
    res.totals[i].offered_tps = length > 0 ? weighted / length : 0;
  }
  // A group's ALL row asks for what its transactions do together.
  for (size_t i = 0, first = 0; i < res.totals.size(); ++i) {
    if (res.totals[i].txn != "ALL") continue;
    for (size_t k = first; k < i; ++k) res.totals[i].offered_tps += res.totals[k].offered_tps;
    first = i + 1;
  }

  CostInputs cost;
  for (const TxnTotals& t : res.totals) {
    if (t.txn != "ALL") continue;
    cost.completed += t.committed + t.aborted + t.errors + t.unknown;
    // The rate reached of the groups asked for one: a closed group's is not.
    if (!plan.open_loop || t.offered_tps <= 0) continue;
    cost.offered_tps += t.offered_tps;
    cost.achieved_tps += res.measured_s > 0 ? (t.committed + t.aborted) / res.measured_s : 0;
  }
  cost.lag_max_first_ms = lag_first_ms;
  cost.lag_max_last_ms = lag_last_ms;
  cost.svc_p50_first_ms = svc_first.value_at_quantile(0.50) / 1e6;
  cost.svc_p50_last_ms = svc_last.value_at_quantile(0.50) / 1e6;
  res.client_cost = judge_client_cost(cpu_before, cpu_after, cost);

  res.outage_s = outage_ns / 1e9;
  int unconnected = 0, gave_up = 0;
  std::string connect_error;
  for (auto& w : workers) {
    res.warmup_committed += w->warmup_committed.load();
    res.reconnects += w->reconnects;
    res.connection_failures += w->connects_failed;
    for (auto& e : w->errors)
      if (res.sample_errors.size() < 10) res.sample_errors.push_back(e);
    if (!w->ended_connected) {
      ++unconnected;
      gave_up += w->gave_up ? 1 : 0;
      if (!w->connect_error.empty()) connect_error = w->connect_error;
    }
  }
  if (unconnected > 0)
    res.failure = std::to_string(unconnected) + " of " + std::to_string(workers.size()) +
                  " client(s) lost the connection to " + res.target +
                  (gave_up > 0 ? " and gave up after " + std::to_string(o.reconnect.attempts) +
                                     " failed reconnect(s) in a row"
                               : " and could not reconnect by the end") +
                  (connect_error.empty() ? std::string() : ": " + connect_error);
  return res;
}

}  // namespace oltap::run
