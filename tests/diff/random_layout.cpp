// lay_out: branch relaxation for random sequences (short forms first, widened until they fit).
#include "tests/diff/random_layout.h"

namespace bt86::diff {

namespace {

size_t encoded_size(const RandomStep& s) {
  switch (s.kind) {
    case RandomStep::kPlain:
      return s.bytes.size();
    case RandomStep::kRel8Only:
      return s.prefix.size() + 2;
    case RandomStep::kJmp:
      return s.prefix.size() + (s.is_long ? 5 : 2);
    case RandomStep::kJcc:
      return s.prefix.size() + (s.is_long ? 6 : 2);
  }
  return 0;
}

}  // namespace

std::vector<uint8_t> lay_out(std::vector<RandomStep>& steps) {
  // Sizes only grow, so this settles; offsets are those of the final sizes when it does.
  std::vector<size_t> offset(steps.size() + 1);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < steps.size(); ++i) offset[i + 1] = offset[i] + encoded_size(steps[i]);
    for (size_t i = 0; i < steps.size(); ++i) {
      RandomStep& s = steps[i];
      if (s.kind == RandomStep::kPlain || s.is_long) continue;
      if (offset[s.target] - offset[i + 1] <= 127) continue;
      if (s.kind == RandomStep::kRel8Only)
        s.target = i + 1;  // no rel32 form: retarget instead
      else
        s.is_long = true;
      changed = true;
    }
  }

  std::vector<uint8_t> code;
  for (size_t i = 0; i < steps.size(); ++i) {
    const RandomStep& s = steps[i];
    if (s.kind == RandomStep::kPlain) {
      code.insert(code.end(), s.bytes.begin(), s.bytes.end());
      continue;
    }
    auto rel = static_cast<uint32_t>(offset[s.target] - offset[i + 1]);
    code.insert(code.end(), s.prefix.begin(), s.prefix.end());
    if (s.kind == RandomStep::kRel8Only)
      code.push_back(s.bytes[0]);
    else if (s.kind == RandomStep::kJmp)
      code.push_back(s.is_long ? 0xE9 : 0xEB);
    else if (s.is_long)
      code.insert(code.end(), {0x0F, static_cast<uint8_t>(0x80 | s.cc)});
    else
      code.push_back(static_cast<uint8_t>(0x70 | s.cc));
    for (int b = 0; b < (s.is_long ? 4 : 1); ++b)
      code.push_back(static_cast<uint8_t>(rel >> (8 * b)));
  }
  return code;
}

}  // namespace bt86::diff
