// Workloads: the YAML format, its validation, expressions and parameter
// distributions. A Spec is what a workload file says, checked and compiled;
// errors carry file:line:col. A Distribution draws one parameter value from a
// client's random stream without allocating.
//
// This module knows nothing of engines, threads or result files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.h"

namespace oltap::workload {

// ---------------------------------------------------------------- random

// A client's random stream: xoshiro256**, seeded through splitmix64, so the
// same seed gives the same sequence on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) noexcept;
  uint64_t next() noexcept;
  // Uniform in [0, 1).
  double next_double() noexcept;
  // Uniform integer in [lo, hi], both inclusive, without modulo bias.
  int64_t uniform(int64_t lo, int64_t hi) noexcept;

 private:
  uint64_t s_[4];
};

// A draw from a negative exponential distribution of the given mean,
// -ln(r) * mean with r uniform in (0, 1], truncated at max: TPC-C's think
// time (clause 5.2.5.4, truncated at 10 times the mean).
double negative_exponential(Rng& rng, double mean, double max) noexcept;

// Mixes a seed with stream numbers (client index, table, chunk) into the seed
// of an independent stream.
uint64_t derive_seed(uint64_t seed, uint64_t a, uint64_t b = 0) noexcept;

// A client's place in a sequence: client k of n draws start+k*step,
// start+(k+n)*step, ... so clients never draw the same value.
struct SequenceCursor {
  int64_t next = 0;    // index of the next value in the sequence
  int64_t stride = 1;  // number of clients sharing the sequence
  // Values a `distinct` distribution has drawn since the transaction began.
  static constexpr int kDistinctMemory = 64;
  int64_t drawn[kDistinctMemory] = {};
  int drawn_count = 0;
};

// NURand's C constants (TPC-C clause 2.1.6). Data is generated with a fixed
// C per A; a run draws its own C from the run's seed, and for A = 255 keeps
// |C_run - C_load| within [65, 119] and away from 96 and 112 (clause 2.1.6.1),
// so the last names a run asks for differ from the loaded ones' skew.
int64_t nurand_load_constant(int64_t a) noexcept;
int64_t nurand_run_constant(uint64_t seed, int64_t a) noexcept;

// Text written into a share of a distribution's strings, at a random place
// (TPC-C's "ORIGINAL" in 10% of I_DATA; TPC-H's "Customer ... Complaints").
struct TextEmbed {
  std::string text;
  double share = 0;
};

// The text pool `pseudo_text` distributions cut their strings from: sentences
// of TPC-H's grammar and vocabulary (clause 4.2.2.10), made once per process
// from a fixed seed, so every load on every machine cuts from the same text.
const std::string& pseudo_text_pool();

// One parameter's distribution, with its bounds already evaluated.
class Distribution {
 public:
  enum class Kind {
    kConst,
    kUniform,
    kUniformReal,
    kZipfian,
    kNURand,
    kSequence,
    kString,
    kChoice,
    kLatest,
    kSyllables,
    kText,
    kSample
  };

