// A translated block: guest range, host code, side table, exits and links.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <vector>

namespace bt86::translator {

// Fault recovery for one guest instruction's host sequence (DESIGN.md §3, restartable).
enum class Fixup : uint8_t {
  kNone,
  kRestoreBorrowed,  // a guest register was borrowed as an address temp: reload it from scratch[0]
  kStringBases,      // ESI/EDI hold linear addresses: subtract the segment bases named by
                     // fixup_reg (bits 0-2: source segment + 1, or 0; bit 3: ES for EDI)
};

// Maps the host code of one guest instruction back to it.
struct SideEntry {
  uint32_t host_off;   // offset from the block's code start
  uint32_t guest_eip;
  Fixup fixup;
  uint8_t fixup_reg;   // guest register number for kRestoreBorrowed
};

// A patchable direct exit: a rel32 jump that first points at its stub (block offsets).
struct PendingExit {
  uint32_t target_eip;
  uint32_t slot;            // tcache slot id
  uint32_t jump_rel32_off;  // offset of the rel32 field in the block
  uint32_t stub_off;        // offset of the stub (the unlinked target)
};

// The mode a block was translated under; a block only runs under the same key.
struct ModeKey {
  uint32_t bits = 0;  // CPL, code size, paging, single-step: see translator/translate.h
  // The code segment: EIPs are offsets in it, fetched at linear cs_base + EIP, and an
  // instruction or branch target beyond cs_limit raises #GP(0). Flat: 0 and 4 GiB - 1.
  uint32_t cs_base = 0;
  uint32_t cs_limit = 0xFFFFFFFF;
  bool operator==(const ModeKey&) const = default;
  bool flat_code() const { return cs_base == 0 && cs_limit == 0xFFFFFFFF; }
  // Folds the key into 32 bits for hashing (the flat case hashes as `bits` alone).
  uint32_t hash() const { return bits ^ (cs_base * 0x9E3779B1u) ^ ~cs_limit; }
};

struct Block {
  uint32_t eip = 0;               // offset in the mode's code segment
  ModeKey mode;
  uint32_t guest_size = 0;
  uint32_t insn_count = 0;
  uint8_t* code = nullptr;        // executable view
  uint32_t code_size = 0;
  uint32_t entry_off = 0;         // normal entry (after the indirect-entry check)
  uint32_t body_end = 0;          // where the exit stubs begin
  uint32_t pages[2] = {~0u, ~0u}; // guest-physical pages its bytes come from
  uint32_t ibl_salt = 0;          // its mode's offset into the inline table (TCache::salt)
  bool valid = true;
  bool one_shot = false;          // run once and forget (after a code-page write)
  bool unlinked = false;          // never chained or in the inline table (single-step)
  std::vector<SideEntry> side;
  boost::container::small_vector<uint32_t, 2> exit_slots;  // direct exits it owns
  boost::container::small_vector<uint32_t, 4> incoming;    // slots linked to it

  uint32_t linear() const { return eip + mode.cs_base; }  // linear address of the first byte
  uint8_t* entry() const { return code + entry_off; }
  uint8_t* indirect_entry() const { return code; }
  bool contains_host(const uint8_t* p) const { return p >= code && p < code + code_size; }
  const SideEntry* side_for(const uint8_t* host_pc) const;
};

}  // namespace bt86::translator
