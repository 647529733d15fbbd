#include "core/case.hpp"

#include <fmt/format.h>

namespace attnbench {

std::string Case::id() const {
  std::string params;
  for (const std::string& name : param_order) {
    if (!params.empty()) params += ',';
    params += name + '=' + format_value(pattern.params.at(name));
  }
  return fmt::format("{}:{}/b{}.h{}.kvh{}.d{}/q{}.kv{}/bq{}.bkv{}/{}/t{}", pattern.name, params,
                     shape.batch, shape.heads, shape.kv_heads, shape.head_dim, seq_len, seq_kv_len,
                     block_q, block_kv, executor, threads);
}

}  // namespace attnbench
