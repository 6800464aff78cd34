// The Multiboot information block, command line and memory map that the kernel finds at EBX.
//
// The values copy what a Multiboot kernel sees under qemu-system-i386 (QEMU 7.2 with SeaBIOS,
// read back from guest memory at the kernel's entry), so that a test kernel that prints its
// info block prints the same thing under both:
//   flags 0x24f (memory, boot device, cmdline, modules, mmap, loader name),
//   mem_lower 639 (INT 12h: 640 KiB minus the 1 KiB EBDA), boot_device 0x8000ffff,
//   mem_upper = RAM from 1 MiB up to the 128 KiB SeaBIOS keeps at the top of RAM,
//   and the six-entry E820 map below. Only the addresses and the loader name differ.
#include "runtime/boot/multiboot_info.h"

#include <array>
#include <cstring>

#include "common/assert.h"
#include "runtime/layout.h"

namespace bt86::boot {

namespace {

constexpr uint32_t kAreaSize = layout::kMultibootAreaEnd - layout::kMultibootInfo;

struct MmapEntry {
  uint64_t base;
  uint64_t length;
  uint32_t type;
};

// The map QEMU's SeaBIOS returns through INT 15h/E820 for a guest with `ram` bytes below 4 GiB.
std::array<MmapEntry, 6> memory_map(uint64_t ram) {
  uint64_t top = ram - layout::kRamTopReserved;
  return {{
      {0, layout::kEbdaStart, kMmapAvailable},
      {layout::kEbdaStart, layout::kLowRamEnd - layout::kEbdaStart, kMmapReserved},
      {layout::kBiosAreaStart, layout::kHighRamStart - layout::kBiosAreaStart, kMmapReserved},
      {layout::kHighRamStart, top - layout::kHighRamStart, kMmapAvailable},
      {top, layout::kRamTopReserved, kMmapReserved},
      {layout::kBiosRomStart, layout::kBiosRomSize, kMmapReserved},
  }};
}

// Writes little-endian values into the staging copy of the info area.
class Area {
 public:
  void put32(uint32_t gpa, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_[at(gpa, 4) + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  void put64(uint32_t gpa, uint64_t v) {
    put32(gpa, static_cast<uint32_t>(v));
    put32(gpa + 4, static_cast<uint32_t>(v >> 32));
  }
  void put_string(uint32_t gpa, const std::string& s) {
    std::memcpy(&bytes_[at(gpa, s.size() + 1)], s.c_str(), s.size() + 1);
  }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  static size_t at(uint32_t gpa, size_t len) {
    BT_ASSERT(gpa >= layout::kMultibootInfo && gpa - layout::kMultibootInfo + len <= kAreaSize,
              "Multiboot write of %zu bytes at 0x%x leaves the info area", len, gpa);
    return gpa - layout::kMultibootInfo;
  }
  std::array<uint8_t, kAreaSize> bytes_{};
};

}  // namespace

std::string multiboot_cmdline(const std::string& kernel_path, const std::string& append) {
  return kernel_path + " " + append;
}

Result<void> check_info(const mmu::GuestRam& ram, const std::string& cmdline) {
  if (cmdline.size() + 1 > layout::kMultibootCmdlineMax) {
    return fail(
        "kernel command line too long: %zu bytes (kernel path, a space and -append); "
        "the Multiboot area holds %u",
        cmdline.size(), layout::kMultibootCmdlineMax - 1);
  }
  if (ram.size() <= uint64_t{layout::kHighRamStart} + layout::kRamTopReserved) {
    return fail("guest RAM too small for a Multiboot kernel: %llu KiB",
                (unsigned long long)(ram.size() >> 10));
  }
  if (ram.size() > layout::kBiosRomStart) {
    return fail("guest RAM too large for a Multiboot kernel: %llu MiB reaches the BIOS ROM",
                (unsigned long long)(ram.size() >> 20));
  }
  return {};
}

uint32_t write_info(mmu::GuestRam& ram, const std::string& cmdline) {
  static_assert(layout::kMultibootInfo + kInfoSize <= layout::kMultibootMods);
  static_assert(layout::kMultibootLoaderName + sizeof(kBootLoaderName) <=
                layout::kMultibootCmdline);
  static_assert(layout::kMultibootCmdline + layout::kMultibootCmdlineMax <= layout::kMultibootMmap);
  static_assert(layout::kMultibootMmap + 6 * kMmapEntrySize <= layout::kMultibootAreaEnd);

  Area area;
  const uint32_t info = layout::kMultibootInfo;
  auto map = memory_map(ram.size());

  area.put32(info + kInfoFlags, kInfoHasMemory | kInfoHasBootDevice | kInfoHasCmdline |
                                    kInfoHasMods | kInfoHasMmap | kInfoHasLoaderName);
  area.put32(info + kInfoMemLower, layout::kEbdaStart >> 10);
  area.put32(info + kInfoMemUpper, static_cast<uint32_t>(map[3].length >> 10));
  area.put32(info + kInfoBootDevice, kBootDeviceNone);
  area.put32(info + kInfoCmdline, layout::kMultibootCmdline);
  area.put32(info + kInfoModsCount, 0);
  area.put32(info + kInfoModsAddr, layout::kMultibootMods);
  area.put32(info + kInfoMmapLength, static_cast<uint32_t>(map.size() * kMmapEntrySize));
  area.put32(info + kInfoMmapAddr, layout::kMultibootMmap);
  area.put32(info + kInfoBootLoaderName, layout::kMultibootLoaderName);

  area.put_string(layout::kMultibootLoaderName, kBootLoaderName);
  area.put_string(layout::kMultibootCmdline, cmdline);

  uint32_t at = layout::kMultibootMmap;
  for (const MmapEntry& e : map) {
    area.put32(at, kMmapEntrySize - 4);  // the size field does not count itself
    area.put64(at + 4, e.base);
    area.put64(at + 12, e.length);
    area.put32(at + 20, e.type);
    at += kMmapEntrySize;
  }

  ram.write(layout::kMultibootInfo, area.data(), kAreaSize);
  return info;
}

}  // namespace bt86::boot
