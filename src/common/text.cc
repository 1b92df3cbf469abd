// Value conversions and the small text helpers shared by every module.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common.h"

namespace oltap {

double Value::as_double() const noexcept {
  switch (kind) {
    case Kind::kInt:
      return static_cast<double>(i);
    case Kind::kDouble:
      return d;
    case Kind::kText:
      return std::strtod(s.c_str(), nullptr);
    case Kind::kNull:
      return 0;
  }
  return 0;
}

int64_t Value::as_int() const noexcept {
  switch (kind) {
    case Kind::kInt:
      return i;
    case Kind::kDouble:
      // A cast of a double out of int64's range (or NaN) is undefined
      // behaviour: the bounds instead, as strtoll gives for text; NaN is 0.
      // 2^63 is exact as a double; INT64_MAX is not.
      if (std::isnan(d)) return 0;
      if (d >= 9223372036854775808.0) return INT64_MAX;
      if (d < -9223372036854775808.0) return INT64_MIN;
      return static_cast<int64_t>(d);
    case Kind::kText:
      return std::strtoll(s.c_str(), nullptr, 10);  // clamped to the bounds on overflow
    case Kind::kNull:
      return 0;
  }
  return 0;
}

int Value::to_text(char* buf, int cap) const noexcept {
  switch (kind) {
    case Kind::kNull:
      return -1;
    case Kind::kInt: {
      auto r = std::to_chars(buf, buf + cap, i);
      return static_cast<int>(r.ptr - buf);
    }
    case Kind::kDouble: {
      auto r = std::to_chars(buf, buf + cap, d);
      return static_cast<int>(r.ptr - buf);
    }
    case Kind::kText: {
      int n = static_cast<int>(std::min<size_t>(s.size(), static_cast<size_t>(cap)));
      std::copy_n(s.data(), n, buf);
      return n;
    }
  }
  return -1;
}

std::string Value::to_string() const {
  if (kind == Kind::kText) return s;
  if (kind == Kind::kNull) return "NULL";
  char buf[kMaxNumberText];
  int n = to_text(buf, sizeof buf);
  return std::string(buf, n);
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      // Two swapped letters ("itme") count as one edit (optimal string alignment).
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    size_t d = edit_distance(to_lower(word), to_lower(c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // A third of the word's length, at least 1 and at most 3 edits, reads as a typo.
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  return best_d <= limit ? best : "";
}

double parse_duration_s(std::string_view text) {
  std::string t = trim(text);
  if (t.empty()) throw Error(ErrorClass::kBadInput, "empty duration");
  double mult = 1;
  std::string num = t;
  auto ends = [&](std::string_view suf) {
    return t.size() > suf.size() && t.compare(t.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (ends("ms")) {
    mult = 0.001;
    num = t.substr(0, t.size() - 2);
  } else if (ends("us")) {
    mult = 1e-6;
    num = t.substr(0, t.size() - 2);
  } else if (ends("s")) {
    num = t.substr(0, t.size() - 1);
  } else if (ends("m")) {
    mult = 60;
    num = t.substr(0, t.size() - 1);
  } else if (ends("h")) {
    mult = 3600;
    num = t.substr(0, t.size() - 1);
  }
  double v = 0;
  auto r = std::from_chars(num.data(), num.data() + num.size(), v);
  if (r.ec != std::errc() || r.ptr != num.data() + num.size() || v < 0 || !std::isfinite(v))
    throw Error(ErrorClass::kBadInput, "'" + t + "' is not a duration (examples: 30s, 500ms, 2m, 1h)");
  return v * mult;
}

double parse_percent(std::string_view text) {
  std::string t = trim(text);
  const bool sign = !t.empty() && t.back() == '%';
  if (sign) t.pop_back();
  double v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  const std::string shown(text);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v))
    throw Error(ErrorClass::kBadInput,
                "'" + shown + "' is not a percentage (examples: 5%, or the fraction 0.05 for 5%)");
  if (v < 0) throw Error(ErrorClass::kBadInput, "'" + shown + "' is negative; a share is 0% or more");
  // A bare 5 could mean 5% or 500%: only fractions below 1 may go without the sign.
  if (!sign && v >= 1)
    throw Error(ErrorClass::kBadInput, "'" + shown + "' is ambiguous: write " + shown +
                                           "% for a percentage (a number without % is a fraction below 1, "
                                           "0.05 for 5%)");
  return sign ? v / 100.0 : v;
}

std::string format_percent(double share) {
  char buf[kMaxNumberText];
  std::snprintf(buf, sizeof buf, "%g%%", share * 100);
  return buf;
}

bool is_plain_name(std::string_view s, std::string_view extra) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-' &&
        extra.find(c) == std::string_view::npos)
      return false;
  return true;
}

std::string markup_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      default:
        out += (c < 0x20 && c != '\t' && c != '\r') ? '?' : ch;
    }
  }
  return out;
}

}  // namespace oltap
