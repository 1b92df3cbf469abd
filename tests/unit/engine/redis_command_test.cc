// The Redis driver's server-free parts (engine/redis/redis_command.h):
// command templates, reply mapping, error classes, key globs; and that an
// unreachable server is an kUnreachable Error naming the target.
#include "engine/redis/redis_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace oltap;
using namespace oltap::engine;
using namespace oltap::engine::redis;

namespace {

std::vector<std::string> built(CommandTemplate& c, const std::vector<const Value*>& params) {
  c.build(params.data());
  std::vector<std::string> out;
  for (int i = 0; i < c.argc(); ++i) out.emplace_back(c.argv()[i], c.argvlen()[i]);
  return out;
}

redisReply reply_of(int type) {
  redisReply r{};
  r.type = type;
  return r;
}

redisReply text_reply(int type, const char* s) {
  redisReply r = reply_of(type);
  r.str = const_cast<char*>(s);
  r.len = std::char_traits<char>::length(s);
  return r;
}

TEST(CommandTemplate, NamesParametersInOrderOfFirstUse) {
  std::vector<std::string> names = {"stale"};
  CommandTemplate c({"HSET", "user:{id}", "{field}", "{id}-{value}"}, names);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "field", "value"}));
}

TEST(CommandTemplate, BuildsNumbersTextAndNullAsArguments) {
  std::vector<std::string> names;
  CommandTemplate c({"SET", "key:{k}", "{v}", "EX", "{ttl}"}, names);
  ASSERT_EQ(names, (std::vector<std::string>{"k", "v", "ttl"}));
  Value k = Value::of_int(42), v = Value::of_text("hello world"), ttl = Value::of_double(1.5);
  EXPECT_EQ(built(c, {&k, &v, &ttl}),
            (std::vector<std::string>{"SET", "key:42", "hello world", "EX", "1.5"}));
  Value null;
  EXPECT_EQ(built(c, {&null, &null, &null}), (std::vector<std::string>{"SET", "key:", "", "EX", ""}));
}

TEST(CommandTemplate, ALoneTextParameterIsPassedWithoutACopy) {
  std::vector<std::string> names;
  CommandTemplate c({"SET", "k", "{v}"}, names);
  Value v = Value::of_text(std::string(200, 'x'));
  const Value* p[] = {&v};
  c.build(p);
  EXPECT_EQ(c.argv()[2], v.s.data());
  EXPECT_EQ(c.argvlen()[2], 200u);
}

TEST(CommandTemplate, RebuildingReusesTheArgumentBuffer) {
  std::vector<std::string> names;
  CommandTemplate c({"GET", "key:{k}:{k}"}, names);
  ASSERT_EQ(names.size(), 1u);
  Value k = Value::of_int(1234567890123);
  const Value* p[] = {&k};
  c.build(p);
  const char* buffer = c.argv()[1];
  k.set_int(7);
  c.build(p);
  EXPECT_EQ(c.argv()[1], buffer);  // grown once, then reused: no allocation per command
  EXPECT_EQ(std::string(c.argv()[1], c.argvlen()[1]), "key:7:7");
}

TEST(CommandTemplate, FormatsTheWireProtocol) {
  std::vector<std::string> names;
  CommandTemplate c({"SET", "key:{k}", "{v}"}, names);
  Value k = Value::of_int(12), v = Value::of_text("a\r\nb");
  const Value* p[] = {&k, &v};
  EXPECT_EQ(c.format(p), "*3\r\n$3\r\nSET\r\n$6\r\nkey:12\r\n$4\r\na\r\nb\r\n");
  // Same text from hiredis's own formatter.
  char* ref = nullptr;
  int n = redisFormatCommandArgv(&ref, c.argc(), c.argv(), c.argvlen());
  EXPECT_EQ(c.format(p), std::string(ref, n));
  redisFreeCommand(ref);
}

