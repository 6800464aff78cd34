// Reports for the diff harness: a case's bytes and disassembly, snapshots, and their differences.
#pragma once

#include <span>
#include <string>

#include "tests/diff/diff_case.h"

namespace bt86::diff {

// One line per instruction: address, bytes in hex, Capstone's 32-bit disassembly.
std::string disassemble(std::span<const uint8_t> code);

// Name, initial registers and flags, and the disassembled code.
std::string describe_input(const CaseInput& in);

// Registers, flags and fault of one run (the data area is only diffed, not dumped).
std::string format_snapshot(const Snapshot& s);

// Empty when `got` matches `ref`: same fault (vector and EIP), registers, flags outside
// `undefined`, and data. Otherwise one line per difference (data: the first few bytes).
std::string diff_snapshots(const Snapshot& ref, const Snapshot& got, uint32_t undefined);

// "CF PF ZF" for a set of flag bits.
std::string flag_names(uint32_t flags);

}  // namespace bt86::diff
