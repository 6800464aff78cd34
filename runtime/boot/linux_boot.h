// The Linux/x86 32-bit boot protocol (Documentation/arch/x86/boot.rst): bzImage, initrd and
// command line into guest RAM, and the zero page (struct boot_params) the kernel finds at ESI.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "mmu/guest_ram.h"

namespace bt86::boot {

// The oldest protocol bt86 boots: 2.04 (Linux 2.6.14) has a 32-bit syssize and initrd_addr_max.
inline constexpr uint16_t kLinuxMinProtocol = 0x0204;

// loadflags (0x211) and xloadflags (0x236) bits.
inline constexpr uint8_t kLoadedHigh = 1u << 0;    // a bzImage: protected-mode part at 1 MiB
inline constexpr uint8_t kCanUseHeap = 1u << 7;    // heap_end_ptr is valid (set by the loader)
inline constexpr uint16_t kXlfKernel64 = 1u << 0;  // an x86-64 kernel (64-bit entry at +0x200)

// E820 memory types, as the kernel's e820_type reads them.
inline constexpr uint32_t kE820Ram = 1;
inline constexpr uint32_t kE820Reserved = 2;

// What bt86 reads from a bzImage's setup header ("The real-mode kernel header" in boot.rst).
// Fields newer than the image's protocol version keep the defaults below.
struct LinuxSetupHeader {
  uint16_t version = 0;           // 0x206: 0x020F is protocol 2.15
  uint32_t setup_sects = 0;       // 0x1F1, a stored 0 read as 4
  uint32_t header_end = 0;        // 0x202 + the jump displacement at 0x201
  uint32_t kernel_offset = 0;     // file offset of the protected-mode kernel, (setup_sects+1)*512
  uint32_t kernel_size = 0;       // the rest of the file
  uint32_t syssize = 0;           // 0x1F4: the protected-mode kernel's size in 16-byte units
  uint8_t loadflags = 0;          // 0x211
  uint32_t code32_start = 0;      // 0x214: the 32-bit entry
  uint32_t initrd_addr_max = 0;   // 0x22C: the highest address the initrd may occupy
  uint32_t kernel_alignment = 0;  // 0x230, 2.05+: informational
  bool relocatable = false;       // 0x234, 2.05+: informational
  uint16_t xloadflags = 0;        // 0x236, 2.12+
  uint32_t cmdline_size = 255;    // 0x238, 2.06+: the longest command line, without its NUL
  uint64_t pref_address = 0;      // 0x258, 2.10+: where the kernel runs (0: unknown)
  uint32_t init_size = 0;         // 0x260, 2.10+: memory it needs from there (0: unknown)
};

// True when `image` carries the "HdrS" setup-header magic at 0x202 (a bzImage rather than
// Multiboot/ELF).
bool is_linux_image(std::span<const uint8_t> image);

// Reads and checks the setup header: boot_flag 0xAA55, "HdrS", protocol 2.04 or later,
// LOADED_HIGH (a bzImage, not a zImage), not x86-64, a protected-mode kernel inside the file
// as long as syssize says. Does not look at guest RAM.
Result<LinuxSetupHeader> parse_linux_header(std::span<const uint8_t> image);

// The machine state at the kernel's 32-bit entry. The caller provides the rest of what boot.rst
// asks for: protected mode, paging and interrupts off, flat 4 GiB segments with CS = 0x10
// (execute/read) and DS = ES = SS = 0x18 (read/write) in a loaded GDT, EBP = EDI = EBX = 0.
struct LinuxBootState {
  uint32_t entry;                          // code32_start
  uint32_t esi;                            // boot_params address
  std::vector<std::string> warnings = {};  // for the user, not for the guest
};

// Loads the protected-mode kernel at 1 MiB (0x100000), the initrd (may be empty span = none),
// writes boot_params (the "zero page") and the command line. Every refusal happens before
// guest RAM is written.
Result<LinuxBootState> load_linux(std::span<const uint8_t> image, std::span<const uint8_t> initrd,
                                  mmu::GuestRam& ram, const std::string& cmdline);

}  // namespace bt86::boot
