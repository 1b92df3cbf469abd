// The data check's rules for tables without a load record, on big tables the
// integration tests do not make: a scripted connection (not a database)
// answers the queries the check sends, so the statistics' estimates and
// their tolerances can be pinned down.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "datagen/datagen.h"

namespace oltap::datagen {
namespace {

const char* kWorkload = R"(name: w
schema: |
  CREATE TABLE small (id int);
  CREATE TABLE big (id int);
data:
  - table: small
    rows: 1 * scale
    columns:
      id: {seq: 1}
  - table: big
    rows: 100000 * scale
    columns:
      id: {seq: 1}
transactions:
  - name: one
    steps:
      - sql: SELECT 1
)";

// Answers query_value() with the first scripted answer (in order) whose key
// the SQL contains; anything else fails the test.
using Answers = std::vector<std::pair<std::string, std::string>>;

class ScriptedConnection : public engine::Connection {
 public:
  ScriptedConnection(std::string dialect, Answers answers)
      : dialect_(std::move(dialect)), answers_(std::move(answers)) {}
  std::string dialect() const override { return dialect_; }
  std::string query_value(const std::string& sql) override {
    for (const auto& [key, answer] : answers_)
      if (sql.find(key) != std::string::npos) return answer;
    ADD_FAILURE() << "unscripted query: " << sql;
    return "";
  }
  int prepare(const std::string&, std::vector<std::string>&) override { return 0; }
  engine::Status execute(int, const Value* const*, engine::ResultBuffer*, int) noexcept override {
    return engine::Status::kFatal;
  }
  engine::Status begin() noexcept override { return engine::Status::kOk; }
  engine::Status commit() noexcept override { return engine::Status::kOk; }
  engine::Status rollback() noexcept override { return engine::Status::kOk; }
  const std::string& last_error() const noexcept override { return error_; }
  void run(const std::string& sql) override { ADD_FAILURE() << "the check changed something: " << sql; }
  void bulk_load(const engine::BulkSpec&, const std::function<bool(engine::RowBatch&)>&) override {}
  std::string server_version() override { return "scripted"; }

 private:
  std::string dialect_;
  Answers answers_;
  std::string error_;
};

// The answers of a database without a record, whose `small` holds small_rows
// and whose `big` has the estimate given (and big_count rows when counted).
Answers tables(const std::string& small_rows, const std::string& estimate,
               const std::string& big_count = "-999") {
  return {{"reltuples", estimate},
          {"table_rows FROM information_schema", estimate},
          {"table_name = 'oltap_load'", "0"},
          {"table_name = 'small'", "1"},
          {"table_name = 'big'", "1"},
          {"count(*) FROM small", small_rows},
          {"count(*) FROM big", big_count}};
}

DataCheck check(const std::string& dialect, const Answers& answers,
                std::optional<double> scale = std::nullopt) {
  workload::Spec spec = workload::parse_spec(kWorkload, "w.yaml");
  ScriptedConnection conn(dialect, answers);
  return check_loaded_data(spec, conn, engine::parse_target("postgresql://u@h:1/d"), scale);
}

TEST(DataCheckWithoutRecord, ReadsTheScaleFromTheSmallestTableThatGrowsWithIt) {
  DataCheck c = check("postgres", tables("100", "1e+07"));
  EXPECT_EQ(c.scale, 100);
  EXPECT_NE(c.source.find("row counts"), std::string::npos) << c.source;
}

TEST(DataCheckWithoutRecord, BigTablesPassOnAnEstimateWithinTheEnginesTolerance) {
  EXPECT_NO_THROW(check("postgres", tables("100", "9.3e+06")));  // 7% short: PostgreSQL's estimate
  EXPECT_THROW(check("postgres", tables("100", "8.5e+06")), Error);
  EXPECT_NO_THROW(check("mysql", tables("100", "5600000")));  // 44% short: InnoDB's TABLE_ROWS
  EXPECT_THROW(check("mysql", tables("100", "4000000")), Error);
  // Runs insert rows: up to half as many again, not ten times as many.
  EXPECT_NO_THROW(check("postgres", tables("100", "1.4e+07")));
  EXPECT_THROW(check("postgres", tables("100", "1e+08")), Error);
}

TEST(DataCheckWithoutRecord, CountsWhenThereIsNoEstimateOrTheDialectKeepsNone) {
  // PostgreSQL's reltuples is -1 before the first VACUUM or ANALYZE.
  EXPECT_NO_THROW(check("postgres", tables("100", "-1", "10000000")));
  EXPECT_THROW(check("postgres", tables("100", "-1", "9000000")), Error);
  EXPECT_NO_THROW(check("redshift", tables("100", "1", "10000000")));
}

TEST(DataCheckWithoutRecord, AGivenScaleThatTheRowsDoNotHaveIsRefusedNamingTheirs) {
  try {
    check("postgres", tables("100", "1e+07"), 10);
    FAIL() << "scale 10 accepted on the rows of scale 100";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_NE(std::string(e.what()).find("--scale 100"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace oltap::datagen
