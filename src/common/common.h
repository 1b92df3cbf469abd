// Pieces every module shares: the error type whose class the CLI maps to an
// exit code, the parameter/column value that travels from workload to engine,
// and a few small text helpers. Nothing here knows of YAML, engines or threads.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace oltap {

// What kind of failure an error is; the CLI turns each into one exit code
// (see exit_code_for).
enum class ErrorClass {
  kBadInput,        // workload, arguments or target URI are wrong: exit 2
  kUnreachable,     // a target could not be reached or refused us: exit 3
  kRetryable,       // serialization failure, deadlock: try the transaction again
  kConnectionLost,  // the connection broke during a run
  kFatal,           // anything else
  kRegression,      // compare/gate found a regression: exit 1
  kInterrupted,     // SIGINT/SIGTERM: exit 130
  kShardsMissing,   // the other shards of a run did not check in within --shard-wait: exit 5
};

// An error with a class and a message a user can act on. Messages never
// contain a password: code that builds them from a target uses its redacted form.
class Error : public std::runtime_error {
 public:
  Error(ErrorClass cls, const std::string& message) : std::runtime_error(message), class_(cls) {}
  ErrorClass error_class() const noexcept { return class_; }

 private:
  ErrorClass class_;
};

// Exit codes of the contract in DESIGN.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRegression = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitUnreachable = 3;
inline constexpr int kExitRunErrors = 4;
inline constexpr int kExitShardsMissing = 5;
inline constexpr int kExitInterrupted = 130;

int exit_code_for(ErrorClass cls) noexcept;
const char* error_class_name(ErrorClass cls) noexcept;

// A typed value: a workload parameter, a bound result column, a generated cell.
// Text keeps its buffer between uses so refilling it on the hot path does not
// allocate once it has grown to its largest size.
struct Value {
  enum class Kind : uint8_t { kNull, kInt, kDouble, kText };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string s;

  static Value of_int(int64_t v) {
    Value x;
    x.kind = Kind::kInt;
    x.i = v;
    return x;
  }
  static Value of_double(double v) {
    Value x;
    x.kind = Kind::kDouble;
    x.d = v;
    return x;
  }
  static Value of_text(std::string v) {
    Value x;
    x.kind = Kind::kText;
    x.s = std::move(v);
    return x;
  }
  void set_int(int64_t v) noexcept {
    kind = Kind::kInt;
    i = v;
  }
  void set_double(double v) noexcept {
    kind = Kind::kDouble;
    d = v;
  }
  void set_null() noexcept { kind = Kind::kNull; }
  // Numeric view used by expressions; text parses as a number when it can.
  double as_double() const noexcept;
  // Doubles truncated toward zero and clamped to int64's bounds (NaN: 0);
  // text read as strtoll reads it (clamped too); null 0.
  int64_t as_int() const noexcept;
  // Writes the value as text into buf (no allocation); returns its length,
  // or -1 for null. buf must hold at least kMaxNumberText bytes for numbers.
  int to_text(char* buf, int cap) const noexcept;
  std::string to_string() const;
};

inline constexpr int kMaxNumberText = 32;

// Small text helpers.
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string to_lower(std::string_view s);
// Text made safe inside XML or HTML, in content and in quoted attributes:
// & < > " ' as entities, a newline as &#10;, other control characters
// (which XML 1.0 may not hold) as '?'.
std::string markup_escape(std::string_view s);
// Whether s is a plain name, as labels, case names and folders of a suite
// are: non-empty, of [A-Za-z0-9_.-] only (nothing a CSV, a path or an hlog
// tag would need to quote). extra: more characters allowed.
bool is_plain_name(std::string_view s, std::string_view extra = "");
// Edit distance, for did-you-mean suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to word when it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// Parses "30s", "500ms", "2m", "1h", or a plain number of seconds.
double parse_duration_s(std::string_view text);
// A share: "5%" -> 0.05, and a bare fraction below 1 as it is, "0.05" ->
// 0.05. A bare number of 1 or more ("5") is refused as ambiguous, as are
// negatives; callers check their own upper bound.
double parse_percent(std::string_view text);
// 0.05 -> "5%": how a share parse_percent read is shown back to the user.
std::string format_percent(double share);

// A `{name}` in a key-value command argument or key template.
struct TemplatePart {
  std::string literal;  // text before the placeholder (or the whole tail)
  std::string name;     // empty for a trailing literal
};
// Splits "user:{id}:x" into {"user:", "id"}, {":x", ""}; "{{" and "}}" are
// literal braces. Throws Error(kBadInput) for an unclosed '{'.
std::vector<TemplatePart> split_template(const std::string& text);

// Hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

// A `:name` placeholder in SQL text: its name and where it stands.
struct Placeholder {
  std::string name;
  size_t offset = 0;  // of the ':'
  size_t length = 0;  // including the ':'
};
// The :name placeholders of sql, skipping quoted text, comments, dollar-quoted
// bodies, `::type` casts and `:=`.
std::vector<Placeholder> scan_placeholders(std::string_view sql);
// The statements of a multi-statement text, split on ';' outside quotes,
// comments and dollar-quoted bodies; blank statements dropped.
std::vector<std::string> split_statements(std::string_view sql);
// sql with every :name replaced by value, outside quotes and comments, also
// right after a word (`revenue:stream` -> `revenue0`); `::name` casts stay.
std::string replace_name(std::string_view sql, std::string_view name, std::string_view value);
// Whether sql orders its own rows: an ORDER BY outside parentheses (not a
// window's or a subquery's), quotes and comments.
bool has_top_level_order_by(std::string_view sql);

// The source revision this binary was built from (12 hex digits, "-dirty"
// when tracked files differed from it; "unknown" outside a git checkout),
// taken at build time (cmake/git_revision.cmake).
const char* git_revision() noexcept;

}  // namespace oltap