  static Distribution constant(Value v);
  static Distribution uniform(int64_t lo, int64_t hi);
  static Distribution uniform_real(double lo, double hi);
  // Zipfian over [lo, hi] with exponent theta (YCSB's default 0.99): lo is the
  // most popular value. Exact (rejection-inversion), O(1) to set up and draw.
  static Distribution zipfian(int64_t lo, int64_t hi, double theta);
  // Zipfian whose ranks are spread over [lo, hi] by a hash, as YCSB's
  // ScrambledZipfianGenerator does: equally skewed, but the popular values
  // are not neighbours.
  static Distribution scrambled_zipfian(int64_t lo, int64_t hi, double theta);
  // YCSB's "latest": recently inserted values are the most popular. The
  // newest value is the last one a sequence (start, step) has handed out,
  // read from the cursor draw() receives, which must be that sequence's;
  // values go back from it zipfian-distributed, never below lo.
  static Distribution latest(int64_t lo, int64_t seq_start, int64_t seq_step, double theta);
  // TPC-C NURand(A, lo, hi) with run constant c (TPC-C clause 2.1.6).
  static Distribution nurand(int64_t a, int64_t lo, int64_t hi, int64_t c);
  static Distribution sequence(int64_t start, int64_t step);
  // Random text of a length uniform in [min_len, max_len] drawn from charset.
  static Distribution random_string(int min_len, int max_len, std::string charset);
  // Pseudo-text (TPC-H clause 4.2.2.10): a length uniform in [min_len,
  // max_len], cut from a random place of pseudo_text_pool().
  static Distribution pseudo_text(int min_len, int max_len);
  // String and text extras: each embed overwrites characters at a random
  // position in its `share` of the values, at most one embed per value
  // (TPC-C's 10% "ORIGINAL" in I_DATA and S_DATA); `suffix` follows the
  // random part (W_ZIP's "11111").
  void set_string_extras(std::vector<TextEmbed> embeds, std::string suffix);
  // One of options, with probability proportional to its weight.
  static Distribution choice(std::vector<Value> options, std::vector<double> weights);
  // count different options in random order, joined by separator (TPC-H's
  // P_NAME: five distinct colours of 92, clause 4.2.3).
  static Distribution sample(std::vector<Value> options, int count, std::string separator);
  // Text made of syllables: a number drawn from `number`, written with
  // `digits` decimal digits, each digit naming one of the ten syllables
  // (TPC-C clause 4.3.2.3's C_LAST: 371 is PRICALLYOUGHT).
  static Distribution syllables(const Distribution& number, std::vector<std::string> syllables, int digits);

  // Draws the next value into out. Allocates nothing once out's text buffer
  // has grown to the longest string drawn.
  void draw(Rng& rng, SequenceCursor& seq, Value& out) const noexcept;
  // Syllables: writes the text of number n (the data generator's names
  // spelled from an expression, such as TPC-C's first 1000 customers).
  void spell(int64_t n, Value& out) const noexcept;
  // Makes an integer distribution draw no value twice until seq.drawn_count
  // is reset (the runner does at each transaction): TPC-C's distinct items.
  void set_distinct(bool on) noexcept { distinct_ = on; }

  Kind kind() const noexcept { return kind_; }
  // Inclusive integer bounds of integer kinds (the value range of a sequence
  // is open: hi is INT64_MAX).
  int64_t lo() const noexcept { return lo_; }
  int64_t hi() const noexcept { return hi_; }

 private:
  Kind kind_ = Kind::kConst;
  int64_t lo_ = 0, hi_ = 0;
  double dlo_ = 0, dhi_ = 0;
  int64_t a_ = 0, c_ = 0;  // NURand A and C; sequence step in a_
  // Zipfian (rejection-inversion) constants.
  double theta_ = 0, h_x1_ = 0, h_n_ = 0, s_ = 0;
  bool scrambled_ = false;
  bool distinct_ = false;
  void draw_once(Rng& rng, SequenceCursor& seq, Value& out) const noexcept;
  // Embeds and suffix of string and text values.
  void add_extras(Rng& rng, Value& out) const noexcept;
  static constexpr int kMaxSample = 64;  // sample's count: its picks live on the stack
  int min_len_ = 0, max_len_ = 0;        // sample: min_len_ is the count
  std::string charset_;
  std::vector<TextEmbed> embeds_;
  std::string suffix_;
  std::vector<std::string> texts_;  // sample: the options as text
  std::string separator_;           // sample
  std::vector<Value> options_;
  std::vector<double> cumulative_;  // choice: running sums of weights, last = total
  Value const_;
  std::vector<Distribution> inner_;  // syllables: the distribution of the number
  std::vector<std::string> syllables_;

  double zipf_h(double x) const noexcept;
  double zipf_h_inv(double x) const noexcept;
  // A zipfian rank in [0, n), given h_n = zipf_h(n + 0.5).
  uint64_t zipf_rank(Rng& rng, double n, double h_n) const noexcept;
};

inline constexpr std::string_view kAlphaNumeric =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// ---------------------------------------------------------------- expressions

// Where a thing came from in a workload file, for error messages.
struct Mark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string str() const;
};

// An error at a place in a workload file: "file:line:col: message".
Error error_at(const Mark& m, const std::string& message);

