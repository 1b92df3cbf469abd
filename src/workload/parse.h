// The workload format's readers, one file per part of a workload file
// (parse_dist.cc: distributions and parameters; parse_data.cc: data;
// parse_steps.cc: transactions and steps; parse_run.cc: run, groups and
// headline; parse_queries.cc: queries), and the list of problems they report
// into. parse.cc reads the top level and calls them. Private to workload/.
//
// A reader throws (Error(kBadInput) at file:line:col) at the first problem of
// the entry it reads; the caller records it in Problems and goes on with the
// next entry, so `oltap validate` reports every broken entry of a file at once.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "yaml_util.h"

namespace oltap::workload {

// The problems found in one file so far, each "file:line:col: message".
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  // Runs read; an Error or yaml-cpp exception it throws is recorded instead
  // of propagated. Returns whether read finished.
  template <typename F>
  bool attempt(F&& read) {
    try {
      read();
      return true;
    } catch (const Error& e) {
      add(e.what());
    } catch (const YAML::Exception& e) {
      add(Mark{file_, e.mark.line + 1, e.mark.column + 1}.str() + ": " + e.msg);
    }
    return false;
  }
  void add(const std::string& problem);
  // Throws Error(kBadInput) holding every problem, one per line, in the
  // order of their places in the file; nothing when there is none.
  void throw_if_any() const;

  // Entries that failed to read: later checks take their names as defined,
  // so one mistake is not reported again as an unknown name.
  std::set<std::string> broken_parameters, broken_transactions;

 private:
  std::string file_;
  std::vector<std::string> list_;
};

// Text, or a mapping of dialect: text.
Dialected read_dialected(const YamlReader& r, const YAML::Node& n, const char* what);
// A duration ("18s", "500ms", or seconds).
double read_duration(const YamlReader& r, const YAML::Node& n, const char* what);
// A distribution given as a one-key mapping ({uniform: [1, 10]}) plus its
// options; allow_key: a data column, which may also say `key:`.
DistSpec read_dist(const YamlReader& r, const YAML::Node& n, const std::string& owner,
                   bool allow_key = false);

// The sections; each records its entries' problems and keeps the good ones.
void read_parameters(const YamlReader& r, const YAML::Node& map, Spec& spec, Problems& problems);
void read_data(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems);
// After data and schema: each SQL data entry's table is one the schema creates.
void check_data_tables(const Spec& spec, Problems& problems);
void read_transactions(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems);
void read_queries(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems);
// The run section is one entry: it throws at its first problem.
// analytical: the workload has queries, whose runs take other settings.
void read_run(const YamlReader& r, const YAML::Node& n, bool analytical, Spec& spec);
void read_groups(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems);
// Read once transactions and groups are known; throws at its first problem.
Headline read_headline(const YamlReader& r, const YAML::Node& n, const Spec& spec, const Problems& problems);

}  // namespace oltap::workload
