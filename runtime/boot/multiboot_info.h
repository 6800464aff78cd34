// The Multiboot information block, command line and memory map that the kernel finds at EBX.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "mmu/guest_ram.h"

namespace bt86::boot {

// Info-block field offsets (Multiboot 0.6.96, section 3.3).
inline constexpr uint32_t kInfoFlags = 0;
inline constexpr uint32_t kInfoMemLower = 4;
inline constexpr uint32_t kInfoMemUpper = 8;
inline constexpr uint32_t kInfoBootDevice = 12;
inline constexpr uint32_t kInfoCmdline = 16;
inline constexpr uint32_t kInfoModsCount = 20;
inline constexpr uint32_t kInfoModsAddr = 24;
inline constexpr uint32_t kInfoMmapLength = 44;
inline constexpr uint32_t kInfoMmapAddr = 48;
inline constexpr uint32_t kInfoBootLoaderName = 64;
inline constexpr uint32_t kInfoSize = 88;

// Info-block flags (what the loader provides).
inline constexpr uint32_t kInfoHasMemory = 1u << 0;
inline constexpr uint32_t kInfoHasBootDevice = 1u << 1;
inline constexpr uint32_t kInfoHasCmdline = 1u << 2;
inline constexpr uint32_t kInfoHasMods = 1u << 3;
inline constexpr uint32_t kInfoHasMmap = 1u << 6;
inline constexpr uint32_t kInfoHasLoaderName = 1u << 9;

// Memory-map entry: u32 size (of the rest, 20), u64 base, u64 length, u32 type.
inline constexpr uint32_t kMmapEntrySize = 24;
inline constexpr uint32_t kMmapAvailable = 1;
inline constexpr uint32_t kMmapReserved = 2;

// "No BIOS boot device": drive 0x80 (first hard disk), no partitions, as QEMU reports it.
inline constexpr uint32_t kBootDeviceNone = 0x8000FFFF;

inline constexpr char kBootLoaderName[] = "bt86";

// The command line the guest sees: QEMU builds it as "%s %s" of -kernel and -append.
std::string multiboot_cmdline(const std::string& kernel_path, const std::string& append);

// Checks that the command line fits and that `ram` is a size the memory map can describe.
Result<void> check_info(const mmu::GuestRam& ram, const std::string& cmdline);

// Writes the whole area [kMultibootInfo, kMultibootAreaEnd): zeroes it, then the info block,
// the module list (empty), the boot loader name, the command line and the memory map.
// Only after check_info() succeeded. Returns the info block's address (for EBX).
uint32_t write_info(mmu::GuestRam& ram, const std::string& cmdline);

}  // namespace bt86::boot
