// Answers made comparable across engines: each value's canonical text, an
// answer's checksum, and the query orders of a throughput run's streams.
//
// Engines type the same answer differently: PostgreSQL's SUM of integers is
// a bigint where MariaDB's is a DECIMAL, an AVG has 4 decimals on MariaDB and
// 16 or more on PostgreSQL, a DECIMAL may come through ODBC as text, a
// CHAR(25) is padded on PostgreSQL and not on MariaDB. The canonical text
// irons out exactly these differences and nothing else.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "run.h"

namespace oltap::run {
namespace {

// Decimals a number is compared at, and the ones it is first rounded to so
// that binary noise (0.12499999999999999 for 0.125) does not decide the
// rounding.
constexpr int kComparedDecimals = 2;
constexpr int kNoiseDecimals = 6;
// Salt of the random streams that draw the streams' query orders.
constexpr uint64_t kStreamOrderSalt = 0x5354'5245'414d'5321;  // "STREAMS!"

// Whether text is a plain decimal number: an optional sign, digits, and
// optionally a point and digits ("12", "-0.5", "3."); no exponent, no blanks.
bool is_decimal(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  size_t digits = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  }
  return digits > 0 && i == t.size();
}

// A decimal number (as is_decimal accepts) rounded half away from zero to
// `places` decimals, written with exactly that many: "2.345" -> "2.35",
// "-0.001" -> "0.00" (no minus zero), "7" -> "7.00".
std::string round_decimal(std::string_view t, int places) {
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  size_t point = t.find('.');
  std::string_view whole = t.substr(0, point);
  std::string_view frac = point == std::string_view::npos ? std::string_view() : t.substr(point + 1);
  // The digits kept, whole and fraction together, then the first one dropped.
  std::string digits(whole.empty() ? "0" : whole);
  for (int k = 0; k < places; ++k) digits += k < static_cast<int>(frac.size()) ? frac[k] : '0';
  const bool round_up = static_cast<int>(frac.size()) > places && frac[places] >= '5';
  if (round_up) {
    int k = static_cast<int>(digits.size()) - 1;
    while (k >= 0 && digits[k] == '9') digits[k--] = '0';
    if (k >= 0)
      ++digits[k];
    else
      digits.insert(digits.begin(), '1');
  }
  size_t int_len = digits.size() - static_cast<size_t>(places);
  size_t lead = 0;
  while (lead + 1 < int_len && digits[lead] == '0') ++lead;
  std::string out = digits.substr(lead, int_len - lead);
  if (places > 0) out += "." + digits.substr(int_len);
  const bool zero = out.find_first_not_of("0.") == std::string::npos;
  return (negative && !zero ? "-" : "") + out;
}

std::string canonical_decimal(std::string_view t) {
  return round_decimal(round_decimal(t, kNoiseDecimals), kComparedDecimals);
}

// A cell in the checksummed text: "N" for NULL, else the length and the text,
// so that no value can pass for two, nor NULL for a text.
void append_cell(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    out += "N;";
    return;
  }
  out += std::to_string(v->size());
  out += ':';
  out += *v;
  out += ';';
}

}  // namespace

std::optional<std::string> canonical_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return std::nullopt;
    case Value::Kind::kInt:
      return canonical_decimal(std::to_string(v.i));
    case Value::Kind::kDouble: {
      if (std::isnan(v.d)) return std::string("NaN");
      if (std::isinf(v.d)) return std::string(v.d > 0 ? "Infinity" : "-Infinity");
      // %.*f writes every digit of the whole part, however large.
      char buf[400];
      std::snprintf(buf, sizeof buf, "%.*f", kNoiseDecimals, v.d);
      return round_decimal(buf, kComparedDecimals);
    }
    case Value::Kind::kText: {
      std::string_view t = v.s;
      while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
      if (is_decimal(t)) return canonical_decimal(t);
      return std::string(t);
    }
  }
  return std::nullopt;
}

std::string answer_checksum(const engine::ResultBuffer& out, bool ordered) {
  const int kept = out.columns > 0 ? static_cast<int>(out.cells.size() / out.columns) : 0;
  const int rows = std::min(out.rows, kept);
  std::vector<std::string> lines(static_cast<size_t>(std::max(rows, 0)));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < out.columns; ++c) append_cell(lines[r], canonical_value(out.at(r, c)));
  if (!ordered) std::sort(lines.begin(), lines.end());
  std::string all = std::to_string(out.columns) + " columns\n";
  for (const auto& l : lines) {
    all += l;
    all += '\n';
  }
  return sha256_hex(all);
}

std::vector<size_t> stream_order(size_t n, uint64_t seed, int stream) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  if (stream == 0 || n < 2) return order;
  workload::Rng rng(workload::derive_seed(seed, kStreamOrderSalt, static_cast<uint64_t>(stream)));
  // Fisher-Yates: every permutation equally likely.
  for (size_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(i)))]);
  return order;
}

}  // namespace oltap::run
