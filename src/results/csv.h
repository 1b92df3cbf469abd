// Minimal CSV (RFC 4180 quoting) for the result files. Private to results.
#pragma once

#include <charconv>
#include <string>
#include <vector>

#include "common/common.h"

namespace oltap::results {

std::string csv_escape(const std::string& field);
std::string csv_line(const std::vector<std::string>& fields);
// Splits text into records of fields; quoted fields may hold commas, quotes and newlines.
std::vector<std::vector<std::string>> csv_parse(const std::string& text);
// A number with a fixed count of decimals, "." as separator whatever the locale.
std::string fixed(double v, int decimals);
// v as fixed(v, decimals) writes it: the figure a file holds, read back.
double rounded(double v, int decimals);

// A field read as a number, all of it; Error(kBadInput) at where (file:line)
// naming the column otherwise.
template <typename T>
T parse_number(const std::string& text, const std::string& where, const std::string& column) {
  T v{};
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
    throw Error(ErrorClass::kBadInput, where + ": column " + column + " holds '" + text + "', not a number");
  return v;
}

// Decimals of summary.csv's tpm column (and of the headline figures made from it).
inline constexpr int kTpmDecimals = 2;

}  // namespace oltap::results
