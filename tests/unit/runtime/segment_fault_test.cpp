// segment_fault: the monitor's limit and type checks, against the rules of SDM Vol. 3A 5.3
// (expand-up: offset..offset+size-1 <= limit; expand-down: limit < offset and the last byte
// <= 0xFFFF or 0xFFFFFFFF by the B flag) and 5.5 (types), and interrupt 12 / 13.
#include <catch2/catch.hpp>

#include "runtime/guest_access.h"

using bt86::runtime::Access;
using bt86::runtime::Segment;
using bt86::runtime::segment_fault;

namespace {

// attrib as stored in Segment: type nibble, S=0x10, DPL<<5, P=0x80, then AVL L D/B G.
constexpr uint16_t kDataRw = 0x93, kDataRo = 0x91, kDataRwDown = 0x97, kCodeRx = 0x9B,
                   kCodeX = 0x99, kBig = 0x400;

Segment seg(uint32_t limit, uint16_t attrib) { return Segment{0x10, 0, limit, attrib}; }

}  // namespace

TEST_CASE("expand-up limit: the last byte decides", "[runtime]") {
  Segment s = seg(0x12345, kDataRw | kBig);
  CHECK_FALSE(segment_fault(s, false, 0x12342, 4, Access::kRead));
  CHECK(segment_fault(s, false, 0x12343, 4, Access::kRead) == 13);
  CHECK(segment_fault(s, false, 0x12346, 1, Access::kWrite) == 13);
  CHECK_FALSE(segment_fault(s, false, 0x12345, 1, Access::kWrite));
}

TEST_CASE("the stack segment raises #SS, any other #GP", "[runtime]") {
  Segment s = seg(0xFFF, kDataRw | kBig);
  CHECK(segment_fault(s, true, 0xFFE, 2, Access::kRead) == 0);
  CHECK(segment_fault(s, true, 0xFFE, 4, Access::kRead) == 12);
  CHECK(segment_fault(s, false, 0xFFE, 4, Access::kRead) == 13);
}

TEST_CASE("expand-down: offsets above the limit up to the B-flag bound", "[runtime]") {
  Segment big = seg(0xFFF, kDataRwDown | kBig);
  CHECK(segment_fault(big, false, 0xFFF, 1, Access::kRead) == 13);
  CHECK(segment_fault(big, false, 0xFFE, 4, Access::kRead) == 13);  // straddles the limit
  CHECK_FALSE(segment_fault(big, false, 0x1000, 4, Access::kRead));
  CHECK_FALSE(segment_fault(big, false, 0xFFFFFFFC, 4, Access::kWrite));
  CHECK(segment_fault(big, false, 0xFFFFFFFD, 4, Access::kWrite) == 13);  // past 4 GiB

  Segment small = seg(0xFFF, kDataRwDown);  // B=0: the upper bound is 0xFFFF
  CHECK_FALSE(segment_fault(small, true, 0xFFFC, 4, Access::kWrite));
  CHECK(segment_fault(small, true, 0xFFFE, 4, Access::kWrite) == 12);
  CHECK(segment_fault(small, true, 0x10000, 1, Access::kRead) == 12);
}

TEST_CASE("types: read-only data, execute-only and readable code", "[runtime]") {
  CHECK_FALSE(segment_fault(seg(~0u, kDataRo), false, 0, 4, Access::kRead));
  CHECK(segment_fault(seg(~0u, kDataRo), false, 0, 4, Access::kWrite) == 13);
  CHECK(segment_fault(seg(~0u, kDataRo), true, 0, 4, Access::kWrite) == 12);
  CHECK_FALSE(segment_fault(seg(~0u, kCodeRx), false, 0, 4, Access::kRead));
  CHECK(segment_fault(seg(~0u, kCodeRx), false, 0, 4, Access::kWrite) == 13);
  CHECK(segment_fault(seg(~0u, kCodeX), false, 0, 4, Access::kRead) == 13);
}

TEST_CASE("a null (not present) segment faults #GP for every access", "[runtime]") {
  Segment null = seg(0, 0);
  CHECK(segment_fault(null, false, 0, 1, Access::kRead) == 13);
  CHECK(segment_fault(null, false, 0, 1, Access::kWrite) == 13);
}

// A 16-bit stack segment (SS.B = 0): implicit stack references use SP, wrapping at 64 KiB,
// and leave ESP's upper half alone (SDM vol. 1, 6.2).
TEST_CASE("a 16-bit stack moves SP only and wraps at 64 KiB", "[runtime]") {
  using namespace bt86::runtime;
  const Segment s16 = seg(0xFFFF, kDataRw), s32 = seg(0xFFFFFFFF, kDataRw | kBig);
  CHECK(stack_offset(s16, 0x1234FFF0, -4) == 0xFFEC);
  CHECK(stack_offset(s16, 0x12340000, -2) == 0xFFFE);
  CHECK(stack_offset(s16, 0x1234FFFE, 4) == 0x0002);
  CHECK(moved_esp(s16, 0x12340000, -2) == 0x1234FFFE);
  CHECK(moved_esp(s16, 0x1234FFFE, 2) == 0x12340000);
  CHECK(stack_offset(s32, 0x12340000, -2) == 0x1233FFFE);
  CHECK(moved_esp(s32, 0x12340000, -2) == 0x1233FFFE);
}

TEST_CASE("a frame pushed on a 16-bit stack is checked slot by slot", "[runtime]") {
  using namespace bt86::runtime;
  // SP = 4: three dwords at 0x0000, 0xFFFC and 0xFFF8, all within a 64 KiB limit.
  CHECK_FALSE(push_fault(seg(0xFFFF, kDataRw), 0xABCD0004, 3, 4));
  // SP = 2: the dword at 0xFFFE ends beyond the limit.
  CHECK(push_fault(seg(0xFFFF, kDataRw), 0xABCD0002, 1, 4) == 12);
  // Expand-down, B = 0: valid offsets are limit+1 .. 0xFFFF.
  CHECK_FALSE(push_fault(seg(0x7FFF, kDataRwDown), 0x8008, 2, 4));
  CHECK(push_fault(seg(0x7FFF, kDataRwDown), 0x8004, 2, 4) == 12);
  // A 32-bit stack keeps the single range check.
  CHECK(push_fault(seg(0xFFF, kDataRw | kBig), 0x1004, 2, 4) == 12);
  CHECK_FALSE(push_fault(seg(0xFFF, kDataRw | kBig), 0x1000, 2, 4));
}
