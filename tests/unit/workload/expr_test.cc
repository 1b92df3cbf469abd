// Pins down workload expressions: integer arithmetic stays integer (division
// truncates), a real operand makes the result real, precedence and
// associativity are the usual ones, comparisons and logic give 0/1, a
// division by zero gives null, and bad input is refused at its column.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

const Mark kMark{"w.yaml", 4, 10};

// Evaluates a constant expression.
Value eval(const std::string& text) { return eval_with(Expr::parse(text, kMark), {}); }

int64_t eval_int(const std::string& text) {
  Value v = eval(text);
  EXPECT_EQ(v.kind, Value::Kind::kInt) << text << " gave " << v.to_string();
  return v.i;
}

double eval_real(const std::string& text) {
  Value v = eval(text);
  EXPECT_EQ(v.kind, Value::Kind::kDouble) << text << " gave " << v.to_string();
  return v.d;
}

// The message of the error parsing text throws, or "" when it parses.
std::string parse_error(const std::string& text) {
  try {
    Expr::parse(text, kMark);
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    return e.what();
  }
  return "";
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// ---------------------------------------------------------------- arithmetic

TEST(Expr, IntegerArithmeticStaysInteger) {
  EXPECT_EQ(eval_int("2 + 3"), 5);
  EXPECT_EQ(eval_int("2 - 5"), -3);
  EXPECT_EQ(eval_int("6 * 7"), 42);
  EXPECT_EQ(eval_int("100000 * 3"), 300000);
}

// Found by fuzzing (fuzz/corpus/expr/regression-*): integer results outside
// 64 bits were undefined behaviour (signed overflow, INT64_MIN / -1, a real
// out of range made an integer); they are null now, as a division by zero.
TEST(Expr, IntegerOverflowGivesNull) {
  for (const char* text :
       {"9223372036854775807 + 1", "-9223372036854775807 - 2", "4294967296 * 4294967296",
        "(-9223372036854775807 - 1) / -1", "-(-9223372036854775807 - 1)", "abs(-9223372036854775807 - 1)",
        "floor(1e19)", "round(-1e300)", "floor(1e308 * 10)", "round(0.0 / 0.0 + 1e308 * 10 - 1e308 * 10)"})
    EXPECT_EQ(eval(text).kind, Value::Kind::kNull) << text << " gave " << eval(text).to_string();
  EXPECT_EQ(eval_int("(-9223372036854775807 - 1) % -1"), 0);
  EXPECT_EQ(eval_int("9223372036854775806 + 1"), 9223372036854775807);
  EXPECT_EQ(eval_int("-9223372036854775807 - 1"), INT64_MIN);
  EXPECT_EQ(eval_int("floor(-9223372036854775808.0)"), INT64_MIN);
  EXPECT_EQ(eval_int("abs(-9223372036854775807)"), 9223372036854775807);
  // Through slots too (the generator's path), and the overflow's null goes on as null.
  Expr e = Expr::parse("x * 2 + 1", kMark);
  std::vector<Value> slots = {Value::of_int(INT64_MAX / 2 + 1)};
  e.resolve([](const std::string&) { return 0; });
  EXPECT_EQ(e.eval(slots.data()).kind, Value::Kind::kNull);
}

TEST(Expr, IntegerDivisionTruncates) {
  EXPECT_EQ(eval_int("7 / 2"), 3);
  EXPECT_EQ(eval_int("(250 - 1) / 100 + 1"), 3);
  EXPECT_EQ(eval_int("-7 / 2"), -3);  // toward zero, as C and SQL do
}

TEST(Expr, IntegerModulo) {
  EXPECT_EQ(eval_int("7 % 3"), 1);
  EXPECT_EQ(eval_int("9 % 3"), 0);
  EXPECT_EQ(eval_int("-7 % 3"), -1);
}

TEST(Expr, RealOperandMakesTheResultReal) {
  EXPECT_DOUBLE_EQ(eval_real("7 / 2.0"), 3.5);
  EXPECT_DOUBLE_EQ(eval_real("7.0 / 2"), 3.5);
  EXPECT_DOUBLE_EQ(eval_real("1.5 + 1"), 2.5);
  EXPECT_DOUBLE_EQ(eval_real("2 * 0.25"), 0.5);
  EXPECT_DOUBLE_EQ(eval_real("7.5 % 2"), 1.5);
  EXPECT_DOUBLE_EQ(eval_real("1e3"), 1000);
}

TEST(Expr, UnderscoresSeparateDigits) { EXPECT_EQ(eval_int("1_000_000"), 1000000); }

TEST(Expr, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(eval_int("2 + 3 * 4"), 14);
  EXPECT_EQ(eval_int("2 * 3 + 4"), 10);
  EXPECT_EQ(eval_int("10 - 6 / 2"), 7);
  EXPECT_EQ(eval_int("1 + 7 % 4"), 4);
}

TEST(Expr, SameLevelOperatorsAssociateLeft) {
  EXPECT_EQ(eval_int("10 - 3 - 2"), 5);
  EXPECT_EQ(eval_int("100 / 10 / 5"), 2);
  EXPECT_EQ(eval_int("2 * 9 % 4"), 2);
}

TEST(Expr, ParenthesesOverridePrecedence) {
  EXPECT_EQ(eval_int("(2 + 3) * 4"), 20);
  EXPECT_EQ(eval_int("10 - (3 - 2)"), 9);
  EXPECT_EQ(eval_int("((((1))))"), 1);
}

TEST(Expr, UnaryMinusAndPlus) {
  EXPECT_EQ(eval_int("-5"), -5);
  EXPECT_EQ(eval_int("- -5"), 5);
  EXPECT_EQ(eval_int("-(2 + 3)"), -5);
  EXPECT_EQ(eval_int("3 - -2"), 5);
  EXPECT_EQ(eval_int("-2 * 3"), -6);
  EXPECT_EQ(eval_int("+4"), 4);
  EXPECT_DOUBLE_EQ(eval_real("-2.5"), -2.5);
}

// ---------------------------------------------------------------- comparisons and logic

TEST(Expr, ComparisonsGiveOneOrZero) {
  EXPECT_EQ(eval_int("1 < 2"), 1);
  EXPECT_EQ(eval_int("2 < 1"), 0);
  EXPECT_EQ(eval_int("2 <= 2"), 1);
  EXPECT_EQ(eval_int("3 > 2"), 1);
  EXPECT_EQ(eval_int("2 >= 3"), 0);
  EXPECT_EQ(eval_int("2 = 2"), 1);
  EXPECT_EQ(eval_int("2 == 3"), 0);
  EXPECT_EQ(eval_int("2 != 3"), 1);
  EXPECT_EQ(eval_int("2 <> 2"), 0);
  EXPECT_EQ(eval_int("1 = 1.0"), 1);  // an integer equals the same real
  EXPECT_EQ(eval_int("1 < 1.5"), 1);
}

TEST(Expr, ComparisonBindsLooserThanArithmetic) {
  EXPECT_EQ(eval_int("1 + 1 = 2"), 1);
  EXPECT_EQ(eval_int("2 * 3 > 5"), 1);
}

TEST(Expr, AndOrNot) {
  EXPECT_EQ(eval_int("1 and 1"), 1);
  EXPECT_EQ(eval_int("1 and 0"), 0);
  EXPECT_EQ(eval_int("0 or 1"), 1);
  EXPECT_EQ(eval_int("0 or 0"), 0);
  EXPECT_EQ(eval_int("not 0"), 1);
  EXPECT_EQ(eval_int("not 5"), 0);
  EXPECT_EQ(eval_int("not not 5"), 1);
  EXPECT_EQ(eval_int("true and not false"), 1);
}

TEST(Expr, AndBindsTighterThanOr) {
  EXPECT_EQ(eval_int("1 or 0 and 0"), 1);
  EXPECT_EQ(eval_int("(1 or 0) and 0"), 0);
  EXPECT_EQ(eval_int("not 1 = 2"), 1);  // not (1 = 2)
  EXPECT_EQ(eval_int("1 < 2 and 3 < 2"), 0);
}

TEST(Expr, KeywordsAreWholeWords) {
  // "notes" is not `not es`, "order" not `or der`, "android" not `and roid`.
  Expr e = Expr::parse("notes + order * android", kMark);
  EXPECT_EQ(e.names(), (std::vector<std::string>{"notes", "order", "android"}));
}

// ---------------------------------------------------------------- functions

TEST(Expr, MinMaxAbs) {
  EXPECT_EQ(eval_int("min(3, 7)"), 3);
  EXPECT_EQ(eval_int("max(3, 7)"), 7);
  EXPECT_EQ(eval_int("min(-3, 2 - 7)"), -5);
  EXPECT_EQ(eval_int("abs(-4)"), 4);
  EXPECT_EQ(eval_int("abs(4)"), 4);
  EXPECT_DOUBLE_EQ(eval_real("abs(-2.5)"), 2.5);
  EXPECT_DOUBLE_EQ(eval_real("max(1, 1.5)"), 1.5);
  EXPECT_EQ(eval_int("max(min(10, 20), 5) * 2"), 20);
}

TEST(Expr, IfPicksABranchByTheCondition) {
  EXPECT_EQ(eval_int("if(1 < 2, 10, 20)"), 10);
  EXPECT_EQ(eval_int("if(1 > 2, 10, 20)"), 20);
  EXPECT_EQ(eval_int("if(0, 1, if(1, 2, 3)) + 1"), 3);
  EXPECT_EQ(eval("if('', 'a', 'b')").s, "b");
  std::string msg = parse_error("if(1, 2)");
  EXPECT_NE(msg.find("if takes 3 argument(s), got 2"), std::string::npos) << msg;
}

TEST(Expr, UnknownFunctionListsTheKnownOnes) {
  std::string msg = parse_error("sqrt(4)");
  EXPECT_NE(msg.find("unknown function 'sqrt'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("min, max, abs, floor, round, if"), std::string::npos) << msg;
}

TEST(Expr, FunctionWithWrongArgumentCount) {
  std::string msg = parse_error("min(1)");
  EXPECT_NE(msg.find("min takes 2 argument(s), got 1"), std::string::npos) << msg;
  msg = parse_error("abs()");
  EXPECT_NE(msg.find("abs takes 1 argument(s), got 0"), std::string::npos) << msg;
  msg = parse_error("abs(1, 2)");
  EXPECT_NE(msg.find("abs takes 1 argument(s), got 2"), std::string::npos) << msg;
}

// ---------------------------------------------------------------- text

TEST(Expr, TextComparesAsText) {
  EXPECT_EQ(eval_int("'abc' = 'abc'"), 1);
  EXPECT_EQ(eval_int("'abc' = \"abd\""), 0);
  EXPECT_EQ(eval_int("'abc' < 'abd'"), 1);
  EXPECT_EQ(eval_int("'b' > 'abc'"), 1);  // lexicographic, not by length
}

TEST(Expr, TextAgainstANumberComparesAsANumber) {
  std::map<std::string, Value> names = {{"t", Value::of_text("10")}};
  EXPECT_EQ(eval_with(Expr::parse("t = 10", kMark), names).i, 1);
  EXPECT_EQ(eval_with(Expr::parse("t > 9", kMark), names).i, 1);  // as text "10" < "9"
}

TEST(Expr, TextConstantEvaluatesToText) {
  Value v = eval("'hello'");
  EXPECT_EQ(v.kind, Value::Kind::kText);
  EXPECT_EQ(v.s, "hello");
}

TEST(Expr, UnterminatedTextIsRefused) {
  std::string msg = parse_error("'abc");
  EXPECT_NE(msg.find("unterminated text"), std::string::npos) << msg;
}

// ---------------------------------------------------------------- null

TEST(Expr, DivisionByZeroGivesNull) {
  EXPECT_EQ(eval("1 / 0").kind, Value::Kind::kNull);
  EXPECT_EQ(eval("1 % 0").kind, Value::Kind::kNull);
  EXPECT_EQ(eval("1.5 / 0").kind, Value::Kind::kNull);
  EXPECT_EQ(eval("1 / 0.0").kind, Value::Kind::kNull);
}

TEST(Expr, NullPropagatesThroughArithmetic) {
  EXPECT_EQ(eval("1 / 0 + 1").kind, Value::Kind::kNull);
  EXPECT_EQ(eval("-(1 / 0)").kind, Value::Kind::kNull);
  EXPECT_EQ(eval("abs(1 / 0)").kind, Value::Kind::kNull);
  EXPECT_EQ(eval_int("not (1 / 0)"), 1);  // null is false
}

// ---------------------------------------------------------------- names

TEST(Expr, NamesAreListedInOrderOfFirstUse) {
  Expr e = Expr::parse("b * a + b - c", kMark);
  EXPECT_EQ(e.names(), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_FALSE(e.is_constant());
  EXPECT_TRUE(Expr::parse("1 + 2", kMark).is_constant());
}

TEST(Expr, ColonNameMeansTheSameAsName) {
  Expr e = Expr::parse(":aid + aid", kMark);
  EXPECT_EQ(e.names(), (std::vector<std::string>{"aid"}));
  EXPECT_EQ(eval_with(e, {{"aid", Value::of_int(21)}}).i, 42);
}

TEST(Expr, ResolveBindsNamesToSlots) {
  Expr e = Expr::parse("(aid - 1) / 100000 + 1 + bonus", kMark);
  e.resolve([](const std::string& n) { return n == "aid" ? 2 : n == "bonus" ? 0 : -1; });
  std::vector<Value> slots = {Value::of_int(10), Value::of_int(999), Value::of_int(250001)};
  EXPECT_EQ(e.eval(slots.data()).i, 13);
  // Bound again to other slots, the same expression reads them.
  e.resolve([](const std::string& n) { return n == "aid" ? 0 : 1; });
  slots = {Value::of_int(100001), Value::of_int(0)};
  EXPECT_EQ(e.eval(slots.data()).i, 2);
}

TEST(Expr, ResolveRefusesAnUnknownNameAtTheMark) {
  Expr e = Expr::parse("10 * scal", kMark);
  try {
    e.resolve([](const std::string& n) { return n == "scale" ? 0 : -1; });
    FAIL() << "an unknown name was resolved";
  } catch (const Error& err) {
    std::string msg = err.what();
    EXPECT_EQ(err.error_class(), ErrorClass::kBadInput);
    EXPECT_TRUE(starts_with(msg, "w.yaml:4:10: ")) << msg;
    EXPECT_NE(msg.find("unknown name 'scal'"), std::string::npos) << msg;
  }
}

TEST(Expr, CopiesAreIndependent) {
  Expr a = Expr::parse("x + 1", kMark);
  Expr b = a;
  a.resolve([](const std::string&) { return 1; });
  b.resolve([](const std::string&) { return 0; });
  std::vector<Value> slots = {Value::of_int(10), Value::of_int(20)};
  EXPECT_EQ(a.eval(slots.data()).i, 21);
  EXPECT_EQ(b.eval(slots.data()).i, 11);
}

TEST(Expr, ConstantFromAValue) {
  Expr e = Expr::constant(Value::of_text("abc"));
  EXPECT_TRUE(e.is_constant());
  EXPECT_EQ(e.text(), "abc");
  EXPECT_EQ(e.eval(nullptr).s, "abc");
  EXPECT_EQ(Expr::constant(Value::of_int(7)).eval(nullptr).i, 7);
}

TEST(Expr, KeepsItsTextAndMark) {
  Expr e = Expr::parse("1 + scale", kMark);
  EXPECT_EQ(e.text(), "1 + scale");
  EXPECT_EQ(e.mark().line, 4);
  EXPECT_EQ(e.mark().column, 10);
}

// ---------------------------------------------------------------- errors

TEST(ExprErrors, PointAtTheColumnInsideTheText) {
  // kMark is column 10; the offending character's offset is added.
  std::string msg = parse_error("1 + * 2");
  EXPECT_TRUE(starts_with(msg, "w.yaml:4:14: ")) << msg;
  EXPECT_NE(msg.find("in expression '1 + * 2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unexpected '*'"), std::string::npos) << msg;

  msg = parse_error("1 2");
  EXPECT_TRUE(starts_with(msg, "w.yaml:4:12: ")) << msg;
  EXPECT_NE(msg.find("unexpected '2'"), std::string::npos) << msg;

  msg = parse_error("a # b");
  EXPECT_TRUE(starts_with(msg, "w.yaml:4:12: ")) << msg;
  EXPECT_NE(msg.find("unexpected '#'"), std::string::npos) << msg;
}

TEST(ExprErrors, MissingCloseParenthesis) {
  std::string msg = parse_error("(1 + 2");
  EXPECT_TRUE(starts_with(msg, "w.yaml:4:16: ")) << msg;
  EXPECT_NE(msg.find("missing ')'"), std::string::npos) << msg;
}

TEST(ExprErrors, ExpressionEndingEarly) {
  std::string msg = parse_error("1 +");
  EXPECT_TRUE(starts_with(msg, "w.yaml:4:13: ")) << msg;
  EXPECT_NE(msg.find("expected a value at the end"), std::string::npos) << msg;
  EXPECT_NE(parse_error("").find("expected a value"), std::string::npos);
}

TEST(ExprErrors, BadNumber) {
  std::string msg = parse_error("1.2.3 + 1");
  EXPECT_NE(msg.find("bad number '1.2.3'"), std::string::npos) << msg;
  msg = parse_error("99999999999999999999");
  EXPECT_NE(msg.find("bad number"), std::string::npos) << msg;
}

TEST(ExprErrors, TooDeepNestingIsRefused) {
  // Each pending '+' keeps one value on the stack: 40 of them exceed the limit.
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "1 + (";
  deep += "1";
  deep += std::string(40, ')');
  std::string msg = parse_error(deep);
  EXPECT_NE(msg.find("nests too deeply"), std::string::npos) << msg;
  EXPECT_TRUE(starts_with(msg, "w.yaml:4:")) << msg;
}

TEST(ExprErrors, HugeNestingIsRefusedNotACrash) {
  // Parentheses, unary operators and function calls recurse in the parser;
  // a hostile or broken file must get an error, not a stack overflow.
  const int n = 200000;
  for (const std::string& text : {std::string(n, '(') + "1" + std::string(n, ')'), std::string(n, '-') + "1",
                                  [&] {
                                    std::string t;
                                    for (int i = 0; i < n / 4; ++i) t += "not ";
                                    return t + "1";
                                  }(),
                                  [&] {
                                    std::string t;
                                    for (int i = 0; i < n / 4; ++i) t += "abs(";
                                    return t + "1" + std::string(n / 4, ')');
                                  }()}) {
    std::string msg = parse_error(text);
    EXPECT_NE(msg.find("nests too deeply"), std::string::npos) << msg.substr(0, 80);
  }
}

TEST(ExprErrors, ModerateNestingIsAccepted) {
  std::string nested;
  for (int i = 0; i < 20; ++i) nested += "1 + (";
  nested += "1";
  nested += std::string(20, ')');
  EXPECT_EQ(parse_error(nested), "");
  EXPECT_EQ(eval_int(nested), 21);
}

TEST(ExprErrors, DeepParenthesesAroundOneValueAreFine) {
  // Parentheses alone keep nothing on the stack.
  std::string text = std::string(100, '(') + "7" + std::string(100, ')');
  EXPECT_EQ(eval_int(text), 7);
}

// ---------------------------------------------------------------- eval_with

TEST(EvalWith, EvaluatesOverTheGivenNames) {
  Expr e = Expr::parse("100000 * scale", kMark);
  EXPECT_EQ(eval_with(e, {{"scale", Value::of_int(3)}}).i, 300000);
  Value half = eval_with(e, {{"scale", Value::of_double(0.5)}});
  EXPECT_EQ(half.kind, Value::Kind::kDouble);
  EXPECT_DOUBLE_EQ(half.d, 50000);
}

TEST(EvalWith, ExtraNamesAreAvailable) {
  Expr e = Expr::parse("w * 10 + scale", kMark);
  EXPECT_EQ(eval_with(e, {{"scale", Value::of_int(1)}, {"w", Value::of_int(4)}}).i, 41);
}

TEST(EvalWith, UnknownNameIsAnErrorAtTheExpression) {
  Expr e = Expr::parse("100 * warehouses", kMark);
  try {
    eval_with(e, {{"scale", Value::of_int(1)}});
    FAIL() << "an unknown name evaluated";
  } catch (const Error& err) {
    std::string msg = err.what();
    EXPECT_TRUE(starts_with(msg, "w.yaml:4:10: ")) << msg;
    EXPECT_NE(msg.find("unknown name 'warehouses'"), std::string::npos) << msg;
  }
}

TEST(EvalWith, LeavesTheExpressionUnbound) {
  Expr e = Expr::parse("x + 1", kMark);
  e.resolve([](const std::string&) { return 1; });
  EXPECT_EQ(eval_with(e, {{"x", Value::of_int(5)}}).i, 6);
  std::vector<Value> slots = {Value::of_int(0), Value::of_int(100)};
  EXPECT_EQ(e.eval(slots.data()).i, 101);  // still reads slot 1
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

TEST(Expr, FloorAndRoundGiveIntegers) {
  EXPECT_EQ(eval_int("floor(2.7)"), 2);
  EXPECT_EQ(eval_int("floor(-2.5)"), -3);
  EXPECT_EQ(eval_int("round(2.5)"), 3);  // half away from zero, as SQL rounds
  EXPECT_EQ(eval_int("round(-2.5)"), -3);
  EXPECT_EQ(eval_int("round(1500000 * 0.01)"), 15000);
  EXPECT_EQ(eval_int("floor(7)"), 7);  // an integer stays itself
  // Integer arithmetic at a fractional scale: keys computed from a rounded count.
  EXPECT_EQ(eval_int("(1999 - 1) / round(10000 * 0.01)"), 19);
  EXPECT_EQ(eval("floor(null)").kind, Value::Kind::kNull);
}

TEST(Expr, IntegerComparisonsAndDivisionByZeroOnTheFastPath) {
  EXPECT_EQ(eval_int("3 < 4"), 1);
  EXPECT_EQ(eval_int("4 <= 3"), 0);
  EXPECT_EQ(eval_int("5 <> 5"), 0);
  EXPECT_EQ(eval_int("-7 % 3"), -1);
  EXPECT_EQ(eval("7 / 0").kind, Value::Kind::kNull);
  EXPECT_EQ(eval("7 % 0").kind, Value::Kind::kNull);
  EXPECT_EQ(eval_int("2 + 3 * 4 - 10 / 3"), 11);
}

}  // namespace
}  // namespace oltap::workload
