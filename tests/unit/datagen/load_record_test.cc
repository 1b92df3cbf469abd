// The load record's text, what counts as a table's definition, and the
// names a workload may not take from the record.
#include "datagen/load_record.h"

#include <gtest/gtest.h>

namespace oltap::datagen {
namespace {

const char* kWorkload = R"(name: w
schema:
  default: |
    CREATE TABLE t (id int, v varchar(10));
    CREATE TABLE u (id int);
data:
  - table: t
    rows: 10 * scale
    columns:
      id: {seq: 1}
      v: "x"
transactions:
  - name: one
    steps:
      - sql: SELECT v FROM t WHERE id = 1
)";

workload::Spec spec_of(const std::string& text) { return workload::parse_spec(text, "w.yaml"); }

std::string digest(const std::string& text) {
  workload::Spec s = spec_of(text);
  return definition_sha256(s, s.data.at(0), false, "postgres");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(LoadRecord, EncodesWithoutSpacesOrQuotesAndDecodesTheSame) {
  TableRecord r;
  r.workload = "a name; with 'odd' = chars%";
  r.workload_sha256 = std::string(64, 'a');
  r.definition_sha256 = std::string(64, 'b');
  r.scale = 0.01;
  r.seed = 42;
  r.rows = 1500;
  r.started = "2026-12-01T21:50:03Z";
  r.finished = "2026-12-01T21:51:00Z";
  r.complete = true;
  const std::string text = encode_record(r);
  EXPECT_EQ(text.find_first_of(" '\"\t\n"), std::string::npos) << text;
  TableRecord back = decode_record("t", text);
  EXPECT_EQ(back.workload, r.workload);
  EXPECT_EQ(back.workload_sha256, r.workload_sha256);
  EXPECT_EQ(back.definition_sha256, r.definition_sha256);
  EXPECT_EQ(back.scale, 0.01);
  EXPECT_EQ(back.seed, 42u);
  EXPECT_EQ(back.rows, 1500);
  EXPECT_EQ(back.started, r.started);
  EXPECT_EQ(back.finished, r.finished);
  EXPECT_TRUE(back.complete);
  r.complete = false;
  EXPECT_FALSE(decode_record("t", encode_record(r)).complete);
}

TEST(LoadRecord, RefusesTextThatIsNotARecord) {
  EXPECT_THROW(decode_record("t", "hello"), Error);
  EXPECT_THROW(decode_record("t", "workload=w;status=done;scale=1"), Error);
  EXPECT_THROW(decode_record("t", "workload=w;status=complete;scale=big"), Error);
  EXPECT_THROW(decode_record("t", "workload=w;status=complete"), Error);
}

TEST(LoadRecord, DefinitionIgnoresCommentsTransactionsAndLayoutButNotTheData) {
  const std::string base = digest(kWorkload);
  EXPECT_EQ(digest(replaced(kWorkload, "    rows: 10 * scale", "    rows: 10 * scale   # ten per unit")),
            base);
  EXPECT_EQ(digest(replaced(kWorkload, "WHERE id = 1", "WHERE id = 2")), base);
  EXPECT_EQ(digest(replaced(kWorkload, "(id int, v varchar(10))", "(id int,\n      v varchar(10))")), base);
  // Another table's DDL is not this table's definition.
  EXPECT_EQ(digest(replaced(kWorkload, "CREATE TABLE u (id int)", "CREATE TABLE u (id bigint)")), base);
  EXPECT_NE(digest(replaced(kWorkload, "rows: 10 * scale", "rows: 20 * scale")), base);
  EXPECT_NE(digest(replaced(kWorkload, "v: \"x\"", "v: \"y\"")), base);
  EXPECT_NE(digest(replaced(kWorkload, "v varchar(10)", "v varchar(20)")), base);
}

TEST(LoadRecord, AWorkloadMayNotNameTheRecord) {
  workload::Spec s = spec_of(replaced(kWorkload, "CREATE TABLE u", "CREATE TABLE oltap_load"));
  EXPECT_THROW(check_record_is_apart(s, false, "postgres"), Error);
  EXPECT_NO_THROW(check_record_is_apart(spec_of(kWorkload), false, "postgres"));
  auto with_key = [](const std::string& key) {
    return spec_of(replaced(kWorkload, "    rows: 10 * scale",
                            "    redis: {key: \"" + key + "\"}\n    rows: 10 * scale"));
  };
  EXPECT_THROW(check_record_is_apart(with_key("{id}"), true, "redis"), Error);
  EXPECT_THROW(check_record_is_apart(with_key("oltap:{id}"), true, "redis"), Error);
  EXPECT_THROW(check_record_is_apart(with_key("olt{id}oad"), true, "redis"), Error);
  EXPECT_NO_THROW(check_record_is_apart(with_key("user:{id}"), true, "redis"));
  EXPECT_NO_THROW(check_record_is_apart(with_key("oltap:load:{id}"), true, "redis"));
}

}  // namespace
}  // namespace oltap::datagen
