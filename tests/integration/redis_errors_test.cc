// Exit codes of the contract (DESIGN.md) for Redis targets: a closed port or
// refused credentials are exit 3 and never show the password; a workload a
// Redis target cannot run, or a bad --pipeline, is exit 2.
//
// Isolation: this file works in Redis database 4 of the stack's server. The
// wrong-password case needs a user that must authenticate: it creates the
// ACL user oltap_test (password right-pass) rather than setting requirepass,
// which would lock out every other test sharing the server.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "harness.h"

using namespace oltap_it;

namespace {

constexpr int kDatabase = 4;
const char* kUser = "oltap_test";
const char* kRightPassword = "right-pass";
const char* kWrongPassword = "wrong-pass-7d1c";

std::pair<std::string, int> redis_server() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  return {s.host, std::stoi(s.port)};
}

// redis://[user:password@]host:port/db on the stack's server.
std::string redis_uri(const std::string& userinfo = "", int db = kDatabase) {
  auto [host, port] = redis_server();
  return "redis://" + (userinfo.empty() ? "" : userinfo + "@") + host + ":" + std::to_string(port) + "/" +
         std::to_string(db);
}

// Runs one command on the stack's server; its reply as text.
std::string redis_cmd(const std::vector<std::string>& args) {
  auto [host, port] = redis_server();
  redisContext* c = redisConnect(host.c_str(), port);
  if (!c || c->err) throw std::runtime_error("cannot connect to Redis at " + host);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r =
      static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  std::string out = r && r->str ? std::string(r->str, r->len) : "";
  if (r && r->type == REDIS_REPLY_ERROR) out = "ERROR " + out;
  if (r) freeReplyObject(r);
  redisFree(c);
  return out;
}

class RedisErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "counter.yaml", R"(name: redis-counter
transactions:
  - name: incr
    steps:
      - redis: [INCR, "it:counter"]
)");
  }

  CmdResult run(const std::string& target, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run",    (dir_ / "counter.yaml").string(), "--target",       target,
                                     "--out",  (dir_ / "results").string(),      "--transactions", "10",
                                     "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    return oltap(args);
  }

  TempDir dir_;
};

TEST_F(RedisErrors, AClosedPortIsExit3NamingTheTarget) {
  CmdResult r = run("redis://127.0.0.1:1/4");
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "redis://127.0.0.1:1/4")) << r.describe();
  EXPECT_TRUE(contains(r.err, "refused")) << r.describe();
}

TEST_F(RedisErrors, AWrongPasswordIsExit3AndTheTargetNeverShowsIt) {
  std::string set = redis_cmd(
      {"ACL", "SETUSER", kUser, "reset", "on", std::string(">") + kRightPassword, "~*", "&*", "+@all"});
  ASSERT_EQ(set, "OK");

  CmdResult r = run(redis_uri(std::string(kUser) + ":" + kWrongPassword));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "WRONGPASS")) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, kWrongPassword)) << r.describe();
  EXPECT_EQ(files_containing(dir_.path(), kWrongPassword), std::vector<std::string>{});

  // The load path refuses the same way.
  r = oltap(
      {"load", workload("kv-cache.yaml"), "--target", redis_uri(std::string(kUser) + ":" + kWrongPassword)});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, kWrongPassword)) << r.describe();

  // The right one gets in (AUTH user password), and is not written either.
  r = run(redis_uri(std::string(kUser) + ":" + kRightPassword));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, kRightPassword)) << r.describe();
  EXPECT_EQ(files_containing(dir_.path() / "results", kRightPassword), std::vector<std::string>{});
}

TEST_F(RedisErrors, ADatabaseOutOfRangeIsExit3) {
  CmdResult r = run(redis_uri("", 100000));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "database")) << r.describe();
}

TEST_F(RedisErrors, AnSqlOnlyWorkloadIsExit2) {
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", redis_uri(), "--transactions", "1",
                       "--out", (dir_ / "results").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "redis")) << r.describe();
}

TEST_F(RedisErrors, PipelineNeedsOneCommandTransactionsAndAPositiveDepth) {
  write_file(dir_ / "two.yaml", R"(name: redis-two
transactions:
  - name: two
    steps:
      - redis: [INCR, "it:a"]
      - redis: [INCR, "it:b"]
)");
  CmdResult r = oltap({"run", (dir_ / "two.yaml").string(), "--target", redis_uri(), "--transactions", "16",
                       "--pipeline", "16", "--out", (dir_ / "results").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--pipeline")) << r.describe();

  r = run(redis_uri(), {"--pipeline", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
}

}  // namespace
