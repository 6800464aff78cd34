// The contract between the two sides of the differential harness: one 32-bit code
// sequence, run natively in a 32-bit code segment and run translated, gives one Snapshot each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bt86::diff {

// Both sides place everything at the same 32-bit addresses, so absolute addresses in the
// code mean the same thing natively and in the guest.
inline constexpr uint32_t kCodeAddr = 0x01000000;  // case code; the runner appends its terminator
inline constexpr uint32_t kCodeMax = 0x00010000;
inline constexpr uint32_t kDataAddr = 0x01100000;  // data area, compared byte for byte afterwards
inline constexpr uint32_t kDataSize = 0x00010000;
inline constexpr uint32_t kStackTop = kDataAddr + kDataSize - 0x100;  // initial ESP, inside data

enum Reg { kEax, kEcx, kEdx, kEbx, kEsp, kEbp, kEsi, kEdi };

// Arithmetic flags and DF: what a sequence may leave behind in EFLAGS.
inline constexpr uint32_t kFlagCF = 1u << 0, kFlagPF = 1u << 2, kFlagAF = 1u << 4,
                          kFlagZF = 1u << 6, kFlagSF = 1u << 7, kFlagDF = 1u << 10,
                          kFlagOF = 1u << 11;
inline constexpr uint32_t kComparedFlags =
    kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF | kFlagDF | kFlagOF;

struct CaseInput {
  std::string name;
  std::vector<uint8_t> code;  // position-dependent: assembled for kCodeAddr
  uint32_t gpr[8];            // initial registers; gpr[kEsp] normally kStackTop
  uint32_t eflags;            // initial arithmetic flags and DF (bit 1 is added by the runner)
  std::vector<uint8_t> data;  // initial data area, kDataSize bytes
};

struct Snapshot {
  uint32_t gpr[8];
  uint32_t eflags;
  std::vector<uint8_t> data;  // the data area afterwards
  // A fault ends the run: the vector (0 #DE, 6 #UD, 13 #GP, 14 #PF...) and the registers
  // are those before the faulting instruction; eip is its address.
  std::optional<int> fault_vector;
  uint32_t eip = 0;
};

// Runs `in` natively in a 32-bit code segment of this process (tests/diff/native_runner.cpp).
Snapshot run_native(const CaseInput& in);
// Runs `in` under bt86's translator in this process (tests/diff/translated_runner.cpp).
Snapshot run_translated(const CaseInput& in);

}  // namespace bt86::diff
