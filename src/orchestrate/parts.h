// The pieces run() is made of, one file each. Private to orchestrate/.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrate.h"

namespace oltap::orchestrate {

// A target as planned: its data checked, and for a workload of
// transactions every client connected and every statement prepared.
struct PlannedTarget {
  engine::Target target;
  std::string data;  // how its data was found to match (empty: not checked)
  std::unique_ptr<run::PreparedRun> prepared;
};

// The request's overrides resolved against its workload (options.cc).
struct Resolved {
  run::Options options;             // a workload of transactions
  run::QueryOptions query_options;  // a workload of queries
  // A rate sweep (--rate with several rates, or --sweep): each rate
  // measured on its own, one after the other on each target, as stage 1, 2,
  // ... of its results, and a curve.csv of them. options holds the first.
  bool sweep = false;
  std::vector<double> sweep_rates;
  std::optional<results::Slo> slo;  // --slo, read
};
Resolved resolve_options(const workload::Spec& spec, const RunOverrides& overrides, Listener& listener);

struct Plan {
  double scale = 1;
  Resolved resolved;  // with the scale set
  std::vector<PlannedTarget> targets;
};

// plan.cc: step 1 for every target, in the order given. Throws Error.
Plan plan_run(const RunRequest& request, bool analytical, Listener& listener);

// meta.cc: what meta.json records of the request, before any target ran.
results::Meta request_meta(const RunRequest& request, const Plan& plan, const std::string& run_id);

// rows.cc: a target's measurement as summary.csv rows (rounded as written).
// The whole run's rows, then each stage's (stage "1", "2", ...); sources,
// when given, gets the totals each row was made from, in the same order.
std::vector<results::SummaryRow> summary_rows(const run::RunResult& r, const std::string& run_id,
                                              const std::string& workload,
                                              std::vector<const run::TxnTotals*>* sources = nullptr);
// curve.cc: a sweep's points of one target (one per stage and row), with
// whether each met the SLO when one is given.
std::vector<results::CurvePoint> curve_points(const run::RunResult& r,
                                              const std::optional<results::Slo>& slo);
std::vector<results::SummaryRow> query_summary_rows(const run::QueriesResult& r, const std::string& run_id,
                                                    const std::string& workload);
// An interval's rows as timeseries.csv rows of target. open_loop: whether
// the run has service-time histograms of its own to write. A sweep's step
// gives its stage and where its time starts among the target's (offset_s).
struct IntervalPlace {
  bool open_loop = false;
  double offset_s = 0;
  int stage = 0;  // 0: the rows' own
};
std::vector<results::RunFolder::Interval> interval_rows(const std::vector<run::IntervalRow>& rows,
                                                        const std::string& target,
                                                        const IntervalPlace& place);

// measure.cc: hands a measurement's intervals to the folder and its
// progress to the listener. It runs on the run's recorder, which must not
// unwind while the clients run: what throws is kept, said at once, and
// handed back by failure() for the caller to throw once the measurement is
// over and its summary written.
class IntervalRecorder : public run::Observer {
 public:
  IntervalRecorder(results::RunFolder& folder, Listener& listener, std::string target,
                   int64_t measured_from_unix_ms, IntervalPlace place);
  void on_progress(const run::Progress& p) override;
  void on_interval(const std::vector<run::IntervalRow>& rows) override;
  std::exception_ptr failure() const { return failed_; }

