// Expressions of workload files, compiled to a postfix program so that
// evaluation walks an array with a fixed-size stack: no allocation for
// numeric results, which keeps them usable on the per-transaction path.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "workload.h"

namespace oltap::workload {
namespace {

// Deeper nesting than this is refused when parsing, so eval's stack is fixed.
constexpr int kMaxStackDepth = 32;
// Parentheses, unary operators and function calls recurse in the parser and
// need no stack slot; deeper than this is refused, so a broken file gets an
// error rather than a stack overflow.
constexpr int kMaxNesting = 256;

enum class Op : uint8_t {
  kPushConst,
  kPushSlot,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kNeg,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kNot,
  kMin,
  kMax,
  kAbs,
  kFloor,  // floor(x), round(x): an integer, for keys computed at fractional scales
  kRound,
  kIf  // if(c, a, b): pops three
};

struct Instr {
  Op op;
  int arg = 0;  // constant index, slot, or name index before resolve()
};

// A stack cell: a number, or a reference to text held by a constant or slot.
// Trivial on purpose, so eval's stack costs nothing to set up: every cell is
// written whole (by cell_of, int_cell, real_cell, null_cell) before it is read.
struct Cell {
  bool is_int;
  bool is_text;
  bool is_null;
  int64_t i;
  double d;
  const std::string* s;
  double num() const { return is_int ? static_cast<double>(i) : d; }
};

constexpr Cell kIntZero{true, false, false, 0, 0, nullptr};

Cell cell_of(const Value& v) {
  Cell c = kIntZero;
  switch (v.kind) {
    case Value::Kind::kInt:
      c.i = v.i;
      break;
    case Value::Kind::kDouble:
      c.is_int = false;
      c.d = v.d;
      break;
    case Value::Kind::kText:
      c.is_text = true;
      c.s = &v.s;
      break;
    case Value::Kind::kNull:
      c.is_null = true;
      break;
  }
  return c;
}

Cell int_cell(int64_t v) {
  Cell c = kIntZero;
  c.i = v;
  return c;
}
Cell real_cell(double v) {
  Cell c = kIntZero;
  c.is_int = false;
  c.d = v;
  return c;
}
Cell null_cell() {
  Cell c = kIntZero;
  c.is_null = true;
  return c;
}

// Integer arithmetic whose result does not fit in 64 bits gives null, as a
// division by zero does: never a wrapped value, never undefined behaviour.
Cell int_add(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? null_cell() : int_cell(r);
}
Cell int_sub(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_sub_overflow(a, b, &r) ? null_cell() : int_cell(r);
}
Cell int_mul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? null_cell() : int_cell(r);
}
// INT64_MIN / -1 is 2^63: out of range. Division by zero: null.
Cell int_div(int64_t a, int64_t b) {
  if (b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min())) return null_cell();
  return int_cell(a / b);
}
// x % -1 is 0 for every x (INT64_MIN % -1 too, which C++ leaves undefined).
Cell int_mod(int64_t a, int64_t b) {
  if (b == 0) return null_cell();
  return int_cell(b == -1 ? 0 : a % b);
}
Cell int_neg(int64_t a) { return a == std::numeric_limits<int64_t>::min() ? null_cell() : int_cell(-a); }
// A real number made an integer (floor, round): null when it is not finite
// or lies outside the 64-bit range.
Cell int_of_real(double x) {
  // 2^63 exactly; every double below it converts.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(x >= -kLimit && x < kLimit)) return null_cell();
  return int_cell(static_cast<int64_t>(x));
}

int compare(const Cell& a, const Cell& b) {
  if (a.is_text && b.is_text) {
    int r = a.s->compare(*b.s);
    return (r > 0) - (r < 0);
  }
  if (a.is_int && b.is_int && !a.is_text && !b.is_text) return (a.i > b.i) - (a.i < b.i);
  double x = a.is_text ? std::strtod(a.s->c_str(), nullptr) : a.num();
  double y = b.is_text ? std::strtod(b.s->c_str(), nullptr) : b.num();
  return (x > y) - (x < y);
}

