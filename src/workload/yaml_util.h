// Reading yaml-cpp nodes strictly: every error names file:line:col, unknown
// keys are refused with a did-you-mean. Private to the workload module.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>

#include "workload.h"

namespace oltap::workload {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  Mark mark(const YAML::Node& n) const;
  [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const;

  // Refuses keys of map that are not in allowed, suggesting the closest one.
  void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* what) const;
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const char* what) const;
  void expect_map(const YAML::Node& n, const char* what) const;
  void expect_seq(const YAML::Node& n, const char* what) const;

  std::string str(const YAML::Node& n, const char* what) const;
  double number(const YAML::Node& n, const char* what) const;
  int64_t integer(const YAML::Node& n, const char* what) const;
  bool boolean(const YAML::Node& n, const char* what) const;
  // A scalar as a Value: integer, real or text, as it reads.
  Value value(const YAML::Node& n) const;
  // A scalar parsed as an expression (a plain number is a constant one).
  Expr expr(const YAML::Node& n, const char* what) const;
  // The mark of the key `key` in map (falls back to the map's own mark).
  Mark key_mark(const YAML::Node& map, const std::string& key) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

}  // namespace oltap::workload
