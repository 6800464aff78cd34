// Multiboot v1 (specification 0.6.96): find the header, load the kernel, fill the info block.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "mmu/guest_ram.h"

namespace bt86::boot {

inline constexpr uint32_t kMultibootHeaderMagic = 0x1BADB002;
inline constexpr uint32_t kMultibootBootMagic = 0x2BADB002;  // in EAX at the kernel's entry
inline constexpr uint32_t kMultibootSearchBytes = 8192;      // the header lies in these

// Multiboot header flags (the kernel's requests).
inline constexpr uint32_t kHeaderPageAlign = 1u << 0;    // align modules on 4 KiB
inline constexpr uint32_t kHeaderMemoryInfo = 1u << 1;   // mem_* and mmap_* wanted
inline constexpr uint32_t kHeaderVideoMode = 1u << 2;    // a video mode wanted
inline constexpr uint32_t kHeaderAoutKludge = 1u << 16;  // load by the header's address fields
inline constexpr uint32_t kHeaderKnownRequired =
    kHeaderPageAlign | kHeaderMemoryInfo | kHeaderVideoMode;

// The Multiboot header as found in the image.
struct MultibootHeader {
  uint32_t offset = 0;  // file offset of the magic
  uint32_t flags = 0;
  // Valid only with kHeaderAoutKludge.
  uint32_t header_addr = 0;
  uint32_t load_addr = 0;
  uint32_t load_end_addr = 0;
  uint32_t bss_end_addr = 0;
  uint32_t entry_addr = 0;
};

// The machine state at the kernel's first instruction: 32-bit protected mode, paging off,
// flat segments, EAX = kMultibootBootMagic, EBX = the info block.
struct BootState {
  uint32_t entry;
  uint32_t eax;
  uint32_t ebx;
  std::vector<std::string> warnings = {};  // for the user, not for the guest (e.g. no VBE)
};

// Finds the first 4-byte-aligned header with a valid checksum in the first 8192 bytes.
// Refuses a header whose required-feature bits (0-15) name a feature bt86 does not know.
Result<MultibootHeader> find_multiboot_header(std::span<const uint8_t> image);

// Loads `image` into `ram` (an ELF32 by its PT_LOAD segments, or by the a.out-kludge address
// fields when header flag 16 is set) and writes the info block, command line and memory map.
// The command line the guest sees is "KERNEL_PATH APPEND", exactly as QEMU builds it.
// Every refusal happens before guest RAM is written.
Result<BootState> load_multiboot(std::span<const uint8_t> image, mmu::GuestRam& ram,
                                 const std::string& kernel_path, const std::string& append);

}  // namespace bt86::boot