bool truthy(const Cell& c) {
  if (c.is_null) return false;
  if (c.is_text) return !c.s->empty();
  return c.is_int ? c.i != 0 : c.d != 0;
}

}  // namespace

struct Expr::Impl {
  std::string text;
  Mark mark;
  std::vector<Instr> code;
  std::vector<Value> constants;
  std::vector<std::string> names;  // kPushSlot args index this
  std::vector<int> slot_map;       // name index -> slot, set by resolve()
  bool resolved = false;
};

namespace {

class Parser {
 public:
  Parser(std::string_view text, const Mark& mark, Expr::Impl& out) : t_(text), mark_(mark), out_(out) {}

  void parse() {
    parse_or();
    skip_ws();
    if (pos_ < t_.size()) fail("unexpected '" + std::string(1, t_[pos_]) + "'");
  }

 private:
  std::string_view t_;
  Mark mark_;
  Expr::Impl& out_;
  size_t pos_ = 0;
  int depth_ = 0;
  int nesting_ = 0;  // parse_not/parse_unary calls under way

  [[noreturn]] void fail(const std::string& msg) {
    Mark m = mark_;
    m.column += static_cast<int>(pos_);
    throw error_at(m, "in expression '" + std::string(t_) + "': " + msg);
  }
  void emit(Op op, int arg = 0) {
    out_.code.push_back({op, arg});
    switch (op) {
      case Op::kPushConst:
      case Op::kPushSlot:
        if (++depth_ > kMaxStackDepth) fail("expression nests too deeply");
        break;
      case Op::kNeg:
      case Op::kNot:
      case Op::kAbs:
      case Op::kFloor:
      case Op::kRound:
        break;
      case Op::kIf:
        depth_ -= 2;
        break;
      default:
        --depth_;
        break;
    }
  }
  void skip_ws() {
    while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip_ws();
    if (t_.substr(pos_, tok.size()) != tok) return false;
    // Keywords must not run into a following name character.
    if (std::isalpha(static_cast<unsigned char>(tok[0])) && pos_ + tok.size() < t_.size() &&
        (std::isalnum(static_cast<unsigned char>(t_[pos_ + tok.size()])) || t_[pos_ + tok.size()] == '_'))
      return false;
    pos_ += tok.size();
    return true;
  }
  void parse_or() {
    parse_and();
    while (eat("or")) {
      parse_and();
      emit(Op::kOr);
    }
  }
  void parse_and() {
    parse_not();
    while (eat("and")) {
      parse_not();
      emit(Op::kAnd);
    }
  }
  void parse_not() {
    if (++nesting_ > kMaxNesting) fail("expression nests too deeply");
    if (eat("not")) {
      parse_not();
      emit(Op::kNot);
    } else {
      parse_cmp();
    }
    --nesting_;
  }
  void parse_cmp() {
    parse_add();
    static const std::pair<std::string_view, Op> ops[] = {{"==", Op::kEq}, {"!=", Op::kNe}, {"<>", Op::kNe},
                                                          {"<=", Op::kLe}, {">=", Op::kGe}, {"=", Op::kEq},
                                                          {"<", Op::kLt},  {">", Op::kGt}};
    for (auto& [tok, op] : ops) {
      if (eat(tok)) {
        parse_add();
        emit(op);
        return;
      }
    }
  }
  void parse_add() {
    parse_mul();
    while (true) {
      if (eat("+")) {
        parse_mul();
        emit(Op::kAdd);
      } else if (eat("-")) {
        parse_mul();
        emit(Op::kSub);
      } else {
        return;
      }
    }
  }
  void parse_mul() {
    parse_unary();
    while (true) {
      if (eat("*")) {
        parse_unary();
        emit(Op::kMul);
      } else if (eat("/")) {
        parse_unary();
        emit(Op::kDiv);
      } else if (eat("%")) {
        parse_unary();
        emit(Op::kMod);
      } else {
        return;
      }
    }
  }
  void parse_unary() {
    if (++nesting_ > kMaxNesting) fail("expression nests too deeply");
    if (eat("-")) {
      parse_unary();
      emit(Op::kNeg);
    } else if (eat("+")) {
      parse_unary();
    } else {
      parse_primary();
    }
    --nesting_;
  }
  void push_const(Value v) {
    out_.constants.push_back(std::move(v));
    emit(Op::kPushConst, static_cast<int>(out_.constants.size() - 1));
  }
  void parse_primary() {
    skip_ws();
    if (pos_ >= t_.size()) fail("expected a value at the end");
    char c = t_[pos_];
    if (c == '(') {
      ++pos_;
      parse_or();
      if (!eat(")")) fail("missing ')'");
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t start = pos_;
      bool real = false;
      while (pos_ < t_.size() && (std::isdigit(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '.' ||
                                  t_[pos_] == 'e' || t_[pos_] == 'E' || t_[pos_] == '_')) {
        if (t_[pos_] == '.' || t_[pos_] == 'e' || t_[pos_] == 'E') real = true;
        ++pos_;
      }
      std::string num;
      for (char ch : t_.substr(start, pos_ - start))
        if (ch != '_') num += ch;
      if (real) {
        double d = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), d);
        if (r.ec != std::errc() || r.ptr != num.data() + num.size()) fail("bad number '" + num + "'");
        push_const(Value::of_double(d));
      } else {
        int64_t i = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), i);
        if (r.ec != std::errc() || r.ptr != num.data() + num.size()) fail("bad number '" + num + "'");
        push_const(Value::of_int(i));
      }
      return;
    }
    if (c == '\'' || c == '"') {
      size_t end = t_.find(c, pos_ + 1);
      if (end == std::string_view::npos) fail("unterminated text");
      push_const(Value::of_text(std::string(t_.substr(pos_ + 1, end - pos_ - 1))));
      pos_ = end + 1;
      return;
    }
    if (c == ':') ++pos_;  // `:name`, as in SQL, means the same as `name`
    if (pos_ < t_.size() && (std::isalpha(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_')) {
      size_t start = pos_;
      while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_'))
        ++pos_;
      std::string name(t_.substr(start, pos_ - start));
      if (eat("(")) {
        Op op;
        int want;
        if (name == "min")
          op = Op::kMin, want = 2;
        else if (name == "max")
          op = Op::kMax, want = 2;
        else if (name == "abs")
          op = Op::kAbs, want = 1;
        else if (name == "floor")
          op = Op::kFloor, want = 1;
        else if (name == "round")
          op = Op::kRound, want = 1;
        else if (name == "if")
          op = Op::kIf, want = 3;
        else
          fail("unknown function '" + name + "' (known: min, max, abs, floor, round, if)");
        int got = 0;
        if (!eat(")")) {
          do {
            parse_or();
            ++got;
          } while (eat(","));
          if (!eat(")")) fail("missing ')' after the arguments of " + name);
        }
        if (got != want)
          fail(name + " takes " + std::to_string(want) + " argument(s), got " + std::to_string(got));
        emit(op);
        return;
      }
      if (name == "true") return push_const(Value::of_int(1));
      if (name == "false") return push_const(Value::of_int(0));
      if (name == "null") return push_const(Value());
      int idx = -1;
      for (size_t k = 0; k < out_.names.size(); ++k)
        if (out_.names[k] == name) idx = static_cast<int>(k);
      if (idx < 0) {
        out_.names.push_back(name);
        idx = static_cast<int>(out_.names.size() - 1);
      }
      emit(Op::kPushSlot, idx);
      return;
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }
};

}  // namespace

