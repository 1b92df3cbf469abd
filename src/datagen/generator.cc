// Row generation: row i of a table is a function of (seed, table, i's chunk),
// never of which job made it.
#include "datagen.h"

namespace oltap::datagen {

Value scale_value(double scale) {
  if (scale == static_cast<double>(static_cast<int64_t>(scale)))
    return Value::of_int(static_cast<int64_t>(scale));
  return Value::of_double(scale);
}

TableGenerator::TableGenerator(const workload::TableData& data, double scale, uint64_t seed, int table_index)
    : data_(&data), scale_(scale_value(scale)), seed_(seed), table_index_(table_index) {
  Value n = data.rows.eval(&scale_);
  if (n.kind == Value::Kind::kNull || n.as_double() < 0)
    throw workload::error_at(data.rows.mark(), "rows of " + data.table + " must be 0 or more");
  rows_ = static_cast<int64_t>(n.as_double());
  std::map<std::string, Value> names = {{"scale", scale_}};
  for (const auto& c : data.columns) {
    columns_.push_back(c.name);
    dists_.push_back(c.kind == workload::Column::Kind::kDist ? workload::make_distribution(c.dist, names)
                                                             : workload::Distribution::constant(Value()));
  }
}

void TableGenerator::generate(int64_t first, int64_t count, engine::RowBatch& batch) const {
  const int ncol = static_cast<int>(columns_.size());
  batch.columns = ncol;
  batch.rows = static_cast<size_t>(count);
  if (batch.cells.size() < batch.rows * ncol) batch.cells.resize(batch.rows * ncol);
  // Slots the expressions see: scale, row, then the columns of this row.
  std::vector<Value> slots(2 + ncol);
  slots[0] = scale_;
  int64_t chunk = -1;
  workload::Rng rng;
  for (int64_t r = 0; r < count; ++r) {
    int64_t row = first + r;
    if (row / kChunkRows != chunk) {
      chunk = row / kChunkRows;
      rng = workload::Rng(workload::derive_seed(seed_, static_cast<uint64_t>(table_index_) + 1,
                                                static_cast<uint64_t>(chunk)));
      // Skip to this row's place in its chunk so any split gives the same rows.
      for (int64_t skip = chunk * kChunkRows; skip < row; ++skip) {
        for (int c = 0; c < ncol; ++c) {
          if (data_->columns[c].kind == workload::Column::Kind::kDist) {
            workload::SequenceCursor cur{skip, 1};
            dists_[c].draw(rng, cur, slots[2 + c]);
          }
        }
      }
    }
    slots[1].set_int(row);
    for (int c = 0; c < ncol; ++c) {
      const workload::Column& col = data_->columns[c];
      Value& v = slots[2 + c];
      switch (col.kind) {
        case workload::Column::Kind::kSequence:
          v.set_int(col.seq_start + row);
          break;
        case workload::Column::Kind::kNull:
          v.set_null();
          break;
        case workload::Column::Kind::kExpr: {
          Value x = col.expr.eval(slots.data());
          v.kind = x.kind;
          v.i = x.i;
          v.d = x.d;
          if (x.kind == Value::Kind::kText) v.s.assign(x.s);
          break;
        }
        case workload::Column::Kind::kDist: {
          workload::SequenceCursor cur{row, 1};
          dists_[c].draw(rng, cur, v);
          break;
        }
      }
      Value& cell = batch.cells[static_cast<size_t>(r) * ncol + c];
      cell.kind = v.kind;
      cell.i = v.i;
      cell.d = v.d;
      if (v.kind == Value::Kind::kText) cell.s.assign(v.s);
    }
  }
}

}  // namespace oltap::datagen
