// Lays out a random sequence's steps and resolves its forward branches (random_gen.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bt86::diff {

// One step of a random sequence: plain bytes, or a forward branch to the start of a later step
// (steps.size() means the end of the sequence), encoded once every step's size is known.
struct RandomStep {
  enum Kind { kPlain, kJcc, kJmp, kRel8Only } kind = kPlain;
  std::vector<uint8_t> bytes;   // kPlain: the code; kRel8Only: the opcode (LOOPcc, JECXZ)
  std::vector<uint8_t> prefix;  // branches: code run before the branch instruction
  uint8_t cc = 0;               // kJcc: condition code
  size_t target = 0;            // branches: index of the step jumped to
  bool is_long = false;         // branch encoded with rel32 (set by lay_out)
};

// Concatenates the steps, widening Jcc/JMP to rel32 where rel8 does not reach; a LOOPcc/JECXZ
// (rel8 only) that does not reach is retargeted to the next step. Updates `steps`.
std::vector<uint8_t> lay_out(std::vector<RandomStep>& steps);

}  // namespace bt86::diff
