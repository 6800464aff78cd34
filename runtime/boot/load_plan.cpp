// A kernel's load plan: which image bytes go where in guest RAM, checked before any is copied.
#include "runtime/boot/load_plan.h"

#include <algorithm>
#include <array>

#include "runtime/layout.h"

namespace bt86::boot {

namespace {

bool overlaps(uint64_t start, uint64_t end, uint64_t area_start, uint64_t area_end) {
  return start < area_end && area_start < end;
}

}  // namespace

Result<void> check_plan(const LoadPlan& plan, uint64_t ram_bytes) {
  if (plan.segments.empty()) return fail("the kernel image loads nothing (no PT_LOAD segment)");

  for (const Segment& s : plan.segments) {
    uint64_t start = s.gpa;
    uint64_t end = start + s.mem_size;  // 64-bit: cannot wrap
    if (end > (1ull << 32)) {
      return fail("%s at 0x%08llx (0x%x bytes) wraps around the 4 GiB address space",
                  plan.what.c_str(), (unsigned long long)start, s.mem_size);
    }
    if (end > ram_bytes) {
      return fail("%s 0x%08llx-0x%08llx lies outside guest RAM (%llu MiB; try a larger -m)",
                  plan.what.c_str(), (unsigned long long)start, (unsigned long long)end - 1,
                  (unsigned long long)(ram_bytes >> 20));
    }
    // The legacy hole 0xA0000-0xFFFFF is not refused: GNU ld -Ttext=0x100000 puts the ELF
    // headers in a PT_LOAD at 0xFF000, and QEMU boots such kernels.
    if (overlaps(start, end, layout::kMultibootInfo, layout::kMultibootAreaEnd)) {
      return fail("%s 0x%08llx-0x%08llx overlaps the Multiboot info area 0x%05x-0x%05x",
                  plan.what.c_str(), (unsigned long long)start, (unsigned long long)end - 1,
                  layout::kMultibootInfo, layout::kMultibootAreaEnd - 1);
    }
  }

  bool entry_loaded =
      std::any_of(plan.segments.begin(), plan.segments.end(), [&](const Segment& s) {
        return plan.entry >= s.gpa && uint64_t{plan.entry} < uint64_t{s.gpa} + s.mem_size;
      });
  if (!entry_loaded) {
    return fail("entry point 0x%08x is outside the loaded memory of the kernel", plan.entry);
  }
  return {};
}

void apply_plan(const LoadPlan& plan, std::span<const uint8_t> image, mmu::GuestRam& ram) {
  static constexpr std::array<uint8_t, 4096> kZeros{};
  for (const Segment& s : plan.segments) {
    if (s.file_size != 0) ram.write(s.gpa, image.data() + s.file_offset, s.file_size);
    uint32_t gpa = s.gpa + s.file_size;
    uint32_t left = s.mem_size - s.file_size;
    while (left != 0) {
      uint32_t n = std::min<uint32_t>(left, kZeros.size());
      ram.write(gpa, kZeros.data(), n);
      gpa += n;
      left -= n;
    }
  }
}

}  // namespace bt86::boot
