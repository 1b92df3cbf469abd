// Minimal CSV (RFC 4180 quoting) for the result files. Private to results.
#pragma once

#include <charconv>
#include <map>
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

// A result CSV (summary.csv, timeseries.csv, curve.csv, suite.csv) read back
// by column name. The header must hold the columns every file of its kind
// has; a column only newer files have is read as 0 (or "") where it is
// missing, so older folders still read. Errors are Error(kBadInput) at
// path:line: an empty file, a missing column ("is this an oltap
// <kind>?"), a record shorter than the header, a field that is not a number.
class CsvFile {
 public:
  // text: the file's bytes; kind names the file in messages ("summary.csv").
  CsvFile(const std::string& text, std::string path, const std::string& kind,
          const std::vector<std::string>& required);
  size_t rows() const { return records_.size() - 1; }
  bool has(const std::string& column) const { return col_.count(column) > 0; }

  class Row {
   public:
    const std::string& get(const std::string& column) const;  // "" when the file has no such column
    double num(const std::string& column) const;              // 0 when the file has no such column
    int64_t integer(const std::string& column) const;         // 0 when the file has no such column
    const std::string& where() const { return where_; }       // path:line

   private:
    friend class CsvFile;
    Row(const CsvFile& file, const std::vector<std::string>& record, std::string where)
        : file_(file), record_(record), where_(std::move(where)) {}
    const CsvFile& file_;
    const std::vector<std::string>& record_;
    std::string where_;
  };
  // Row i (0: the first after the header).
  Row row(size_t i) const;

 private:
  std::string path_;
  std::vector<std::vector<std::string>> records_;
  std::map<std::string, size_t> col_;
};

// The bytes of path, or of dir/file when path is a folder; Error(kBadInput)
// "<path>: cannot open the <what>" when it cannot be read.
std::string read_result_file(const std::string& path, const std::string& file, const std::string& what,
                             std::string* resolved = nullptr);

// Decimals of summary.csv's tpm column (and of the headline figures made from it).
inline constexpr int kTpmDecimals = 2;

}  // namespace oltap::results