 private:
  void keep(std::exception_ptr e) noexcept;
  results::RunFolder& folder_;
  Listener& listener_;
  std::string target_;
  int64_t from_;
  IntervalPlace place_;
  std::exception_ptr failed_;
};
int64_t unix_ms_now();

// sweep.cc: a sweep's rates measured one after the other on p (see the
// file); step_from gets when each step's measurement began (unix ms), and
// series_failed the first failure to write a step's time series.
run::RunResult measure_sweep(const RunRequest& request, Plan& plan, PlannedTarget& p,
                             results::RunFolder& folder, Listener& listener, std::vector<int64_t>& step_from,
                             std::exception_ptr& series_failed);

// How an analytical run's query ended, as summary.csv's status says it.
const char* query_status(run::QueryRun::Outcome o);

// What meta.json says of a target that ran, from its run::RunResult or
// run::QueriesResult (the two share these fields).
template <typename Result>
void record_target(results::Meta::TargetInfo& ti, const Result& r) {
  ti.dialect = r.dialect;
  ti.server_version = r.server_version;
  ti.start_utc = results::utc_iso(r.start_unix_ms);
  ti.end_utc = results::utc_iso(r.end_unix_ms);
  ti.interrupted = r.interrupted;
  ti.sample_errors = r.sample_errors;
}

// target.cc: what measure.cc and queries.cc do around each target. Before:
// says what runs and writes meta.json with the target `running`, so a kill
// leaves that said. After its measurement threw: the target is `failed` (or
// `interrupted`, which is thrown on) with the error as its failure, the
// files say so, and the run goes on to the next target.
void begin_target(size_t index, const std::string& what_runs, results::RunFolder& folder, RunOutcome& outcome,
                  Listener& listener);
void target_threw(size_t index, const Error& e, results::RunFolder& folder, RunOutcome& outcome,
                  Listener& listener);

// measure.cc / queries.cc: step 2, every target in turn, written as it goes.
void measure_targets(const RunRequest& request, Plan& plan, results::RunFolder& folder, RunOutcome& outcome,
                     Listener& listener);
void run_query_targets(const RunRequest& request, Plan& plan, results::RunFolder& folder, RunOutcome& outcome,
                       Listener& listener);

// start.cc: the common start of a run's shards before target (its place
// target_index among the run's): with --start-at, a sleep until then; with
// --shard i/N (N > 1), a check-in through the target and a wait for the
// others, then until the common instant. Throws Error(kShardsMissing) when
// the others do not check in within --shard-wait, Error(kInterrupted) on
// Ctrl-C. Returns the check-in to remove once the target is measured (leave).
struct ShardStart {
  std::string key;
  run::Options::Shard shard;
};
std::optional<ShardStart> start_together(const RunRequest& request, const engine::Target& target,
                                         size_t target_index, Listener& listener);
// Removes the check-in (a failure is a note: the figures stand).
void leave(const ShardStart& s, const engine::Target& target, Listener& listener);

// rendezvous.cc: the shards' check-ins on a target, under a key.
// check_in replaces shard s's mark under key (at_ms, and a note of digits
// and commas); checked_in counts the marks made since since_ms, with the
// latest of them once all shards are there; checked_in_at is a shard's
// mark's time (-1: none), check_in_note its note; check_out removes a
// shard's mark; forget_old_check_ins the marks older than before_ms (SQL
// targets; Redis lets them expire). Each throws Error as Connection does.
struct CheckIns {
  int64_t count = 0;
  int64_t latest_ms = 0;
};
void check_in(engine::Connection& c, const std::string& key, run::Options::Shard s, int64_t at_ms,
              const std::string& note);
CheckIns checked_in(engine::Connection& c, const std::string& key, int shards, int64_t since_ms);
int64_t checked_in_at(engine::Connection& c, const std::string& key, int shard);
std::string check_in_note(engine::Connection& c, const std::string& key, int shard);
void check_out(engine::Connection& c, const std::string& key, int shard);
void forget_old_check_ins(engine::Connection& c, int64_t before_ms);
// Sleeps until at_ms (Unix ms); Error(kInterrupted) "interrupted while <what>" on Ctrl-C.
void sleep_until_ms(int64_t at_ms, const char* what);

// judge.cc: step 3, the exit code and the lines that explain it.
void judge(const RunRequest& request, RunOutcome& outcome);

}  // namespace oltap::orchestrate