// An arithmetic expression over numbers and names (`100000 * scale`,
// `(aid - 1) / 100000 + 1`): + - * / % with integer division when both
// sides are integers, parentheses, unary minus, comparisons (= != < <= > >=),
// `and`, `or`, `not`, and the functions min, max, abs, floor, round (both to
// an integer) and if(cond, a, b).
class Expr {
 public:
  Expr();
  ~Expr();
  Expr(const Expr&);
  Expr& operator=(const Expr&);
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;

  // Parses text; names are resolved to slots by resolve(). Errors point at
  // the column inside text, offset from mark.
  static Expr parse(std::string_view text, const Mark& mark);
  static Expr constant(Value v);

  // Names the expression uses, in order of first use.
  std::vector<std::string> names() const;
  // Binds each name to a slot index of the values array eval() receives;
  // slot_of returns -1 for an unknown name, which is reported at mark.
  template <typename F>
  void resolve(F slot_of) {
    resolve_impl([&](const std::string& n) { return slot_of(n); });
  }
  bool is_constant() const noexcept;
  // The slot when the whole expression is one resolved name, else -1 (lets a
  // caller copy the value instead of evaluating).
  int as_slot() const noexcept;
  // Evaluates with the slot values; never allocates for numeric results.
  Value eval(const Value* slots) const noexcept;
  // The same into out, reusing its text buffer: no allocation once it has grown.
  void eval_into(const Value* slots, Value& out) const noexcept;
  const std::string& text() const noexcept;
  const Mark& mark() const noexcept;

  struct Impl;  // defined in expr.cc; public only so its helpers there can name it

 private:
  std::unique_ptr<Impl> impl_;
  void resolve_impl(const std::function<int(const std::string&)>& slot_of);
};

// Evaluates a constant expression over the single name `scale` (and any
// extra names given); errors at the expression's mark.
Value eval_with(const Expr& e, const std::map<std::string, Value>& names);

// ---------------------------------------------------------------- the spec

// Text that may differ per SQL dialect ("default", "postgres", "mysql",
// "redshift", "sqlite").
struct Dialected {
  std::map<std::string, std::string> by_dialect;
  Mark mark;
  // The text for dialect, falling back to "default"; nullptr when neither.
  const std::string* for_dialect(std::string_view dialect) const;
  bool empty() const { return by_dialect.empty(); }
};

// How a parameter or a generated column draws its values: a distribution kind
// with its arguments as expressions (of `scale`, or of other columns).
struct DistSpec {
  Distribution::Kind kind = Distribution::Kind::kConst;
  std::vector<Expr> args;         // bounds and the like, by kind
  double theta = 0.99;            // zipfian
  std::string charset;            // string
  std::vector<TextEmbed> embeds;  // string, text: text written into a share of the values
  std::string suffix;             // string: text after the random part
  std::vector<Value> options;
  std::vector<double> weights;
  bool scrambled = false;              // zipfian
  std::string source;                  // latest: the sequence parameter it follows
  std::vector<DistSpec> inner;         // syllables: the number's distribution
  std::optional<Expr> number;          // syllables in data: the number as an expression instead
  std::vector<std::string> syllables;  // syllables: the ten syllables
  int digits = 3;                      // syllables
  int count = 1;                       // sample: how many options
  std::string separator = " ";         // sample: between them
  bool distinct = false;               // no repeats within a transaction (uniform, zipfian, nurand)
  Mark mark;
};

struct Parameter {
  std::string name;
  DistSpec dist;
  Mark mark;
};

struct Column {
  std::string name;
  enum class Kind {
    kSequence,
    kExpr,
    kDist,
    kNull,
    kPermutation,
    kValues,  // one of a list, by index
    kFormat,  // text from a template of names
    kDate,    // a date, days after a start date
    kSum      // a sum over items, each with its own values
  } kind = Kind::kExpr;
  int64_t seq_start = 1;  // kSequence: row i (0-based) gets seq_start + i
  // kExpr; kPermutation: the position (0-based); kValues: the index (0-based,
  // taken modulo the values' count); kDate: the days to add; kSum: what is summed.
  Expr expr;
  Expr lo, hi;    // kPermutation: the values permuted, [lo, hi]
  DistSpec dist;  // kDist
  // kPermutation: which permutation, with the load seed and column name.
  // kDist: draw from a stream of (load seed, column name, key's value) rather
  // than the chunk's, so another table's column of the same name and key
  // gets the same values (orders.o_ol_cnt and order_line's count of lines).
  std::optional<Expr> key;
  std::vector<Value> values;  // kValues
  // kFormat: literal text, each followed by a name's value (none after the
  // last), written in at least `width` characters, padded with zeros.
  struct FormatPart {
    std::string literal;
    std::string name;
    int width = 0;
    int slot = -1;
  };
  std::vector<FormatPart> format;
  int64_t date_from = 0;  // kDate: the start date, in days since 1970-01-01
  // kSum: expr summed over item = 1 .. count, with these values computed for
  // each item first (keyed draws make them equal to another table's rows).
  Expr count;
  std::vector<Column> sum_lets;
  int slot = -1;  // where the generator keeps this value (the names' slots)
  Mark mark;
};