Expr::Expr() : impl_(std::make_unique<Impl>()) {}
Expr::~Expr() = default;
Expr::Expr(const Expr& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Expr& Expr::operator=(const Expr& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;

Expr Expr::parse(std::string_view text, const Mark& mark) {
  Expr e;
  e.impl_->text = std::string(text);
  e.impl_->mark = mark;
  Parser(text, mark, *e.impl_).parse();
  if (e.impl_->names.empty()) e.impl_->resolved = true;
  return e;
}

Expr Expr::constant(Value v) {
  Expr e;
  e.impl_->text = v.to_string();
  e.impl_->constants.push_back(std::move(v));
  e.impl_->code.push_back({Op::kPushConst, 0});
  e.impl_->resolved = true;
  return e;
}

std::vector<std::string> Expr::names() const { return impl_->names; }
bool Expr::is_constant() const noexcept { return impl_->names.empty(); }

int Expr::as_slot() const noexcept {
  const Impl& im = *impl_;
  if (!im.resolved || im.code.size() != 1 || im.code[0].op != Op::kPushSlot) return -1;
  return im.slot_map[im.code[0].arg];
}
const std::string& Expr::text() const noexcept { return impl_->text; }
const Mark& Expr::mark() const noexcept { return impl_->mark; }

void Expr::resolve_impl(const std::function<int(const std::string&)>& slot_of) {
  std::vector<int> slots;
  for (const auto& n : impl_->names) {
    int s = slot_of(n);
    if (s < 0) throw error_at(impl_->mark, "unknown name '" + n + "' in expression '" + impl_->text + "'");
    slots.push_back(s);
  }
  // Instructions keep name indexes; slot_map turns them into slots, so an
  // Expr may be bound anew (the same data expression per table, say).
  impl_->slot_map = slots;
  impl_->resolved = true;
}

namespace {

// Runs the program; the result may point at text in slots or constants.
Cell run_program(const Expr::Impl& im, const Value* slots) noexcept {
  Cell stack[kMaxStackDepth + 1];
  int sp = 0;
  for (const Instr& ins : im.code) {
    switch (ins.op) {
      case Op::kPushConst:
        stack[sp++] = cell_of(im.constants[ins.arg]);
        break;
      case Op::kPushSlot:
        stack[sp++] = cell_of(slots[im.slot_map[ins.arg]]);
        break;
      case Op::kNeg: {
        Cell& a = stack[sp - 1];
        if (a.is_null) break;
        a = a.is_int && !a.is_text ? int_neg(a.i)
                                   : real_cell(-(a.is_text ? std::strtod(a.s->c_str(), nullptr) : a.d));
        break;
      }
      case Op::kNot:
        stack[sp - 1] = int_cell(!truthy(stack[sp - 1]));
        break;
      case Op::kAbs: {
        Cell& a = stack[sp - 1];
        if (!a.is_null)
          a = a.is_int && !a.is_text ? (a.i < 0 ? int_neg(a.i) : a) : real_cell(std::fabs(a.num()));
        break;
      }
      case Op::kFloor:
      case Op::kRound: {
        Cell& a = stack[sp - 1];
        if (a.is_null || (a.is_int && !a.is_text)) break;
        const double x = a.is_text ? std::strtod(a.s->c_str(), nullptr) : a.d;
        // Half away from zero, as SQL's ROUND.
        a = int_of_real(ins.op == Op::kFloor ? std::floor(x) : std::round(x));
        break;
      }
      case Op::kIf: {
        // Both branches were evaluated; keep the one the condition picks.
        sp -= 2;
        if (!truthy(stack[sp - 1]))
          stack[sp - 1] = stack[sp + 1];
        else
          stack[sp - 1] = stack[sp];
        break;
      }
      default: {
        Cell b = stack[--sp];
        Cell& a = stack[sp - 1];
        // Two integers, the usual case of generated data: one switch, no conversions.
        if (a.is_int && b.is_int && !(a.is_text | b.is_text | a.is_null | b.is_null)) {
          switch (ins.op) {
            case Op::kAdd:
              a = int_add(a.i, b.i);
              continue;
            case Op::kSub:
              a = int_sub(a.i, b.i);
              continue;
            case Op::kMul:
              a = int_mul(a.i, b.i);
              continue;
            case Op::kDiv:
              a = int_div(a.i, b.i);
              continue;
            case Op::kMod:
              a = int_mod(a.i, b.i);
              continue;
            case Op::kEq:
              a.i = a.i == b.i;
              continue;
            case Op::kNe:
              a.i = a.i != b.i;
              continue;
            case Op::kLt:
              a.i = a.i < b.i;
              continue;
            case Op::kLe:
              a.i = a.i <= b.i;
              continue;
            case Op::kGt:
              a.i = a.i > b.i;
              continue;
            case Op::kGe:
              a.i = a.i >= b.i;
              continue;
            default:
              break;  // the general path below
          }
        }
        switch (ins.op) {
          case Op::kAnd:
            a = int_cell(truthy(a) && truthy(b));
            continue;
          case Op::kOr:
            a = int_cell(truthy(a) || truthy(b));
            continue;
          case Op::kEq:
            a = int_cell(compare(a, b) == 0);
            continue;
          case Op::kNe:
            a = int_cell(compare(a, b) != 0);
            continue;
          case Op::kLt:
            a = int_cell(compare(a, b) < 0);
            continue;
          case Op::kLe:
            a = int_cell(compare(a, b) <= 0);
            continue;
          case Op::kGt:
            a = int_cell(compare(a, b) > 0);
            continue;
          case Op::kGe:
            a = int_cell(compare(a, b) >= 0);
            continue;
          case Op::kMin:
            if (compare(b, a) < 0) a = b;
            continue;
          case Op::kMax:
            if (compare(b, a) > 0) a = b;
            continue;
          default:
            break;
        }
        if (a.is_null || b.is_null) {
          a = null_cell();
          continue;
        }
        if (a.is_text) a = real_cell(std::strtod(a.s->c_str(), nullptr));
        if (b.is_text) b = real_cell(std::strtod(b.s->c_str(), nullptr));
        bool ints = a.is_int && b.is_int;
        switch (ins.op) {
          case Op::kAdd:
            a = ints ? int_add(a.i, b.i) : real_cell(a.num() + b.num());
            break;
          case Op::kSub:
            a = ints ? int_sub(a.i, b.i) : real_cell(a.num() - b.num());
            break;
          case Op::kMul:
            a = ints ? int_mul(a.i, b.i) : real_cell(a.num() * b.num());
            break;
          case Op::kDiv:
            if (ints)
              a = int_div(a.i, b.i);
            else
              a = b.num() == 0 ? null_cell() : real_cell(a.num() / b.num());
            break;
          case Op::kMod:
            if (ints)
              a = int_mod(a.i, b.i);
            else
              a = b.num() == 0 ? null_cell() : real_cell(std::fmod(a.num(), b.num()));
            break;
          default:
            break;
        }
      }
    }
  }
  return stack[0];
}

}  // namespace

Value Expr::eval(const Value* slots) const noexcept {
  const Cell r = run_program(*impl_, slots);
  if (r.is_null) return Value();
  if (r.is_text) return Value::of_text(*r.s);
  return r.is_int ? Value::of_int(r.i) : Value::of_double(r.d);
}

void Expr::eval_into(const Value* slots, Value& out) const noexcept {
  const Cell r = run_program(*impl_, slots);
  if (r.is_null) {
    out.set_null();
  } else if (r.is_text) {
    // The result may be out itself (`x: x`); assigning a string to itself is safe.
    out.kind = Value::Kind::kText;
    out.s.assign(*r.s);
  } else if (r.is_int) {
    out.set_int(r.i);
  } else {
    out.kind = Value::Kind::kDouble;
    out.d = r.d;
  }
}

Value eval_with(const Expr& e, const std::map<std::string, Value>& names) {
  std::vector<Value> slots;
  Expr bound = e;
  bound.resolve([&](const std::string& n) {
    auto it = names.find(n);
    if (it == names.end()) return -1;
    slots.push_back(it->second);
    return static_cast<int>(slots.size() - 1);
  });
  return bound.eval(slots.data());
}

}  // namespace oltap::workload
