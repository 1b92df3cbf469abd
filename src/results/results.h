// Result files: writing a run's summary.csv, timeseries.csv and meta.json
// (each to a temporary name, then renamed), reading a summary back, and the
// comparisons people and CI gates make from files: compare and gate.
//
// This module knows nothing of engines or the scheduler: it works on rows.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/common.h"
#include "metrics/metrics.h"

namespace oltap::results {

// The contract columns of summary.csv, in order (DESIGN.md); more may follow.
extern const std::vector<std::string> kSummaryColumns;

// The classes a failed transaction is counted in, as summary.csv's and
// timeseries.csv's err_* columns name them, in engine::Failure's order:
// err_connection, err_serialization, err_deadlock, err_constraint,
// err_timeout, err_other. Their sum is the row's errors.
inline constexpr size_t kErrorClasses = 6;
extern const std::array<std::string, kErrorClasses> kErrorClassColumns;

struct SummaryRow {
  std::string run_id, workload, target, engine, group, txn;
  int clients = 0;
  double duration_s = 0;
  int64_t committed = 0, aborted = 0, errors = 0;
  double tps = 0;
  double lat_mean_ms = 0, lat_p50_ms = 0, lat_p90_ms = 0, lat_p95_ms = 0, lat_p99_ms = 0, lat_p999_ms = 0,
         lat_max_ms = 0;
  // Beyond the contract columns.
  int64_t retries = 0;
  bool incomplete = false;
  // Committed per minute, committed * 60 / duration_s: the unit TPC-C's tpmC
  // and HammerDB's TPM are quoted in (of the ALL row: every transaction).
  double tpm = 0;
  // Open loop (a run with a rate): lat_* then run from each transaction's intended
  // start; beside them the service time (from the actual send), the schedule lag
  // (send - intended start), late (over --latency-limit, pgbench -L) and skipped
  // (not sent: later than the limit when due, pgbench -R -L). In a closed loop the
  // service time equals the latency and the lag is 0.
  double svc_p50_ms = 0, svc_p99_ms = 0, svc_max_ms = 0;
  double lag_mean_ms = 0, lag_max_ms = 0;
  int64_t late = 0, skipped = 0;
  double offered_tps = 0;  // the rate asked for (0: closed loop)
  std::string stage;  // "1", "2", ... in a run with stages or a rate sweep; "" for the whole run / unstaged
  // Analytical runs only (their summary.csv has these columns last): the
  // answer's row count (-1: none, the query failed), its checksum (with
  // --verify), and how the query ended: "ok", "error" or "timeout" (empty
  // in a stream's ALL row).
  int64_t rows = -1;
  std::string checksum;
  std::string status;
  // Transactional runs: errors by class (kErrorClassColumns' order; they
  // add up to errors), and transactions whose COMMIT was sent but whose
  // reply never came (the connection was lost): neither committed nor in
  // errors. classified: the file had these columns (files written before
  // them read as zeros, and classified false).
  std::array<int64_t, kErrorClasses> err{};
  int64_t unknown = 0;
  bool classified = false;
};

// Whether rows are an analytical run's: one row per query of each stream.
bool is_analytical(const std::vector<SummaryRow>& rows);

// Fills the latency and throughput (tps, tpm) columns from a histogram of ns latencies.
void fill_latency(SummaryRow& row, const metrics::Histogram& h);
// Fills svc_p50_ms, svc_p99_ms and svc_max_ms from a histogram of ns service times.
void fill_service(SummaryRow& row, const metrics::Histogram& service);

// One interval of timeseries.csv: a (target, group, txn), or a group's
// "ALL". committed counts commits only; intended rollbacks are aborted, as
// in summary.csv, so each column's sum over a row's intervals is its
// summary.csv figure.
struct TimeseriesRow {
  std::string target, group, txn;
  double t_s = 0;  // end of the interval, seconds since measurement began
  int64_t committed = 0, errors = 0;
  double tps = 0, lat_p50_ms = 0, lat_p95_ms = 0, lat_p99_ms = 0;
  int64_t aborted = 0;
  // Open loop, as in SummaryRow (columns after aborted, in this order).
  double svc_p50_ms = 0, svc_p99_ms = 0, lag_mean_ms = 0, lag_max_ms = 0;
  int64_t late = 0, skipped = 0;
  double offered_tps = 0;
  std::string stage;
  // As in SummaryRow, for the interval; connected: the group's clients with
  // a connection at the interval's end (-1: a file written before the column).
  std::array<int64_t, kErrorClasses> err{};
  int64_t unknown = 0;
  int connected = -1;
};

// What a workload's `headline:` asks for: the figure it is quoted by.
struct HeadlineSpec {
  std::string name;              // what the figure is called ("tpmC"); empty: no headline
  std::string txn;               // the transaction whose tpm the figure is
  double per_scale_max = 0;      // the figure's maximum per unit of scale; 0: no efficiency
  bool include_aborted = false;  // count txn's intentional rollbacks too
};

// The headline figure of one (target, group).
struct Headline {
  std::string target, group, name, txn;
  double value = 0;  // tpm of txn's row (with its aborted when include_aborted)
  bool include_aborted = false;
  double tpm_total = 0;  // tpm of the group's ALL row: every transaction
  double scale = 1;
  double per_scale_max = 0;
  // value / (per_scale_max * scale) * 100, as go-tpc's efficiency; only with per_scale_max.
  std::optional<double> efficiency_pct;
};

// One headline per (target, group) whose rows hold spec.txn, from rows'
// tpm rounded as summary.csv keeps it; none when spec.name is empty. Only
// whole-run rows (stage empty) count: a stage's tpm is the rate it was offered.
std::vector<Headline> headlines(const std::vector<SummaryRow>& rows, const HeadlineSpec& spec, double scale);
// The headlines meta.json records, from a result folder (or its summary.csv);
// none when the folder has no meta.json or its workload no headline.
std::vector<Headline> read_headlines(const std::string& path);
// One line per headline for people ("tpmC 1234.56 (new_order commits per
// minute) · ..."), the target and group named when there are several.
std::string headline_lines(const std::vector<Headline>& list);

// ---------------------------------------------------------------- analytical runs

// One stream of an analytical run on one target, from its summary rows.
struct StreamFigures {
  std::string stream;                 // "stream0", ...
  double elapsed_s = 0;               // from the run's start to the stream's end (its ALL row's duration_s)
  int64_t completed = 0, failed = 0;  // executions (a query's `repeat` timed ones each)
  // Geometric mean of the completed queries' times (each query's median,
  // its lat_p50_ms: its one time when it ran once), in seconds; none when
  // no query completed.
  std::optional<double> geomean_s;
  int64_t queries = 0;       // query rows with a completed execution (a median)
  double median_pass_s = 0;  // the sum of their medians: one pass over the stream's queries
};

// An analytical run's figures on one target: TPC-H's power run (one stream)
// is quoted by the geometric mean of its query times, any run by the
// queries it completed per hour of its elapsed time. A run that timed each
// query several times (--repeat) is quoted from the per-query medians: the
// geometric mean of the medians, and queries per hour of a median pass.
struct QueryFigures {
  std::string target;
  std::vector<StreamFigures> streams;
  double elapsed_s = 0;  // the longest stream's
  int64_t completed = 0, failed = 0;
  // Timed executions per query (committed + errors of a query row, the most of any): --repeat.
  int64_t repeat = 1;
  // repeat 1: completed * 3600 / elapsed_s; else the streams' queries with a
  // median * 3600 / the longest stream's median_pass_s.
  double queries_per_hour = 0;
  bool power() const { return streams.size() == 1; }
};
std::vector<QueryFigures> query_figures(const std::vector<SummaryRow>& rows);

// The answers one query gave, on every target and stream that completed it
// with a checksum (--verify).
struct AnswerCheck {
  std::string query;
  std::vector<const SummaryRow*> answers;
  bool agree = true;  // every checksum and row count the same
};
// One per query that has a checksum, in first-seen order.
std::vector<AnswerCheck> check_answers(const std::vector<SummaryRow>& rows);

// What meta.json records: every figure traces back to these.
struct Meta {
  std::string run_id, workload, workload_file, workload_sha256;
  // How the run as a whole stands: "running" from the moment its folder is
  // made until it ends, then "complete", "interrupted" or "failed" (a
  // target did not complete). A meta.json that still says "running" when
  // no oltap writes it was cut short (oltap killed): see RunState. Empty:
  // not written (readers go by the targets' statuses, as before the field).
  std::string status;
  std::string command_line;  // passwords removed
  uint64_t seed = 0;
  double scale = 1;
  double duration_s = 0, warmup_s = 0;
  int64_t transactions_per_client = 0;
  bool think_times = false;  // the transactions' keying and think times were waited (--think-times)
  // The open loop's settings (settings.open_loop in meta.json); unset in a closed loop.
  struct OpenLoop {
    double rate = 0;  // per target; 0 with stages, a sweep or group rates only
    std::map<std::string, double> group_rate;
    std::string arrival;  // "poisson" or "uniform"
    double latency_limit_s = 0;
    struct Stage {
      double duration_s = 0, rate = 0;
      int clients = 0;
    };
    std::vector<Stage> stages;  // of a run of stages, or a sweep (one per rate)
    bool sweep = false;
    std::string slo;  // a sweep's objective, as given
  };
  std::optional<OpenLoop> open_loop;
  struct TargetInfo {
    std::string target, engine, dialect, server_version;  // target: the redacted URI
    std::string label;                                    // given with --target LABEL=URI; empty: none
    // What the target's rows are keyed by (summary.csv's target column).
    const std::string& name() const { return label.empty() ? target : label; }
    // "complete", "interrupted", "failed" (failure says why), "running" (the
    // run was stopped while it was measured) or "not run" (not reached).
    std::string status = "not run";
    std::string failure;
    std::string data;  // how its data was found to match the run (datagen::check_data)
    double measured_s = 0;
    int64_t warmup_committed = 0;
    std::string start_utc, end_utc;
    bool interrupted = false;
    std::vector<std::string> sample_errors;
    // Transactional runs: reconnects that succeeded, connects that failed
    // (over every client), and the measured seconds during which no client
    // held a connection; unset for analytical runs.
    struct Connections {
      int64_t reconnects = 0, connection_failures = 0;
      double outage_s = 0;
    };
    std::optional<Connections> connections;
    // Analytical runs: the order each stream ran the queries in, and every
    // query that failed or timed out, with why.
    struct StreamOrder {
      std::string stream;
      std::vector<std::string> queries;
    };
    std::vector<StreamOrder> stream_orders;
    struct QueryFailure {
      std::string stream, query, status, message;
    };
    std::vector<QueryFailure> query_failures;
    // What oltap itself used while it measured the target, and whether it
    // was the bottleneck (run::ClientCost); unset for analytical runs.
    struct Client {
      double user_s = 0, system_s = 0, cpu_per_txn_us = 0, busiest_thread_share = 0;
      int cores = 0;
      bool client_bound = false;
      std::string why;
    };
    std::optional<Client> client;
    // A sweep with an SLO: per group, the knee (the highest rate at which
    // its ALL row and every lower rate met the SLO); none when even the lowest missed it.
    std::map<std::string, std::optional<double>> knee_tps;
  };
  std::vector<TargetInfo> targets;
  bool incomplete = false;
  HeadlineSpec headline;  // written per target and group with the figures from the summary
  // Analytical runs (a workload of queries); unset for transactional ones.
  struct Queries {
    int streams = 1;  // 1: a power run
    double query_timeout_s = 0;
    bool verify = false;
    int repeat = 1;         // timed passes (--repeat)
    int warmup_passes = 0;  // passes run before them and not counted
  };
  std::optional<Queries> queries;
  // A run of several load hosts: this one is shard `index` of `count`
  // (0-based; oltap run --shard i/N). Unset: a run of one host.
  struct Shard {
    int index = 0, count = 1;
  };
  std::optional<Shard> shard;
  // A merged folder (oltap merge): the shards it was made from, in the order
  // of their index. Empty for a run.
  struct MergedShard {
    std::string folder, run_id, hostname, start_utc, status;
    std::optional<Shard> shard;  // unset: a run made without --shard
  };
  std::vector<MergedShard> merged_from;
};

// Reads a result folder's meta.json (a folder or the file) back into a Meta:
// what meta_json wrote, headline figures and host aside (its hostname is
// returned through hostname when given). Throws Error(kBadInput) naming the
// file when it is missing or malformed.
Meta read_meta(const std::string& path, std::string* hostname = nullptr);

// ---------------------------------------------------------------- oltap merge
// One result folder from the folders of a run's shards (merge.cc, merge_check.cc):
// counts summed, percentiles from the union of the shards' histograms in
// their latency.hlog, intervals aligned on wall-clock time, meta.json
// listing the shards.
struct MergeRequest {
  std::vector<std::string> dirs;
  std::string out;
  bool force = false;
  std::string command_line;  // with every password removed
};
struct MergeOutcome {
  std::string out;
  std::vector<SummaryRow> summary;  // as summary.csv holds them
  Meta meta;
  int64_t intervals = 0;  // timeseries.csv rows written
};
// Throws Error(kBadInput) with the reason when the folders are not the
// shards of one run: a folder that is not a complete run of transactions,
// different workloads (file checksum), settings or targets, a folder that is
// not a shard, shards not 0..N-1 of one N each once, or the same folder
// twice; and before anything is written.
MergeOutcome merge_runs(const MergeRequest& request);

// Refuses (Error(kBadInput), naming --out) a dir that is a file, or a folder
// that holds anything unless force: call it before measuring. A missing or
// empty folder passes.
void check_out_dir(const std::string& dir, bool force);

// Writes the three files into dir (created if needed). Throws Error on I/O failure.
void write_run(const std::string& dir, const std::vector<SummaryRow>& summary,
               const std::vector<TimeseriesRow>& series, const Meta& meta);
// Writes text to path through a temporary file and a rename.
void write_file_atomic(const std::string& path, const std::string& text);
// row with its figures rounded as summary.csv writes them: what reading the
// file back would give, so what a run prints equals what `report` prints.
SummaryRow as_written(const SummaryRow& row);

// A result folder written while its run goes on, so that an interrupted,
// failed or killed run keeps what it measured. timeseries.csv and
// latency.hlog are appended to once per interval, each interval's lines of
// each file in one write to the kernel (a SIGKILL keeps every interval
// before the one being written), so memory does not grow with the run's
// length; meta.json from the start, and summary.csv once a target has rows,
// are rewritten whole (temporary file synced, rename), the series synced to
// the disk first.
// Threading: one thread at a time (the run's recorder appends intervals
// during a target's measurement; the orchestrator writes between targets).
class RunFolder {
 public:
  // Creates dir after check_out_dir(dir, force); with force, the files a
  // run writes are removed first. series: whether the run has a time series
  // (a workload of queries has none).
  RunFolder(const std::string& dir, bool force, bool series, int64_t start_unix_ms);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  // One interval of one row: its line of timeseries.csv and its histogram.
  struct Interval {
    TimeseriesRow row;
    double length_s = 0;
    const metrics::Histogram* latency = nullptr;  // ns
    const metrics::Histogram* service = nullptr;  // ns, its own line when set (open loop)
  };
  // measured_from_unix_ms: when the target's measurement began, which places
  // its intervals on the folder's clock.
  void append_intervals(const std::vector<Interval>& rows, int64_t measured_from_unix_ms);
  // A summary row's whole-run histograms, into latency.hlog: its latency,
  // and its service time when service is set (open loop).
  void append_whole_run(const SummaryRow& row, const metrics::Histogram& latency,
                        const metrics::Histogram* service, int64_t measured_from_unix_ms);
  // Syncs the series to the disk, then rewrites meta.json and summary.csv
  // with everything so far: summary.csv only when summary has rows or
  // meta.status is no longer "running" (no summary.csv: no target ended).
  void write_summary(const std::vector<SummaryRow>& summary, const Meta& meta);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads summary.csv (a result folder is accepted too). Throws Error(kBadInput)
// naming the file and line of a problem.
std::vector<SummaryRow> read_summary(const std::string& path);

// Milliseconds since the epoch as ISO 8601 UTC ("2026-11-25T09:31:30.123Z").
std::string utc_iso(int64_t unix_ms);
// Milliseconds since the epoch of utc_iso's text; none when it is not one.
std::optional<int64_t> parse_utc_iso(const std::string& text);

// One row of a comparison, matched by (target, group, txn, stage), or by
// (group, txn, stage) when each side holds a single target.
struct Comparison {
  std::string key;  // "group/txn" or "target group/txn", then " stage N" for a stage's row
  const SummaryRow* baseline = nullptr;
  const SummaryRow* current = nullptr;
};
std::vector<Comparison> match_rows(const std::vector<SummaryRow>& baseline,
                                   const std::vector<SummaryRow>& current);

// A side-by-side table of tps and latency percentiles with % change.
std::string compare_table(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current);
// The comparison of two analytical runs (is_analytical on both sides: their
// rows have a status): each query's median time (lat_p50_ms) base/cur and
// its change, with the timed executions on each side, then per target the
// geometric mean of the medians and the queries per hour base/cur/change.
// No tps or percentile columns (query_compare.cc).
std::string compare_query_runs(const std::vector<SummaryRow>& baseline,
                               const std::vector<SummaryRow>& current);

struct GateResult {
  bool pass = true;
  std::string report;  // one verdict line per row, then the overall verdict
};
// Fails a row when tps dropped or p99 rose by more than max_regression
// (0.05 = 5%), or when a baseline row is missing from current.
GateResult gate(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current,
                double max_regression);

// ---------------------------------------------------------------- statistics (stats.cc)
// What compare and gate decide a change with. Pure functions.

double median(std::vector<double> v);  // 0 of none
struct MannWhitney {
  double u = 0;        // of the first sample: pairs it wins, ties counting one half
  double p = 1;        // two-sided
  bool exact = false;  // from the exact distribution (no ties, <= 50 a side); else normal with tie correction
};
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b);
// The smallest two-sided p the test can give with n and m samples, 2 / C(n+m, n):
// with 3 and 3 it is 0.1, so no difference can ever be significant at 0.05.
double mwu_min_p(size_t n, size_t m);
// A percentile bootstrap interval of (median(cur) - median(base)) / median(base):
// both sides resampled with replacement, from a generator seeded with seed (the
// same figures on every machine). None when a side is empty or every baseline
// resample's median is 0.
struct ChangeCi {
  double low = 0, high = 0;
};
std::optional<ChangeCi> bootstrap_median_change(const std::vector<double>& base,
                                                const std::vector<double>& cur, double confidence,
                                                int resamples, uint64_t seed);

// ---------------------------------------------------------------- sides with repetitions (side.cc)
// Each side of a compare or gate is one or more paths: a result folder (or its
// summary.csv), whose rows are one sample each, or a suite folder (it has
// suite.csv), whose repetitions <case>/<target>/rep-<k>/ are one sample each.

struct SideFolder {
  std::string path;       // the result folder (or summary.csv) read
  std::string case_name;  // the suite case it belongs to; "" outside a suite
  bool has_meta = false;  // meta.json found: workload and settings known
  std::string workload, workload_sha256;
  // meta.json's settings that make runs comparable, as "key=value" (the seed
  // is not one: repetitions may differ in it).
  std::map<std::string, std::string> settings;
  bool incomplete = false;
  std::string why_incomplete;
};
struct Sample {
  size_t folder = 0;  // index into Side::folders
  SummaryRow row;
  // Figures of the run beyond the row's columns, on its group's ALL row:
  // the workload's headline (by its name, "tpmC") and, for query runs,
  // "queries_per_hour" (on the first ALL row of its target).
  std::map<std::string, double> extra;
};
struct Side {
  std::vector<SideFolder> folders;
  std::vector<Sample> samples;
};
// Throws Error(kBadInput) naming a path that is not a result or suite folder.
Side read_side(const std::vector<std::string>& paths);
// A side of rows alone (no meta.json: workload and settings unknown).
Side side_of_rows(const std::vector<SummaryRow>& rows);

// ---------------------------------------------------------------- gate rules (gate_rules.cc)

struct GateRule {
  std::string where;   // "gate.yaml:4:5", for messages
  std::string metric;  // tps p50 p95 p99 errors, a headline's name, queries_per_hour
  std::string row = "*", workload = "*", case_name = "*", target = "*";  // globs (fnmatch); row is group/txn
  std::optional<double> max_regression;                                  // none with gate: false
  bool gate = true;
};
struct GateRules {
  std::string file;
  std::optional<double> max_regression, alpha, max_error_rate;  // the file's defaults
  std::vector<GateRule> rules;
};
// Throws Error(kBadInput) as "file:line:col: what is wrong".
GateRules read_gate_rules(const std::string& path);
GateRules parse_gate_rules(const std::string& text, const std::string& file);

// ---------------------------------------------------------------- evaluation (gate.cc)

struct GateOptions {
  double max_regression = 0.05;
  double alpha = 0.05;
  double max_error_rate = 0;  // errors / attempted of the current side, per row
  std::string only;           // glob on txn ("ALL"); "" for every row
  GateRules rules;
  int resamples = 2000;  // bootstrap
  uint64_t seed = 1;
};

// The machine-readable reason codes.
inline constexpr const char* kReasonRegression = "regression";
inline constexpr const char* kReasonErrorRate = "error_rate";
inline constexpr const char* kReasonIncomplete = "incomplete";
inline constexpr const char* kReasonWorkloadChanged = "workload_changed";
inline constexpr const char* kReasonSettingsChanged = "settings_changed";
inline constexpr const char* kReasonMissingRow = "missing_row";
inline constexpr const char* kReasonNewRow = "new_row";  // reported, never fails
inline constexpr const char* kReasonEmptyBaseline = "empty_baseline";

struct Finding {
  std::string code;     // a kReason*
  std::string row;      // the row's key; "" for the whole comparison
  std::string message;  // one line, with the figures
  bool fails = true;
};
struct MetricCheck {
  std::string metric;  // "tps", "p99", ..., "tpmC"
  bool higher_is_better = true;
  std::vector<double> base, cur;
  double base_median = 0, cur_median = 0;
  std::optional<double> change;  // relative; none when the baseline median is 0 and current is not
  std::optional<ChangeCi> ci;    // with two samples or more a side
  std::optional<MannWhitney> test;
  bool test_can_decide = false;  // a test was made (2+ samples a side) and mwu_min_p(n, m) < alpha
  bool gated = false;            // checked against a threshold (default or a rule)
  double threshold = 0;
  bool past_threshold = false;  // the median moved beyond it in the bad direction
  bool changed = false;         // the verdict: past_threshold and (p < alpha or the test cannot decide)
};
struct RowEval {
  std::string key, case_name, target, group, txn, stage, workload;
  bool in_baseline = false, in_current = false;
  bool gated = false;  // matched --only
  size_t n_baseline = 0, n_current = 0;
  std::vector<MetricCheck> metrics;
  int64_t cur_errors = 0, cur_attempted = 0;
  std::vector<Finding> findings;  // this row's, also in Evaluation::findings
  bool fails() const;
};
struct Evaluation {
  GateOptions options;
  std::vector<RowEval> rows;
  std::vector<Finding> findings;   // every reason, the comparison's own first
  std::vector<std::string> notes;  // what the reader must know (too few repetitions, unchecked settings)
  bool meta_checked = true;  // false: no case had meta.json on both sides (workload, settings unchecked)
  bool pass = true;
  size_t rows_checked = 0;
};
// Throws Error(kBadInput) for a rule naming a metric no row has.
Evaluation evaluate(const Side& baseline, const Side& current, const GateOptions& options);

// For people: gate's verdict lines, compare's table.
std::string gate_report(const Evaluation& e);
std::string compare_report(const Evaluation& e);
// For CI (ci_outputs.cc): JUnit XML (a testcase per gated row and per
// comparison-wide check), a compact Markdown table, and JSON.
std::string junit_xml(const Evaluation& e, const std::string& suite_name);
std::string markdown_report(const Evaluation& e, const std::string& title);
std::string evaluation_json(const Evaluation& e, const std::string& command);
// Appends text to path so that the file stays within max_bytes (GitHub's step
// summary limit is 1 MiB): what does not fit is cut at a line and a note says
// so. Returns false when nothing could be appended. Throws Error on I/O failure.
bool append_bounded(const std::string& path, const std::string& text, size_t max_bytes);

// The summary as a table for people: one line per row of summary.csv.
std::string summary_table(const std::vector<SummaryRow>& rows);
// One column per target, one block of lines (tps, p50, p95, p99, errors) per
// group and transaction: how the engines compare on the same workload.
std::string side_by_side(const std::vector<SummaryRow>& rows);
// The error classes rows show (error_table.cc): the indexes into
// kErrorClassColumns of the classes some row counts, and whether some row
// has transactions of unknown outcome. Nothing for a clean run, or for a
// file written before the classes (its rows are not classified).
struct ShownErrorClasses {
  std::vector<size_t> classes;
  bool unknown = false;
  bool empty() const { return classes.empty() && !unknown; }
};
ShownErrorClasses shown_error_classes(const std::vector<SummaryRow>& rows);
// Whether a row has errors or unknown outcomes, by class (classified).
bool has_classified_failures(const SummaryRow& r);
// A class as people read it: "constraint" for err_constraint.
std::string error_class_name(size_t k);
// The errors of the rows that had some, by class: one line per such row,
// a column per class some row counts, unknown outcomes apart (they are not
// errors); "" when no row had an error or an unknown outcome.
std::string error_table(const std::vector<SummaryRow>& rows);
struct CurvePoint;  // below, with curve.csv
// A rate sweep's curve for people: per group and offered rate, each
// target's achieved rate, p50 and p99 from the intended start, service p99,
// and whether it met the SLO (when one was given). ALL rows only.
std::string curve_table(const std::vector<CurvePoint>& points);

// An analytical run for people: one line per query (per stream when there
// are several), its time in ms on each target side by side, and with
// --verify its rows and whether the targets' answers agree.
std::string query_table(const std::vector<SummaryRow>& rows);
// One line per target with its run's figures (geometric mean, queries per
// hour, streams' times), then with --verify one line per query whose answers
// differ ("DIFFERS ...") and one line on how many agree.
std::string query_lines(const std::vector<SummaryRow>& rows);
// `oltap compare` of two analytical runs: the queries whose checksums differ
// between them ("" when neither has checksums).
std::string compare_answers(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current);

// A text table from rows of cells; the first row is the header, numbers right-aligned.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

// ---------------------------------------------------------------- oltap export
// A result folder's (or a suite folder's) figures for the CI dashboards that
// track benchmarks over commits: github-action-benchmark's custom JSON
// arrays and Bencher's Metric Format (export_rows.cc reads, export_json.cc writes).

// A figure and, from a suite's repetitions, the lowest and highest.
struct ExportValue {
  double value = 0;
  std::optional<double> lower, upper;
};
// One benchmark: a summary row (a suite row), or an analytical run's target.
struct ExportRow {
  // "[<case> ]<target> <group>/<txn>[ stage N]" (case only from a suite), or
  // "<target> queries per hour" / "<target> geometric mean" of an analytical run.
  std::string name;
  std::optional<ExportValue> tps;         // transactions per second (bigger is better)
  std::optional<ExportValue> latency_ms;  // a transaction's p99, a query's median (smaller is better)
  std::optional<ExportValue> queries_per_hour;
  int64_t reps = 0;        // a suite row's repetitions; 0 for a result folder
  std::string latency_is;  // for people: what latency_ms is ("p99", "median of 5 timed executions")
  std::string note;        // for people, on every figure of the row ("incomplete run"); may be empty
};
// The rows of dir: a suite folder (suite.csv: the median of each metric over
// the repetitions, with its min and max), a result folder or its summary.csv
// (each row as it is; an analytical run's query rows with their medians, and
// per target its geometric mean and queries per hour; streams' ALL rows left
// out). Throws Error(kBadInput) naming the file of a problem.
std::vector<ExportRow> export_rows(const std::string& dir);

enum class ExportFormat {
  kBenchmarkBigger,   // github-action-benchmark, tool customBiggerIsBetter: tps, queries per hour
  kBenchmarkSmaller,  // github-action-benchmark, tool customSmallerIsBetter: latency in ms
  kBencher,           // Bencher Metric Format: throughput (ops/s), latency (ns), queries-per-hour
};
// "github-action-benchmark", "github-action-benchmark-smaller" or "bencher";
// Error(kBadInput) listing them otherwise.
ExportFormat parse_export_format(const std::string& text);
// The file's text (JSON, ending in a newline). Throws Error(kBadInput) when
// no row has a figure of the format (nothing to export).
std::string export_json(const std::vector<ExportRow>& rows, ExportFormat format);
// ---------------------------------------------------------------- suites
// A suite folder (oltap suite): a result folder per case, target and
// repetition, and suite.csv, a row per case x target x group x txn (x stage)
// with each metric's median over the repetitions, its min, max and spread.

// A metric over repetitions; spread = (max - min) / median, 0 when the median is 0.
struct SuiteStat {
  double median = 0, min = 0, max = 0, spread = 0;
};
// The stat of values (one per repetition; the median of an even count is
// the mean of the middle two). All 0 for none.
SuiteStat suite_stat(std::vector<double> values);

struct SuiteRow {
  std::string case_name, target, group, txn, stage;
  int reps = 0;  // repetitions with a complete result for the row
  SuiteStat tps, lat_p50_ms, lat_p95_ms, lat_p99_ms, errors;
};
// suite.csv's columns, in order: case,target,group,txn,stage,reps, then
// m_median,m_min,m_max,m_spread for each m of tps, lat_p50_ms, lat_p95_ms,
// lat_p99_ms, errors.
extern const std::vector<std::string> kSuiteColumns;
inline constexpr const char* kSuiteCsvName = "suite.csv";
// Rewrites dir/suite.csv (temporary file, rename). Throws Error on I/O failure.
void write_suite_csv(const std::string& dir, const std::vector<SuiteRow>& rows);

// Whether dir holds the meta.json of a run that completed: not marked
// incomplete, and every target's status "complete". false when there is
// none or it cannot be read.
bool run_complete(const std::string& dir);

// How a result folder's run ended, as its files say (run_status.cc).
struct RunState {
  bool has_meta = false;         // false: no meta.json (a bare summary.csv)
  bool has_summary = false;      // summary.csv is there
  std::string run_id, workload;  // meta.json's
  // meta.json's status; a meta.json from before that field has it from its
  // targets' (a target "running" makes it "running"). "" without meta.json.
  std::string status;
  // Of a run cut short (status "running"): the target that was being
  // measured (its label, else its redacted URI), and what timeseries.csv
  // kept of it: its intervals, the end of the last one (seconds since its
  // warm-up ended) and the commits of its ALL rows.
  std::string running_target;
  int64_t kept_intervals = 0, kept_committed = 0;
  double kept_s = 0;
  // Still "running": oltap was killed (SIGKILL, the OOM killer, the machine
  // went down) before it could say how the run ended, or is still running.
  bool cut_short() const { return status == "running"; }
};
// Reads dir's meta.json and timeseries.csv. Throws Error(kBadInput) when
// meta.json is not JSON.
RunState read_run_state(const std::string& dir);
// One sentence of a run cut short, for every reader that refuses it or shows
// it: "cut short at 4.000 s of target T (meta.json still says running: ...)".
std::string cut_short_text(const RunState& s);

// ---------------------------------------------------------------- latency.hlog
// The histograms themselves, in a result folder's latency.hlog: an
// HdrHistogram interval log (log format 1.3, V2 compressed histograms) that
// HdrHistogram's own HistogramLogProcessor reads. oltap's bucket i is
// HdrHistogram's counts index i for lowestDiscernibleValue 1 ns and 2
// significant digits (README, "latency.hlog"), so nothing is re-bucketed.
// A writer belongs to one thread; the readers share nothing.
//
// Tags: "[whole:][svc:][stage=<stage>:]<target>/<group>/<txn>", the prefixes
// in that order, each only when it applies:
//   whole:        the whole run's histogram (else one interval's);
//   svc:          service times, from the actual send (else latencies, from
//                 the intended start in an open loop);
//   stage=<s>:    a stage's (or a sweep's rate's) rows, s as summary.csv's
//                 stage column (percent-encoded like group, ':' too).
// An unstaged latency line's tag is thus what it was before open loops
// ("<t>/<g>/<x>", "whole:<t>/<g>/<x>"). A target whose text starts with a
// prefix has its first byte percent-encoded, so no tag reads two ways.
// Each tag is its own series to HdrHistogram's tools (-tag).
inline constexpr const char* kHlogFileName = "latency.hlog";
// What a whole-run histogram's tag starts with.
inline constexpr const char* kHlogWholeRunPrefix = "whole:";
// What follows it (or starts an interval's tag) on a service-time line.
inline constexpr const char* kHlogServicePrefix = "svc:";
// What a stage's tag has next: "stage=" + stage + ":".
inline constexpr const char* kHlogStagePrefix = "stage=";

// h as a log line holds it: HdrHistogram's V2 compressed encoding, base64.
std::string encode_hlog_histogram(const metrics::Histogram& h);
// The inverse; max() and min() are the bucket bounds (see
// metrics::Histogram::add_to_bucket). Throws Error(kBadInput) starting with
// where ("file:line") on bad base64, a bad cookie or zlib stream, or a
// layout other than oltap's.
metrics::Histogram decode_hlog_histogram(const std::string& base64, const std::string& where);

// The tag of a (target, group, txn)'s interval lines, "<target>/<group>/<txn>"
// (target redacted, as summary.csv holds it). The log format splits on ','
// and whitespace, so ',', '%' and every byte that is not printable ASCII are
// percent-encoded, and '/' too in group and txn.
// stage and service add their prefixes (above).
std::string hlog_tag(const std::string& target, const std::string& group, const std::string& txn,
                     const std::string& stage = "", bool service = false);
// The tag of its whole-run histogram: kHlogWholeRunPrefix + hlog_tag, so that
// summing one tag's intervals never counts the whole-run line too.
std::string hlog_whole_run_tag(const std::string& target, const std::string& group, const std::string& txn,
                               const std::string& stage = "", bool service = false);

struct HlogTag {
  std::string target, group, txn;
  bool whole_run = false;
  std::string stage{};   // "" unstaged ({}: so that {target, group, txn, whole_run} builds as before)
  bool service = false;  // a service-time line (svc:)
  auto operator<=>(const HlogTag&) const = default;
};
// Any tag of a HlogTag.
std::string hlog_tag(const HlogTag& tag);
// The inverse of hlog_tag and hlog_whole_run_tag (prefixes, then split from
// the right on '/'); none for a tag oltap did not make.
std::optional<HlogTag> parse_hlog_tag(const std::string& tag);

// Appends histograms to <dir>/latency.hlog as a run goes, so a crash keeps
// every line flushed: the lines appended since the last flush() go to the
// kernel together in one write, so the file is a valid log, every line
// whole, at any moment a kill may come (a kill during that write may leave
// one line without its newline, which the readers leave out). Not
// thread-safe: one thread appends.
class AppendFile;
class HlogWriter {
 public:
  // Opens the file for appending (creating dir if needed). A new or empty
  // file first gets the headers: StartTime and BaseTime, both start_unix_ms
  // (ms since the epoch), and the legend. Throws Error on I/O failure.
  HlogWriter(const std::string& dir, int64_t start_unix_ms);
  // Writes what is pending, as fclose would; its failure is not seen here:
  // flush() first to know.
  ~HlogWriter();
  HlogWriter(const HlogWriter&) = delete;
  HlogWriter& operator=(const HlogWriter&) = delete;
  // One line "Tag=<tag>,<start_s>,<length_s>,<max ms>,<histogram>": start_s
  // in seconds since BaseTime, Interval_Max in ms (HdrHistogram's default
  // ratio for ns values, with 6 decimals: the exact max in ns). tag is one of
  // hlog_tag's or hlog_whole_run_tag's. Kept until flush().
  void append(const std::string& tag, double start_s, double length_s, const metrics::Histogram& h);
  // Hands every line appended to the OS, in one write. Throws Error on I/O failure.
  void flush();
  // flush(), then fdatasync(2): the lines are on the disk.
  void sync();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<AppendFile> file_;
  std::string pending_;  // appended, not yet flushed
};

// One histogram line of a latency.hlog.
struct HlogEntry {
  std::string tag;               // empty for a line without one
  double start_s = 0;            // seconds since the log's BaseTime
  double length_s = 0;           // the interval's length
  metrics::Histogram histogram;  // max() exact from Interval_Max when it lies in the top bucket
};
// Calls fn for each histogram line of a latency.hlog (a result folder is
// accepted too), in file order, holding one line at a time. Throws
// Error(kBadInput) naming the file and line of a malformed one.
void for_each_hlog_entry(const std::string& path, const std::function<void(const HlogEntry&)>& fn);
// Every histogram line at once (37 KB each: for small logs and tests).
std::vector<HlogEntry> read_hlog(const std::string& path);
// The whole-run latency histograms of a latency.hlog by (target, group, txn,
// stage), with whole_run set; lines of one tag are merged. Interval and
// service-time lines are not decoded.
std::map<HlogTag, metrics::Histogram> read_whole_run_histograms(const std::string& path);
// When the folder of path (a result folder or its summary.csv) has a
// latency.hlog, replaces each row's p50 ... p999 and max by those of its
// whole-run latency histogram (same target, group, txn and stage), rounded
// as summary.csv keeps them; lat_mean_ms stays (summary.csv's is exact, the
// buckets give it within half a bucket), and rows without a whole-run
// histogram keep their figures. Returns how many rows were refilled.
int refill_latency_from_hlog(const std::string& path, std::vector<SummaryRow>& rows);

// ---------------------------------------------------------------- open loop: curve.csv and the SLO
// A rate sweep's latency-throughput curve, one point per offered rate and
// (target, group, txn), and the objective its knee is found by.

// A latency objective: "p99<10ms", "p99.9<=50ms", "svc_p99<5ms", "p50<1s"; metrics p50 p90 p95 p99 p999
// (or p99.9) max, svc_p50 svc_p99 svc_max; units us, ms, s. '<' and '<=' both mean "at most": the
// figures are a histogram bucket's middle (within 0.4 %), too coarse for the difference to mean anything.
struct Slo {
  std::string text;      // as given
  std::string metric;    // canonical: "p99", "p999", "max", "svc_p99", ...
  double quantile = 0;   // 0.99 for p99; 1 for max
  bool service = false;  // of the service time (svc_*), else of the latency
  bool is_max = false;
  double limit_ms = 0;  // > 0
};
Slo parse_slo(const std::string& text);  // throws Error(kBadInput) with what is wrong and the accepted forms
// Whether a point met it: the quantile of the latency (or service) histogram is <= limit, and the
// transactions skipped (never sent) are counted as slower than any limit: with n completed and s skipped, the
// quantile is taken over n + s values with the s at the top (so s > (1-q)(n+s) fails it). A max fails with
// any skipped; a point with nothing completed nor skipped did not meet it (nothing shows it did).
bool slo_met(const Slo& slo, const metrics::Histogram& latency, const metrics::Histogram& service,
             int64_t skipped);

// One point of the curve.
struct CurvePoint {
  std::string target, group, txn;
  double offered_tps = 0, achieved_tps = 0, lat_p50_ms = 0, lat_p99_ms = 0, lat_p999_ms = 0, svc_p99_ms = 0;
  int64_t late = 0, skipped = 0;
  std::optional<bool> met;  // none without an SLO
};
// Writes <dir>/curve.csv (atomically, as the other files):
// target,group,txn,offered_tps,achieved_tps,lat_p50_ms,
// lat_p99_ms,lat_p999_ms,svc_p99_ms,late,skipped,met_slo (met_slo empty without an SLO, else true/false);
// rates with 2 decimals, ms with 3, as summary.csv.
void write_curve(const std::string& dir, const std::vector<CurvePoint>& points);
// Reads a curve.csv (a result folder is accepted). Throws Error(kBadInput) naming file:line of a problem.
std::vector<CurvePoint> read_curve(const std::string& path);
// The knee: the highest offered rate at which this point and every lower rate met the SLO; none if the lowest
// did not (or no point has a verdict). Points are taken in order of offered rate, whatever their order here;
// a rate of several points is met when all of them are.
std::optional<double> knee(const std::vector<CurvePoint>& points_of_one_target_group_txn);

// ---------------------------------------------------------------- timeseries.csv
// Reads timeseries.csv (a result folder is accepted). Throws Error(kBadInput)
// naming file:line of a problem.
std::vector<TimeseriesRow> read_timeseries(const std::string& path);

// ---------------------------------------------------------------- the HTML report (html_*.cc)
// One self-contained HTML file that opens offline in a browser: every script
// and style inline (Chart.js too, read from $OLTAP_CHART_JS or the path found
// at build time), no request of any kind (its Content-Security-Policy refuses
// them). Every text from the files is escaped; meta.json is shown as written
// (redacted by the run). Time series are merged into at most
// html::kMaxPointsPerSeries points, so an hour at 1 s stays small. Throw
// Error(kBadInput) for a folder they cannot read or a missing Chart.js.

// The report of result folders (each a folder or its summary.csv; several
// side by side, their targets named "<folder>: <target>" when two folders
// share a target), or of one suite folder (suite.csv and its repetitions).
std::string html_report(const std::vector<std::string>& dirs);
// The report of a comparison: e as evaluate(baseline, current, ...) made it.
std::string html_compare_report(const Side& baseline, const Side& current, const Evaluation& e);

}  // namespace oltap::results
