// The exceptions the mode alone decides (translator::mode_exception), checked against the SDM:
// each x87/MMX/SSE instruction's "Protected Mode Exceptions" under CR0.EM/TS/MP and
// CR4.OSFXSR, and #GP(0) for a memory reference through a null segment register (SDM vol. 3
// §3.4.2: loading a null selector into DS/ES/FS/GS is allowed, using it faults).
#include <catch2/catch.hpp>

#include <vector>

#include "translator/classify.h"
#include "translator/translate.h"

namespace {

using bt86::translator::ModeKey;
using bt86::translator::SegClass;

bt86::translator::Insn decode32(std::vector<uint8_t> bytes) {
  bt86::translator::Insn in;
  REQUIRE(bt86::translator::decode(bytes.data(), bytes.size(), 0x1000, &in) ==
          bt86::translator::DecodeStatus::kOk);
  REQUIRE(in.z.length == bytes.size());
  return in;
}

// CR0 bits: MP=2, EM=4, TS=8; CR4.OSFXSR=0x200.
ModeKey mode(uint32_t cr0, uint32_t cr4, SegClass es = SegClass::kFlat) {
  SegClass segs[6] = {es, SegClass::kFlat, SegClass::kFlat,
                      SegClass::kFlat, SegClass::kFlat, SegClass::kFlat};
  return bt86::translator::make_mode(cr0, cr4, segs, false);
}

constexpr uint32_t kMP = 2, kEM = 4, kTS = 8, kOSFXSR = 0x200;

}  // namespace

TEST_CASE("x87 instructions raise #NM when CR0.EM or CR0.TS is set", "[translator]") {
  auto fld = decode32({0xd9, 0xe8});  // fld1
  CHECK(mode_exception(fld, mode(0, kOSFXSR)) == -1);
  CHECK(mode_exception(fld, mode(kEM, kOSFXSR)) == 7);
  CHECK(mode_exception(fld, mode(kTS, kOSFXSR)) == 7);
}

TEST_CASE("WAIT raises #NM only when both CR0.TS and CR0.MP are set", "[translator]") {
  auto wait = decode32({0x9b});
  CHECK(mode_exception(wait, mode(kTS, 0)) == -1);
  CHECK(mode_exception(wait, mode(kMP, 0)) == -1);
  CHECK(mode_exception(wait, mode(kTS | kMP, 0)) == 7);
}

TEST_CASE("MMX instructions raise #UD with CR0.EM and #NM with CR0.TS", "[translator]") {
  auto paddb = decode32({0x0f, 0xfc, 0xc1});  // paddb mm0, mm1
  CHECK(mode_exception(paddb, mode(0, 0)) == -1);  // MMX does not need CR4.OSFXSR
  CHECK(mode_exception(paddb, mode(kEM, 0)) == 6);
  CHECK(mode_exception(paddb, mode(kTS, 0)) == 7);
}

TEST_CASE("SSE instructions need CR4.OSFXSR, then follow CR0.EM and CR0.TS", "[translator]") {
  auto addps = decode32({0x0f, 0x58, 0xc1});  // addps xmm0, xmm1
  CHECK(mode_exception(addps, mode(0, kOSFXSR)) == -1);
  CHECK(mode_exception(addps, mode(0, 0)) == 6);
  CHECK(mode_exception(addps, mode(kEM, kOSFXSR)) == 6);
  CHECK(mode_exception(addps, mode(kTS, kOSFXSR)) == 7);
  CHECK(mode_exception(addps, mode(kEM | kTS, kOSFXSR)) == 6);  // #UD is checked first
}

TEST_CASE("fences and cache hints never depend on the FPU control bits", "[translator]") {
  CHECK(mode_exception(decode32({0x0f, 0xae, 0xf8}), mode(kEM | kTS, 0)) == -1);  // sfence
  CHECK(mode_exception(decode32({0x0f, 0x18, 0x00}), mode(kEM | kTS, 0)) == -1);  // prefetchnta
}

TEST_CASE("memory through a null segment register raises #GP(0); LEA does not", "[translator]") {
  auto load = decode32({0x26, 0x8b, 0x00});  // mov eax, es:[eax]
  CHECK(mode_exception(load, mode(0, kOSFXSR, SegClass::kFlat)) == -1);
  CHECK(mode_exception(load, mode(0, kOSFXSR, SegClass::kNull)) == 13);
  auto lea = decode32({0x26, 0x8d, 0x00});  // lea eax, es:[eax]: no memory access
  CHECK(mode_exception(lea, mode(0, kOSFXSR, SegClass::kNull)) == -1);
  auto stos = decode32({0xaa});  // stosb writes es:[edi]
  CHECK(mode_exception(stos, mode(0, kOSFXSR, SegClass::kNull)) == 13);
}
