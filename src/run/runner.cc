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
    if (!first.can_pipeline())
      throw Error(ErrorClass::kBadInput,
                  what + ": " + target.engine + " targets do not pipeline (Redis does)");
    for (const auto& t : plan.txns)
      if (t.steps.size() != 1 || !t.steps[0].into_slots.empty() || t.wrapped || t.steps[0].when ||
          t.steps[0].rollback_if || t.steps[0].is_loop || t.steps[0].is_block)
        throw Error(ErrorClass::kBadInput,
                    what + " needs transactions of one command without `into`, `if` or `rollback_if`; '" +
                        t.name + "' is not");
  }
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
  res.target = target.redacted();
  res.engine = target.engine;
  res.dialect = first->dialect();
  res.server_version = first->server_version();
  res.warmup_s = o.warmup_s;
  st->plan = compile_plan(spec, res.dialect, first->kind(), o);
  const Plan& plan = st->plan;
  int total_clients = 0;
  for (const auto& g : plan.groups) total_clients += g.clients;
  st->shared_threads = o.threads > 0 && o.threads < total_clients;
  check_options(plan, *first, target, o, st->shared_threads);

  // Workers are created, connected and prepared before any starts, so
  // connection set-up is not part of the measurement.
  int index = 0;
  for (const auto& g : plan.groups) {
    for (int c = 0; c < g.clients; ++c) {
      auto w = std::make_unique<Worker>();
      w->index = index;
      w->plan = &plan;
      w->group = &g;
      w->target = &st->target;
      w->connect = &st->connect;
      w->rng = workload::Rng(workload::derive_seed(o.seed, static_cast<uint64_t>(index)));
      w->slots.resize(plan.slot_of.size());
      w->cursors.resize(plan.params.size());
      for (auto& cur : w->cursors) cur = {index, 0};
      w->stats = std::make_unique<TxnStats[]>(g.txns.size());
      w->stop = &st->stop;
      w->stop_fd = st->stop_event.fd();
      w->transactions = o.transactions;
      w->max_retries = o.max_retries;
      w->pipeline = std::max(1, o.pipeline);
      w->batch.resize(w->pipeline);
      st->workers.push_back(std::move(w));
      ++index;
    }
  }
  // Sequences are split across every client of the run.
  for (auto& w : st->workers)
    for (auto& cur : w->cursors) cur.stride = index;

  st->workers.front()->conn = std::move(first);
  for (auto& w : st->workers) {
    connect_worker(*w);
    if (stop_requested()) throw Error(ErrorClass::kInterrupted, "interrupted while connecting");
  }
  return std::make_unique<PreparedRun>(std::move(st));
}

RunResult measure(PreparedRun& prepared, Observer& observer) {
  PreparedRun::State& st = prepared.state();
  if (st.measured) throw Error(ErrorClass::kFatal, "internal: a prepared run is measured once");
  st.measured = true;
  const Options& o = st.options;
  const auto& workers = st.workers;
  RunResult res = std::move(st.result);
  Recorder recorder(st.plan, workers);

  const int64_t start = metrics::now_ns();
  const int64_t warmup_ns = static_cast<int64_t>(o.warmup_s * 1e9);
  const int64_t measure_from = start + warmup_ns;
  const int64_t end = measure_from + static_cast<int64_t>(o.duration_s * 1e9);
  res.start_unix_ms = unix_ms();
  std::vector<std::thread> threads;
  // Clients are dealt round-robin to the threads; by default each has its own.
  const size_t nthreads = st.shared_threads ? static_cast<size_t>(o.threads) : workers.size();
  std::vector<std::vector<Worker*>> per_thread(nthreads);
  for (size_t i = 0; i < workers.size(); ++i) {
    workers[i]->measure_from_ns = measure_from;
    per_thread[i % nthreads].push_back(workers[i].get());
  }
  for (auto& clients : per_thread) threads.emplace_back([&clients] { run_clients(clients); });

  auto all_finished = [&] {
    for (auto& w : workers)
      if (!w->finished.load(std::memory_order_acquire)) return false;
    return true;
  };
  // The recorder: wake at each interval boundary, read the clients, report.
  // Measured intervals are counted from the end of the warm-up, so the
  // first is [0, 1 s]; warm-up ticks (from the start) only feed the
  // progress line, and the last one before the end of the warm-up is cut
  // there without being reported.
  bool measuring = warmup_ns == 0;
  int64_t next_tick = measuring ? start + kIntervalNs : std::min(start + kIntervalNs, measure_from);
  int64_t last_tick = start;
  int64_t last_warm = 0;
  bool emitted = false;
  while (true) {
    const int64_t now = metrics::now_ns();
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
        last_tick = measure_from;
        next_tick = measure_from + kIntervalNs;
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
      last_warm = warm;
      last_tick = now;
      next_tick = std::min(next_tick + kIntervalNs, measure_from);
      observer.on_progress(p);
      continue;
    }
    recorder.collect((now - measure_from) / 1e9, (now - last_tick) / 1e9);
    emitted = true;
    observer.on_interval(recorder.rows());
    observer.on_progress(recorder.progress((now - start) / 1e9));
    last_tick = now;
    next_tick += kIntervalNs;
  }
  for (auto& t : threads) t.join();
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
    recorder.collect((stopped - measure_from) / 1e9, std::max(0.0, (stopped - last_tick) / 1e9));
    bool any = false;
    // The histograms too: a commit's latency may be read in this interval
    // after its counter was read in the one before.
    for (const auto& row : recorder.rows())
      any = any || row.committed || row.aborted || row.errors || row.latency.count() > 0;
    if (any || !emitted) observer.on_interval(recorder.rows());
  }
  res.totals = recorder.totals();

  int unconnected = 0;
  std::string connect_error;
  for (auto& w : workers) {
    res.warmup_committed += w->warmup_committed.load();
    for (auto& e : w->errors)
      if (res.sample_errors.size() < 10) res.sample_errors.push_back(e);
    if (!w->ended_connected) {
      ++unconnected;
      if (!w->connect_error.empty()) connect_error = w->connect_error;
    }
  }
  if (unconnected > 0)
    res.failure = std::to_string(unconnected) + " of " + std::to_string(workers.size()) +
                  " client(s) lost the connection to " + res.target + " and could not reconnect by the end" +
                  (connect_error.empty() ? std::string() : ": " + connect_error);
  return res;
}

}  // namespace oltap::run