// Days since 1970-01-01 of a "YYYY-MM-DD" date, or nullopt when text is not one.
std::optional<int64_t> parse_date_days(std::string_view text);
// Writes the date `days` after 1970-01-01 as "YYYY-MM-DD" into out.
void write_date(int64_t days, std::string& out);

struct TableData {
  std::string table;
  // Key-value targets: the key each row is written under ("user:{id}"), and
  // the column holding its value when it is a plain string (else a hash).
  std::string redis_key;
  std::string redis_value;
  std::string redis_index;  // a sorted set of the keys, scored by the first column
  Expr rows;
  // Values computed once per row before the columns, used by them and not
  // loaded (`let:`).
  std::vector<Column> lets;
  // Each of `rows` becomes this many rows (an expression of scale, row and
  // the lets), whose columns see `item` = 1..n: order_line's 5 to 15 lines
  // per order.
  std::optional<Expr> repeat;
  std::vector<Column> item_lets;  // `repeat: {let: ...}`: computed for each row made, not loaded
  // Statements run on the loading connection as soon as this table is loaded
  // (its keys, indexes, statistics), while other tables are still loading.
  Dialected after_load;
  std::vector<Column> columns;
  // The names generation keeps for each row (scale, row, item, load_time, the
  // lets, the items' lets, the values inside sums, the columns): each
  // Column's slot indexes them.
  int slots = 0;
  // The entry as YAML, re-emitted without comments and without its
  // after_load: what defines its rows, recorded by a load and compared by a run.
  std::string definition;
  Mark mark;
};

struct Step {
  Dialected sql;                   // for SQL targets
  std::vector<std::string> redis;  // for key-value targets: a command, {name} for parameters
  std::vector<std::string> into;   // names bound from a result row
  // Which row `into` binds: the first, or the middle one of all the rows
  // (TPC-C clause 2.5.2.2: the customer at position ceil(n / 2) by first name).
  enum class IntoRow { kFirst, kMiddle } into_row = IntoRow::kFirst;
  // Runs the step only when this holds (parameters and earlier bound names).
  std::optional<Expr> when;
  // After the step (and its into), rolls the transaction back on purpose
  // when this holds: counted as aborted, not as an error (TPC-C's invalid item).
  std::optional<Expr> rollback_if;
  // A loop instead of a statement: `body` runs `count` times (an expression
  // of parameters and bound names), with `index` bound to 1, 2, ... and the
  // parameters in `redraw` drawn anew for each round (TPC-C's order lines).
  struct Loop {
    Expr count;
    std::string index;
    std::vector<std::string> redraw;
  };
  std::optional<Loop> loop;
  // A loop's body, or a block's: `if: c` with `steps:` runs them when c
  // holds and the `else:` steps when it does not.
  std::vector<Step> body;
  std::vector<Step> else_body;
  bool block = false;
  // A computation instead of a statement: each name is set, in order, to its
  // expression of parameters and bound names, in the client with no round
  // trip (TPC-C's new stock quantity, an order's all-local flag).
  std::vector<std::pair<std::string, Expr>> let;
  Mark mark;
};

// Whether a value counts as true in `if:`: non-zero numbers and non-empty text.
bool truthy(const Value& v) noexcept;

