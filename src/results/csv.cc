// CSV reading and writing for result files.
#include "csv.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace oltap::results {

std::string csv_escape(const std::string& f) {
  if (f.find_first_of(",\"\n\r") == std::string::npos) return f;
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_escape(fields[i]);
  }
  return out + "\n";
}

std::vector<std::vector<std::string>> csv_parse(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> rec;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      rec.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        rec.push_back(std::move(field));
        out.push_back(std::move(rec));
      }
      rec.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    rec.push_back(std::move(field));
    out.push_back(std::move(rec));
  }
  return out;
}

std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

double rounded(double v, int decimals) {
  std::string text = fixed(v, decimals);
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

CsvFile::CsvFile(const std::string& text, std::string path, const std::string& kind,
                 const std::vector<std::string>& required)
    : path_(std::move(path)), records_(csv_parse(text)) {
  if (records_.empty())
    throw Error(ErrorClass::kBadInput, path_ + ": empty file, expected a " + kind + " header");
  for (size_t i = 0; i < records_[0].size(); ++i) col_[records_[0][i]] = i;
  for (const auto& c : required)
    if (!has(c))
      throw Error(ErrorClass::kBadInput,
                  path_ + ":1: missing column '" + c + "': is this an oltap " + kind + "?");
}

CsvFile::Row CsvFile::row(size_t i) const {
  const std::vector<std::string>& rec = records_.at(i + 1);
  std::string where = path_ + ":" + std::to_string(i + 2);
  if (rec.size() < records_[0].size())
    throw Error(ErrorClass::kBadInput, where + ": " + std::to_string(rec.size()) + " fields, expected " +
                                           std::to_string(records_[0].size()));
  return Row(*this, rec, std::move(where));
}

const std::string& CsvFile::Row::get(const std::string& column) const {
  static const std::string kNone;
  const auto it = file_.col_.find(column);
  return it == file_.col_.end() ? kNone : record_[it->second];
}

double CsvFile::Row::num(const std::string& column) const {
  return file_.has(column) ? parse_number<double>(get(column), where_, column) : 0.0;
}

int64_t CsvFile::Row::integer(const std::string& column) const {
  return file_.has(column) ? parse_number<int64_t>(get(column), where_, column) : 0;
}

std::string read_result_file(const std::string& path, const std::string& file, const std::string& what,
                             std::string* resolved) {
  const std::string p =
      std::filesystem::is_directory(path) ? (std::filesystem::path(path) / file).string() : path;
  if (resolved) *resolved = p;
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, p + ": cannot open the " + what);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace oltap::results
