// Row generation: the rows made from source row i of a data entry are a
// function of (seed, table, i's chunk), never of which job made them.
#include <cmath>
#include <ctime>
#include <set>

#include "datagen.h"

namespace oltap::datagen {
namespace {

// The fixed slots the expressions see, before the named ones (parse.cc).
constexpr int kScaleSlot = 0, kRowSlot = 1, kItemSlot = 2, kLoadTimeSlot = 3;

// FNV-1a: a keyed column's stream is named by its column name.
uint64_t name_hash(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Position x of a pseudo-random permutation of [0, n) chosen by key: a
// four-round Feistel network on the smallest even number of bits that holds
// n, walking the cycle until the value falls inside [0, n).
uint64_t permute(uint64_t x, uint64_t n, uint64_t key) {
  int half = 1;
  while ((uint64_t{1} << (2 * half)) < n) ++half;
  const uint64_t mask = (uint64_t{1} << half) - 1;
  do {
    uint64_t l = x >> half, r = x & mask;
    for (uint64_t round = 0; round < 4; ++round) {
      uint64_t f = oltap::workload::derive_seed(key, round, r) & mask;
      uint64_t next = l ^ f;
      l = r;
      r = next;
    }
    x = (l << half) | r;
  } while (x >= n);
  return x;
}

void copy_into(Value& to, const Value& from) {
  to.kind = from.kind;
  to.i = from.i;
  to.d = from.d;
  if (from.kind == Value::Kind::kText) to.s.assign(from.s);
}

// A format column's text: its literals and the names' values, numbers
// zero-padded to their width (after a minus sign).
void format(const workload::Column& col, const Value* slots, Value& v) {
  v.kind = Value::Kind::kText;
  v.s.clear();
  char buf[kMaxNumberText];
  for (const auto& part : col.format) {
    v.s += part.literal;
    if (part.slot < 0) continue;
    const Value& x = slots[part.slot];
    if (x.kind == Value::Kind::kText) {
      if (x.s.size() < static_cast<size_t>(part.width)) v.s.append(part.width - x.s.size(), '0');
      v.s += x.s;
      continue;
    }
    int n = x.to_text(buf, sizeof buf);
    if (n < 0) continue;  // NULL writes nothing
    const char* digits = buf;
    if (buf[0] == '-') {
      v.s += '-';
      ++digits;
      --n;
    }
    if (n < part.width) v.s.append(static_cast<size_t>(part.width - n), '0');
    v.s.append(digits, static_cast<size_t>(n));
  }
}

}  // namespace

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

TableGenerator::TableGenerator(const workload::TableData& data, double scale, uint64_t seed, int table_index,
                               std::string load_time)
    : data_(&data),
      scale_(workload::scale_value(scale)),
      seed_(seed),
      table_index_(table_index),
      load_time_(load_time.empty() ? utc_now() : std::move(load_time)) {
  Value n = data.rows.eval(&scale_);
  if (n.kind == Value::Kind::kNull || n.as_double() < 0)
    throw workload::error_at(data.rows.mark(), "rows of " + data.table + " must be 0 or more");
  // Rounded: 1500000 * scale is a count even when scale is 0.01.
  rows_ = std::llround(n.as_double());
  std::map<std::string, Value> names = {{"scale", scale_}};
  for (const auto& c : data.lets) made_.push_back(prepare(c, names));
  for (const auto& c : data.item_lets) made_.push_back(prepare(c, names));
  // With repeat, a column that depends only on the row (not on item, a
  // per-item let or draw) is the same for all the row's items: it is made
  // once per row. Unkeyed draws are made per item, as their stream expects.
  std::set<std::string> per_row = {"scale", "row", "load_time"};
  for (const auto& c : data.lets) per_row.insert(c.name);
  auto uses_only = [&](const workload::Expr& e) {
    for (const auto& n : e.names())
      if (!per_row.count(n)) return false;
    return true;
  };
  for (const auto& c : data.columns) {
    columns_.push_back(c.name);
    made_.push_back(prepare(c, names));
    using K = workload::Column::Kind;
    bool once = false;
    switch (c.kind) {
      case K::kSequence:
      case K::kNull:
        once = true;
        break;
      case K::kExpr:
      case K::kValues:
      case K::kDate:
        once = uses_only(c.expr);
        break;
      case K::kPermutation:
        once = uses_only(c.expr) && (!c.key || uses_only(*c.key));
        break;
      case K::kFormat:
        once = true;
        for (const auto& part : c.format) once = once && (part.name.empty() || per_row.count(part.name));
        break;
      case K::kDist:
      case K::kSum:
        break;
    }
    once = once && data.repeat;
    made_.back().per_row = once;
    if (once) per_row.insert(c.name);
  }
}

TableGenerator::Made TableGenerator::prepare(const workload::Column& c,
                                             const std::map<std::string, Value>& names) const {
  Made m;
  m.column = &c;
  if (c.kind == workload::Column::Kind::kDist) {
    // Data is generated with the load's NURand C (clause 2.1.6), runs with their own.
    const workload::DistSpec& nurand =
        c.dist.kind == workload::Distribution::Kind::kSyllables && !c.dist.inner.empty() ? c.dist.inner[0]
                                                                                         : c.dist;
    int64_t nurand_c = 0;
    if (nurand.kind == workload::Distribution::Kind::kNURand)
      nurand_c = workload::nurand_load_constant(workload::eval_with(nurand.args[0], names).as_int());
    m.dist = workload::make_distribution(c.dist, names, nurand_c);
  }
  if (c.kind == workload::Column::Kind::kExpr) {
    m.is_constant = c.expr.is_constant();
    if (m.is_constant) m.constant = c.expr.eval(nullptr);
    m.copy_of = c.expr.as_slot();
  }
  if (c.key || c.kind == workload::Column::Kind::kPermutation) m.key_stream = name_hash(c.name);
  if (c.key) m.key_slot = c.key->as_slot();
  if (c.kind == workload::Column::Kind::kPermutation) {
    m.lo = workload::eval_with(c.lo, names).as_int();
    m.count = workload::eval_with(c.hi, names).as_int() - m.lo + 1;
    if (m.count < 1) throw workload::error_at(c.mark, "permutation of " + c.name + " has no values");
  }
  for (const auto& l : c.sum_lets) m.inner.push_back(prepare(l, names));
  return m;
}

void TableGenerator::make(const Made& m, workload::Rng& chunk_rng, int64_t row, Value* slots,
                          Value& v) const {
  const workload::Column& col = *m.column;
  switch (col.kind) {
    case workload::Column::Kind::kSequence:
      v.set_int(col.seq_start + row);
      return;
    case workload::Column::Kind::kNull:
      v.set_null();
      return;
    case workload::Column::Kind::kExpr:
      if (m.is_constant) {
        copy_into(v, m.constant);
      } else if (m.copy_of >= 0) {
        copy_into(v, slots[m.copy_of]);
      } else {
        col.expr.eval_into(slots, v);
      }
      return;
    case workload::Column::Kind::kPermutation: {
      const uint64_t key = col.key ? static_cast<uint64_t>(col.key->eval(slots).as_int()) : 0;
      const int64_t at = col.expr.eval(slots).as_int() % m.count;
      v.set_int(m.lo + static_cast<int64_t>(permute(static_cast<uint64_t>(at < 0 ? at + m.count : at),
                                                    static_cast<uint64_t>(m.count),
                                                    workload::derive_seed(seed_, m.key_stream, key))));
      return;
    }
    case workload::Column::Kind::kValues: {
      const auto n = static_cast<int64_t>(col.values.size());
      int64_t at = col.expr.eval(slots).as_int() % n;
      copy_into(v, col.values[static_cast<size_t>(at < 0 ? at + n : at)]);
      return;
    }
    case workload::Column::Kind::kFormat:
      format(col, slots, v);
      return;
    case workload::Column::Kind::kDate: {
      const Value days = col.expr.eval(slots);
      if (days.kind == Value::Kind::kNull) {
        v.set_null();
        return;
      }
      v.kind = Value::Kind::kText;
      workload::write_date(col.date_from + days.as_int(), v.s);
      return;
    }
    case workload::Column::Kind::kSum: {
      // The items' values take the item slot for a while: a repeat's item is put back after.
      const Value count = col.count.eval(slots);
      const int64_t outer_item = slots[kItemSlot].i;
      int64_t isum = 0;
      double dsum = 0;
      bool real = false;
      for (int64_t item = 1; item <= count.as_int(); ++item) {
        slots[kItemSlot].set_int(item);
        for (const Made& in : m.inner) make(in, chunk_rng, row, slots, slots[in.column->slot]);
        const Value x = col.expr.eval(slots);
        if (x.kind == Value::Kind::kInt) {
          isum += x.i;
        } else if (x.kind != Value::Kind::kNull) {
          real = true;
          dsum += x.as_double();
        }
      }
      slots[kItemSlot].set_int(outer_item);
      if (real)
        v.set_double(dsum + static_cast<double>(isum));
      else
        v.set_int(isum);
      return;
    }
    case workload::Column::Kind::kDist:
      break;
  }
  if (col.dist.number) {
    m.dist.spell(col.dist.number->eval(slots).as_int(), v);
    return;
  }
  workload::SequenceCursor cur{row, 1};
  if (col.key) {
    const int64_t key = m.key_slot >= 0 ? slots[m.key_slot].as_int() : col.key->eval(slots).as_int();
    workload::Rng keyed(workload::derive_seed(seed_, m.key_stream, static_cast<uint64_t>(key)));
    m.dist.draw(keyed, cur, v);
  } else {
    m.dist.draw(chunk_rng, cur, v);
  }
}

workload::Rng TableGenerator::chunk_rng(int64_t chunk) const {
  return workload::Rng(
      workload::derive_seed(seed_, static_cast<uint64_t>(table_index_) + 1, static_cast<uint64_t>(chunk)));
}

TableGenerator::Cursor TableGenerator::cursor_at(int64_t first) const {
  Cursor c;
  c.slots.resize(static_cast<size_t>(data_->slots));
  c.slots[kScaleSlot] = scale_;
  c.slots[kItemSlot].set_int(1);
  c.slots[kLoadTimeSlot] = Value::of_text(load_time_);
  // The chunk's random stream is replayed from the chunk's first row, so it
  // reaches `first` in the same state whatever the split.
  c.row = first - first % kChunkRows;
  c.rng = chunk_rng(c.row / kChunkRows);
  engine::RowBatch discard;
  while (c.row < first) fill(c, first, first - c.row, discard);
  return c;
}

void TableGenerator::fill(Cursor& cur, int64_t end, int64_t count, engine::RowBatch& batch) const {
  const int nlet = static_cast<int>(data_->lets.size());
  const int nitem = static_cast<int>(data_->item_lets.size());
  const int ncol = static_cast<int>(columns_.size());
  batch.columns = ncol;
  batch.rows = 0;
  Value* slots = cur.slots.data();
  const int64_t stop = std::min(end, cur.row + count);
  for (; cur.row < stop; ++cur.row) {
    const int64_t row = cur.row;
    if (row % kChunkRows == 0) cur.rng = chunk_rng(row / kChunkRows);
    slots[kRowSlot].set_int(row);
    for (int l = 0; l < nlet; ++l) make(made_[l], cur.rng, row, slots, slots[made_[l].column->slot]);
    for (int c = nlet + nitem; c < nlet + nitem + ncol; ++c)
      if (made_[c].per_row) make(made_[c], cur.rng, row, slots, slots[made_[c].column->slot]);
    int64_t items = 1;
    if (data_->repeat) {
      Value n = data_->repeat->eval(slots);
      items = n.kind == Value::Kind::kNull ? 0 : std::max<int64_t>(0, n.as_int());
    }
    for (int64_t item = 1; item <= items; ++item) {
      slots[kItemSlot].set_int(item);
      for (int l = nlet; l < nlet + nitem; ++l)
        make(made_[l], cur.rng, row, slots, slots[made_[l].column->slot]);
      for (int c = nlet + nitem; c < nlet + nitem + ncol; ++c)
        if (!made_[c].per_row) make(made_[c], cur.rng, row, slots, slots[made_[c].column->slot]);
      size_t at = batch.rows * ncol;
      if (batch.cells.size() < at + ncol) batch.cells.resize(at + ncol);
      for (int c = 0; c < ncol; ++c) {
        Value& from = slots[made_[nlet + nitem + c].column->slot];
        Value& to = batch.cells[at + c];
        // Text made anew for each row moves into the batch (its buffer
        // swapped, not copied); what is kept for the row's other items is copied.
        if (from.kind == Value::Kind::kText && !made_[nlet + nitem + c].per_row &&
            made_[nlet + nitem + c].copy_of < 0 && !made_[nlet + nitem + c].is_constant) {
          to.kind = Value::Kind::kText;
          to.s.swap(from.s);
        } else {
          copy_into(to, from);
        }
      }
      ++batch.rows;
    }
  }
}

void TableGenerator::generate(int64_t first, int64_t count, engine::RowBatch& batch) const {
  Cursor c = cursor_at(first);
  fill(c, first + count, count, batch);
}

}  // namespace oltap::datagen