struct Transaction {
  std::string name;
  double weight = 1;
  std::vector<Step> steps;
  // Whether the steps run between BEGIN and COMMIT (MULTI/EXEC on Redis).
  // Unset: yes for several steps, no (autocommit) for one.
  std::optional<bool> transaction;
  // An emulated user's waits, applied only when a run asks for them
  // (`oltap run --think-times`): a fixed keying time before the transaction
  // (TPC-C clause 5.2.5.2), and after it a think time drawn from a negative
  // exponential of this mean (clause 5.2.5.4). 0: none.
  double keying_time_s = 0;
  double think_time_s = 0;
  Mark mark;
};

struct Group {
  std::string name;
  int clients = 0;  // 0: take the run's clients
  double rate = 0;  // groups: - rate: tx/s of this group's clients together; 0: share the run's
  // Transaction name -> weight; empty: every transaction with its own weight.
  std::vector<std::pair<std::string, double>> mix;
  Mark mark;
};

// The figure a workload is quoted by, as TPC-C is by tpmC: the committed
// transactions per minute of one transaction, and optionally how close that
// comes to a most-possible figure per unit of scale (go-tpc's efficiency).
struct Headline {
  std::string name;          // what the figure is called, e.g. "tpmC"
  std::string transaction;   // whose committed transactions per minute it is
  double per_scale_max = 0;  // the figure's maximum per unit of scale; 0: no efficiency
  // Count the transaction's intentional rollbacks too (TPC-C clause 5.4.2:
  // the New-Orders rolled back on purpose are part of tpmC).
  bool include_aborted = false;
  Mark mark;
};

// An analytical query: run once per stream, timed, its answer checksummed
// with `--verify`. Its text may hold several statements separated by `;`
// (TPC-H Q15's view), run in order on one connection and timed together.
struct Query {
  std::string name;
  Dialected sql;
  // Whether the rows' order is part of the answer; unset: when the statement
  // whose rows count has an ORDER BY of its own (outside parentheses).
  std::optional<bool> ordered;
  Mark mark;
};

// The name a query's text may use for the number of the stream running it
// (`:stream`), replaced in the text before it runs: TPC-H's per-stream view
// names in Q15.
inline constexpr std::string_view kStreamName = "stream";
// The other: the scale the run was given (`:scale`), for figures the
// specification scales, such as TPC-H Q11's fraction 0.0001 / SF.
inline constexpr std::string_view kScaleName = "scale";
// The most streams a throughput run may have.
inline constexpr int kMaxStreams = 1000;
// The most timed passes a run of queries may repeat (--repeat).
inline constexpr int kMaxRepeat = 1000;

// How an open loop's transactions arrive: Poisson (exponential gaps, as pgbench -R)
// or evenly spaced (as wrk2 -R).
enum class Arrival { kPoisson, kUniform };

// One stage of a run (run: stages:), measured and reported on its own.
struct Stage {
  double duration_s = 0;  // > 0
  // Transactions per second per target over every group without a rate of
  // its own; a stage without one took the run's rate at parse time, so 0
  // means neither is set: a closed loop.
  double rate = 0;
  int clients = 0;  // every group's clients during the stage; 0: the groups' own
  Mark mark;
};

struct RunDefaults {
  int clients = 1;
  double duration_s = 30;  // with stages: the sum of their durations
  double warmup_s = 0;
  int64_t transactions = 0;  // per client; 0 = run for the duration
  // Open loop (transactions only).
  double rate = 0;                      // run: rate (tx/s per target); 0: closed loop
  Arrival arrival = Arrival::kPoisson;  // run: arrival: poisson | uniform
  double latency_limit_s = 0;           // run: latency_limit (a duration, as pgbench -L); 0: none
  // run: stages: [...]; a stage without a rate of its own was given the
  // run's at parse time, so Stage::rate is final.
  std::vector<Stage> stages;
  // Workloads of queries.
  int streams = 1;             // 1: a power run; more: a throughput run
  double query_timeout_s = 0;  // a query running longer is cancelled; 0: none
};

struct Spec {
  std::string file;
  std::string name;
  std::string description;
  double scale = 1;
  Dialected schema;
  Dialected after_load;  // statements run after the data is loaded (keys, indexes, analyze)
  std::vector<TableData> data;
  std::vector<Parameter> parameters;
  std::vector<Transaction> transactions;
  std::vector<Query> queries;  // a workload has transactions or queries, not both
  std::vector<Group> groups;   // at least one after parsing when there are transactions ("default" when the
                               // file has none)
  RunDefaults run;
  std::optional<Headline> headline;
  std::string sha256;  // of the file's bytes, for meta.json