TEST(CommandTemplate, LiteralBracesAndBadTemplates) {
  std::vector<std::string> names;
  CommandTemplate c({"SET", "{{x}}", "{v}"}, names);
  Value v = Value::of_int(1);
  EXPECT_EQ(built(c, {&v}), (std::vector<std::string>{"SET", "{x}", "1"}));
  try {
    CommandTemplate bad({"GET", "key:{k"}, names);
    FAIL() << "an unclosed brace was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  }
  EXPECT_THROW(CommandTemplate({}, names), Error);
}

TEST(StatusOfError, BusyLoadingTryagainAndExecabortAreRetryable) {
  EXPECT_EQ(status_of_error("BUSY Redis is busy running a script."), Status::kRetryable);
  EXPECT_EQ(status_of_error("LOADING Redis is loading the dataset in memory"), Status::kRetryable);
  EXPECT_EQ(status_of_error("TRYAGAIN Multiple keys request during rehashing of slot"), Status::kRetryable);
  EXPECT_EQ(status_of_error("EXECABORT Transaction discarded because of previous errors."),
            Status::kRetryable);
  EXPECT_EQ(status_of_error("BUSY"), Status::kRetryable);
}

TEST(StatusOfError, OtherErrorsAreFatal) {
  EXPECT_EQ(status_of_error("BUSYGROUP Consumer Group name already exists"), Status::kFatal);
  EXPECT_EQ(status_of_error("WRONGTYPE Operation against a key holding the wrong kind of value"),
            Status::kFatal);
  EXPECT_EQ(status_of_error("ERR unknown command 'FOO'"), Status::kFatal);
  EXPECT_EQ(status_of_error(""), Status::kFatal);
}

TEST(FillResult, NilIsNoRows) {
  ResultBuffer out;
  out.rows = 5;
  fill_result(reply_of(REDIS_REPLY_NIL), out, 1);
  EXPECT_EQ(out.rows, 0);
  EXPECT_EQ(out.columns, 0);
}

TEST(FillResult, StringStatusAndIntegerAreOneCell) {
  ResultBuffer out;
  fill_result(text_reply(REDIS_REPLY_STRING, "abc"), out, 1);
  ASSERT_EQ(out.rows, 1);
  ASSERT_EQ(out.columns, 1);
  EXPECT_EQ(out.at(0, 0).kind, Value::Kind::kText);
  EXPECT_EQ(out.at(0, 0).s, "abc");

  fill_result(text_reply(REDIS_REPLY_STATUS, "OK"), out, 1);
  EXPECT_EQ(out.at(0, 0).s, "OK");

  redisReply i = reply_of(REDIS_REPLY_INTEGER);
  i.integer = -17;
  fill_result(i, out, 1);
  ASSERT_EQ(out.rows, 1);
  EXPECT_EQ(out.at(0, 0).kind, Value::Kind::kInt);
  EXPECT_EQ(out.at(0, 0).i, -17);
  EXPECT_EQ(out.affected, -17);
}

TEST(FillResult, AnArrayIsOneRowOfItsElements) {
  redisReply a = text_reply(REDIS_REPLY_STRING, "alice");
  redisReply b = reply_of(REDIS_REPLY_NIL);
  redisReply c = reply_of(REDIS_REPLY_INTEGER);
  c.integer = 3;
  redisReply* elements[] = {&a, &b, &c};
  redisReply arr = reply_of(REDIS_REPLY_ARRAY);
  arr.elements = 3;
  arr.element = elements;
  ResultBuffer out;
  fill_result(arr, out, 1);
  ASSERT_EQ(out.rows, 1);
  ASSERT_EQ(out.columns, 3);
  EXPECT_EQ(out.at(0, 0).s, "alice");
  EXPECT_EQ(out.at(0, 1).kind, Value::Kind::kNull);
  EXPECT_EQ(out.at(0, 2).i, 3);

  redisReply empty = reply_of(REDIS_REPLY_ARRAY);
  fill_result(empty, out, 1);
  EXPECT_EQ(out.rows, 0);
}

TEST(FillResult, KeepingNoRowsTouchesNoCells) {
  ResultBuffer out;
  fill_result(text_reply(REDIS_REPLY_STRING, "abc"), out, 0);
  EXPECT_EQ(out.rows, 1);
  EXPECT_TRUE(out.cells.empty());
}

TEST(ReplyText, IntegersAsDigitsNilAsEmptyArraysByFirstElement) {
  redisReply i = reply_of(REDIS_REPLY_INTEGER);
  i.integer = 100000;
  EXPECT_EQ(reply_text(i), "100000");
  EXPECT_EQ(reply_text(reply_of(REDIS_REPLY_NIL)), "");
  redisReply s = text_reply(REDIS_REPLY_STRING, "v");
  redisReply* elements[] = {&s};
  redisReply arr = reply_of(REDIS_REPLY_ARRAY);
  arr.elements = 1;
  arr.element = elements;
  EXPECT_EQ(reply_text(arr), "v");
}

TEST(KeyGlob, PlaceholdersBecomeStarsAndGlobCharactersAreEscaped) {
  EXPECT_EQ(key_glob("user:{id}"), "user:*");
  EXPECT_EQ(key_glob("t:{a}:{b}"), "t:*:*");
  EXPECT_EQ(key_glob("a*{x}[y]?\\"), "a\\**\\[y\\]\\?\\\\");
  EXPECT_EQ(key_glob("fixed"), "fixed");
}

TEST(SplitCommand, SplitsOnSpacesAndTabs) {
  EXPECT_EQ(split_command("  INFO\tserver  "), (std::vector<std::string>{"INFO", "server"}));
  EXPECT_TRUE(split_command("   ").empty());
}

TEST(RedisConnect, AClosedPortIsUnreachableAndNamesTheTarget) {
  // Port 1 on the loopback: nothing listens there, the refusal is immediate.
  Target t = parse_target("redis://someone:sekrit-pass@127.0.0.1:1/2");
  try {
    oltap::engine::connect(t);
    FAIL() << "connected to a closed port";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kUnreachable);
    EXPECT_NE(std::string(e.what()).find(t.redacted()), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("sekrit-pass"), std::string::npos) << e.what();
  }
}

}  // namespace