  const Transaction* find_transaction(std::string_view name) const;
  const Query* find_query(std::string_view name) const;
  const Parameter* find_parameter(std::string_view name) const;
  // Tables the schema creates, in order (from its CREATE TABLE statements).
  std::vector<std::string> tables(std::string_view dialect) const;
  // The schema's CREATE TABLE statement of table for dialect, without its
  // leading comments; "" when the schema does not create it.
  std::string create_statement(std::string_view dialect, std::string_view table) const;
};

// Reads, validates and compiles a workload file. Throws Error(kBadInput)
// holding every problem found, one per line, each "file:line:col: message"
// in file order: each data entry, parameter, transaction, group, query and
// other top-level entry is read on its own, up to its first problem. A
// folder is refused as such.
Spec load_spec(const std::string& path);
// Same, from text (tests); file is used in messages.
Spec parse_spec(const std::string& text, const std::string& file);

// The scale as expressions see it: an integer when it is whole, so that
// `100000 * scale` is an integer bound.
Value scale_value(double scale);

// Builds every parameter's distribution at scale (the run's NURand constant
// aside), so that bounds that cannot be are reported by `oltap validate`.
// Throws Error(kBadInput) at the parameter's place.
void check_parameters(const Spec& spec, double scale);

// Builds the distribution of spec with its bound expressions evaluated over names
// (e.g. {"scale": 2}); run_constant seeds NURand's C.
Distribution make_distribution(const DistSpec& spec, const std::map<std::string, Value>& names,
                               int64_t nurand_c = 0);

// ---------------------------------------------------------------- suites

// A suite file (docs/suite-format.md): named targets, cases (a workload with
// `oltap run`'s settings, a matrix of values expanded into one case per
// combination), repetitions, and whether to load first.

// `oltap run`'s settings by name, each unset when not given (then the
// workload's own applies). Durations in seconds; max_error_rate a fraction.
struct SuiteSettings {
  std::optional<int> clients, streams, pipeline, threads, max_retries, repeat;
  std::optional<double> duration_s, warmup_s, scale, rate, query_timeout_s, latency_limit_s, max_error_rate;
  std::optional<int64_t> transactions;
  std::optional<bool> think_times, verify;
  std::optional<std::string> arrival;  // "poisson" or "uniform", as --arrival
  // Sets what `over` sets, keeping the rest.
  void overlay(const SuiteSettings& over);
};
// The setting names a suite's `settings:`, `defaults:` and `matrix:` take.
const std::vector<std::string>& suite_setting_names();

struct SuiteTarget {
  std::string label;
  std::string uri;         // ${NAME} replaced from the environment: may hold a password, never print it
  std::string as_written;  // the URI as the file has it
  Mark mark;
};

// One case as run: a suite case with one value of each matrix key.
struct SuiteCase {
  std::string name;                  // the case's, then "-key=value" per matrix key ([A-Za-z0-9_.=-] only)
  std::string workload;              // the workload file, as a path from where oltap runs
  std::vector<std::string> targets;  // labels; empty: every target the workload applies to
  SuiteSettings settings;            // the suite's defaults, the case's settings, its matrix values
  Mark mark;
};

struct Suite {
  std::string file;
  std::string name;
  std::vector<SuiteTarget> targets;  // in the file's order
  int repetitions = 1;
  uint64_t seed = 1;
  bool load = false;
  std::vector<SuiteCase> cases;  // matrices expanded, in the file's order
  std::string text;              // the file's bytes, for the copy a suite folder keeps
};

// Reads and validates a suite file. Throws Error(kBadInput) with every
// problem found, one per line, each "file:line:col: message" in file order.
Suite load_suite(const std::string& path);
// Same, from text (tests); file is used in messages and to place the
// workloads (relative to its folder). env looks up ${NAME} (none: unset).
Suite parse_suite(const std::string& text, const std::string& file,
                  const std::function<std::optional<std::string>(const std::string&)>& env);

}  // namespace oltap::workload
