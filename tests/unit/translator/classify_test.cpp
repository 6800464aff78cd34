// The instruction table: sensitive, privileged and CPU-model instructions never reach the copy path.
//
// Guest bytes were assembled with `nasm -f bin` (bits 32) and checked against its listing; the
// expected classes come from DESIGN.md §3 (Robin & Irvine's sensitive-but-unprivileged list,
// the SDM's CPL-0-only instructions, and the CPUID/TSC/SYSENTER CPU-model rows).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "translator/classify.h"
#include "translator/decode.h"
#include "translator/insn_table.h"

namespace {

using bt86::translator::InsnClass;
using bt86::translator::Kind;
using bt86::translator::Treatment;

struct Case {
  std::vector<uint8_t> bytes;
  const char* text;  // nasm source
  Kind kind;
};

// Decodes the whole byte string as one 32-bit instruction and returns its row.
Kind classify_bytes(const Case& c) {
  bt86::translator::Insn in;
  auto st = bt86::translator::decode(c.bytes.data(), c.bytes.size(), 0x1000, &in);
  REQUIRE(st == bt86::translator::DecodeStatus::kOk);
  REQUIRE(in.z.length == c.bytes.size());  // the bytes are one instruction, no more, no less
  return bt86::translator::classify(in);
}

// Every case must go to the monitor under the expected row and class, never be copied.
void check_monitor_rows(const std::vector<Case>& cases, InsnClass cls) {
  for (const Case& c : cases) {
    INFO(c.text << "  (" << bt86::translator::hex_bytes(c.bytes.data(), c.bytes.size()) << ")");
    Kind k = classify_bytes(c);
    INFO("classified as " << bt86::translator::info(k).name);
    CHECK(k != Kind::Copy);
    CHECK(k == c.kind);
    CHECK(bt86::translator::info(k).treatment == Treatment::Monitor);
    CHECK(bt86::translator::info(k).cls == cls);
  }
}

}  // namespace

TEST_CASE("Robin and Irvine's sensitive unprivileged instructions go to the monitor",
          "[translator]") {
  check_monitor_rows(
      {
          {{0x0f, 0x01, 0x00}, "sgdt [eax]", Kind::Sgdt},
          {{0x0f, 0x01, 0x08}, "sidt [eax]", Kind::Sidt},
          {{0x0f, 0x00, 0x00}, "sldt [eax]", Kind::Sldt},
          {{0x0f, 0x00, 0xc0}, "sldt eax", Kind::Sldt},
          {{0x0f, 0x00, 0x08}, "str [eax]", Kind::Str},
          {{0x0f, 0x01, 0x20}, "smsw [eax]", Kind::Smsw},
          {{0x9c}, "pushfd", Kind::Pushf},
          {{0x66, 0x9c}, "pushfw", Kind::Pushf},
          {{0x9d}, "popfd", Kind::Popf},
          {{0x66, 0x9d}, "popfw", Kind::Popf},
          {{0x0f, 0x02, 0xc1}, "lar eax,ecx", Kind::Lar},
          {{0x0f, 0x03, 0xc1}, "lsl eax,ecx", Kind::Lsl},
          {{0x0f, 0x00, 0xe0}, "verr ax", Kind::Verr},
          {{0x0f, 0x00, 0xe8}, "verw ax", Kind::Verw},
          {{0x06}, "push es", Kind::PushSeg},
          {{0x0e}, "push cs", Kind::PushSeg},
          {{0x16}, "push ss", Kind::PushSeg},
          {{0x1e}, "push ds", Kind::PushSeg},
          {{0x0f, 0xa0}, "push fs", Kind::PushSeg},
          {{0x0f, 0xa8}, "push gs", Kind::PushSeg},
          {{0x07}, "pop es", Kind::PopSeg},
          {{0x17}, "pop ss", Kind::PopSeg},
          {{0x1f}, "pop ds", Kind::PopSeg},
          {{0x0f, 0xa1}, "pop fs", Kind::PopSeg},
          {{0x0f, 0xa9}, "pop gs", Kind::PopSeg},
          {{0x8c, 0xd8}, "mov eax,ds", Kind::MovFromSeg},
          {{0x8c, 0x00}, "mov [eax],es", Kind::MovFromSeg},
          {{0x8e, 0xd8}, "mov ds,eax", Kind::MovToSeg},
          {{0x8e, 0x10}, "mov ss,[eax]", Kind::MovToSeg},
          {{0xc5, 0x01}, "lds eax,[ecx]", Kind::LoadFarPtr},
          {{0xc4, 0x01}, "les eax,[ecx]", Kind::LoadFarPtr},
          {{0x0f, 0xb4, 0x01}, "lfs eax,[ecx]", Kind::LoadFarPtr},
          {{0x0f, 0xb5, 0x01}, "lgs eax,[ecx]", Kind::LoadFarPtr},
          {{0x0f, 0xb2, 0x01}, "lss eax,[ecx]", Kind::LoadFarPtr},
          {{0x9a, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00}, "call 0x0008:0x12345678", Kind::CallFar},
          {{0xff, 0x18}, "call far [eax]", Kind::CallFar},
          {{0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00}, "jmp 0x0008:0x12345678", Kind::JmpFar},
          {{0xff, 0x28}, "jmp far [eax]", Kind::JmpFar},
          {{0xcb}, "retf", Kind::RetFar},
          {{0xca, 0x04, 0x00}, "retf 4", Kind::RetFar},
          {{0xcd, 0x80}, "int 0x80", Kind::Int},
          {{0xcc}, "int3", Kind::Int3},
          {{0xce}, "into", Kind::Into},
      },
      InsnClass::Sensitive);
}

TEST_CASE("privileged instructions go to the monitor", "[translator]") {
  check_monitor_rows(
      {
          {{0xfa}, "cli", Kind::Cli},
          {{0xfb}, "sti", Kind::Sti},
          {{0xf4}, "hlt", Kind::Hlt},
          {{0x0f, 0x01, 0x10}, "lgdt [eax]", Kind::Lgdt},
          {{0x0f, 0x01, 0x18}, "lidt [eax]", Kind::Lidt},
          {{0x0f, 0x00, 0xd0}, "lldt ax", Kind::Lldt},
          {{0x0f, 0x00, 0xd8}, "ltr ax", Kind::Ltr},
          {{0x0f, 0x01, 0xf0}, "lmsw ax", Kind::Lmsw},
          {{0x0f, 0x06}, "clts", Kind::Clts},
          {{0x0f, 0x22, 0xc0}, "mov cr0,eax", Kind::MovCr},
          {{0x0f, 0x20, 0xd8}, "mov eax,cr3", Kind::MovCr},
          {{0x0f, 0x22, 0xe0}, "mov cr4,eax", Kind::MovCr},
          {{0x0f, 0x23, 0xf8}, "mov dr7,eax", Kind::MovDr},
          {{0x0f, 0x21, 0xf0}, "mov eax,dr6", Kind::MovDr},
          {{0x0f, 0x08}, "invd", Kind::Invd},
          {{0x0f, 0x09}, "wbinvd", Kind::Wbinvd},
          {{0x0f, 0x01, 0x38}, "invlpg [eax]", Kind::Invlpg},
          {{0x0f, 0x32}, "rdmsr", Kind::Rdmsr},
          {{0x0f, 0x30}, "wrmsr", Kind::Wrmsr},
          {{0x0f, 0x33}, "rdpmc", Kind::Rdpmc},
          {{0xe4, 0x60}, "in al,0x60", Kind::In},
          {{0xed}, "in eax,dx", Kind::In},
          {{0xe6, 0x80}, "out 0x80,al", Kind::Out},
          {{0x66, 0xef}, "out dx,ax", Kind::Out},
          {{0x6c}, "insb", Kind::Ins},
          {{0x6d}, "insd", Kind::Ins},
          {{0xf3, 0x6c}, "rep insb", Kind::Ins},
          {{0x6e}, "outsb", Kind::Outs},
          {{0x6f}, "outsd", Kind::Outs},
          {{0xf3, 0x66, 0x6f}, "rep outsw", Kind::Outs},
          {{0x0f, 0x35}, "sysexit", Kind::Sysexit},
          {{0xcf}, "iretd", Kind::Iret},
          {{0x66, 0xcf}, "iretw", Kind::Iret},
      },
      InsnClass::Privileged);
}

TEST_CASE("CPUID, RDTSC and SYSENTER go to the monitor's CPU model", "[translator]") {
  check_monitor_rows(
      {
          {{0x0f, 0xa2}, "cpuid", Kind::Cpuid},
          {{0x0f, 0x31}, "rdtsc", Kind::Rdtsc},
          {{0x0f, 0x34}, "sysenter", Kind::Sysenter},
      },
      InsnClass::CpuModel);
}

TEST_CASE("encodings that are invalid in 64-bit mode are re-encoded or emulated, never copied",
          "[translator]") {
  SECTION("the one-byte INC/DEC forms are copied (the encoder picks FF /0, FF /1)") {
    for (uint8_t op = 0x40; op <= 0x4f; ++op) {
      INFO("opcode " << int(op));
      CHECK(classify_bytes({{op}, "inc/dec r32", Kind::Copy}) == Kind::Copy);
    }
  }
  SECTION("BCD, SALC, BOUND and ARPL go to the monitor as emulated instructions") {
    check_monitor_rows(
        {
            {{0x37}, "aaa", Kind::Aaa},
            {{0x3f}, "aas", Kind::Aas},
            {{0x27}, "daa", Kind::Daa},
            {{0x2f}, "das", Kind::Das},
            {{0xd4, 0x0a}, "aam", Kind::Aam},
            {{0xd5, 0x0a}, "aad", Kind::Aad},
            {{0xd6}, "salc", Kind::Salc},
            {{0x62, 0x01}, "bound eax,[ecx]", Kind::Bound},
            {{0x63, 0x00}, "arpl [eax],ax", Kind::Arpl},
        },
        InsnClass::Emulated);
  }
  SECTION("PUSHA and POPA are rewritten by the stack family") {
    for (const Case& c : std::vector<Case>{{{0x60}, "pushad", Kind::Pusha},
                                           {{0x61}, "popad", Kind::Popa},
                                           {{0x66, 0x60}, "pushaw", Kind::Pusha}}) {
      INFO(c.text);
      Kind k = classify_bytes(c);
      CHECK(k == c.kind);
      CHECK(bt86::translator::info(k).treatment == Treatment::Stack);
    }
  }
}

TEST_CASE("extensions outside the modeled CPU raise #UD", "[translator]") {
  for (const Case& c : std::vector<Case>{
           {{0x66, 0x0f, 0x38, 0x00, 0xc1}, "pshufb xmm0,xmm1 (SSSE3)", Kind::Undef},
           {{0x66, 0x0f, 0x38, 0x40, 0xc1}, "pmulld xmm0,xmm1 (SSE4.1)", Kind::Undef},
           {{0xf2, 0x0f, 0x38, 0xf1, 0xc1}, "crc32 eax,ecx (SSE4.2)", Kind::Undef},
           {{0xf3, 0x0f, 0xb8, 0xc1}, "popcnt eax,ecx", Kind::Undef},
           {{0x0f, 0x38, 0xf0, 0x01}, "movbe eax,[ecx]", Kind::Undef},
           {{0xc5, 0xf4, 0x58, 0xc2}, "vaddps ymm0,ymm1,ymm2 (AVX)", Kind::Undef},
           {{0xc5, 0xf8, 0x77}, "vzeroupper (AVX)", Kind::Undef},
           {{0x0f, 0x01, 0xf9}, "rdtscp (not in the modeled CPU)", Kind::Undef},
           {{0x0f, 0x0b}, "ud2", Kind::Undef},
       }) {
    INFO(c.text);
    Kind k = classify_bytes(c);
    CHECK(k == Kind::Undef);
    CHECK(bt86::translator::info(k).treatment == Treatment::Undef);
  }
}

TEST_CASE("REP BSF and REP BSR run as BSF and BSR, plain BSF is copied", "[translator]") {
  CHECK(classify_bytes({{0xf3, 0x0f, 0xbc, 0xc1}, "rep bsf eax,ecx", Kind::BitScanLegacy}) ==
        Kind::BitScanLegacy);
  CHECK(classify_bytes({{0xf3, 0x0f, 0xbd, 0xc1}, "rep bsr eax,ecx", Kind::BitScanLegacy}) ==
        Kind::BitScanLegacy);
  CHECK(classify_bytes({{0x0f, 0xbc, 0xc1}, "bsf eax,ecx", Kind::Copy}) == Kind::Copy);
  CHECK(bt86::translator::info(Kind::BitScanLegacy).treatment == Treatment::Copy);
}

TEST_CASE("string instructions get the string treatment, SSE2 MOVSD and CMPSD do not",
          "[translator]") {
  for (const Case& c : std::vector<Case>{
           {{0xa4}, "movsb", Kind::Movs},
           {{0xa5}, "movsd", Kind::Movs},
           {{0xf3, 0xa5}, "rep movsd", Kind::Movs},
           {{0x66, 0xa5}, "movsw", Kind::Movs},
           {{0xaa}, "stosb", Kind::Stos},
           {{0xad}, "lodsd", Kind::Lods},
           {{0xa6}, "cmpsb", Kind::Cmps},
           {{0xae}, "scasb", Kind::Scas},
           {{0xf2, 0xae}, "repne scasb", Kind::Scas},
       }) {
    INFO(c.text);
    Kind k = classify_bytes(c);
    CHECK(k == c.kind);
    CHECK(bt86::translator::info(k).treatment == Treatment::String);
  }
  CHECK(classify_bytes({{0xf2, 0x0f, 0x10, 0xc1}, "movsd xmm0,xmm1", Kind::Copy}) == Kind::Copy);
  CHECK(classify_bytes({{0xf2, 0x0f, 0xc2, 0xc1, 0x00}, "cmpsd xmm0,xmm1,0", Kind::Copy}) ==
        Kind::Copy);
}

TEST_CASE("ENDBR32 is copied as the hint NOP it is on older CPUs", "[translator]") {
  CHECK(classify_bytes({{0xf3, 0x0f, 0x1e, 0xfb}, "endbr32", Kind::Copy}) == Kind::Copy);
}

TEST_CASE("every row of the instruction table has a name and a description", "[translator]") {
  using bt86::translator::kKindInfo;
  STATIC_REQUIRE(sizeof kKindInfo / sizeof kKindInfo[0] == size_t(Kind::Count));
  for (int i = 0; i < int(Kind::Count); ++i) {
    const auto& row = bt86::translator::info(Kind(i));
    INFO("row " << i);
    REQUIRE(row.name != nullptr);
    REQUIRE(row.what != nullptr);
    CHECK(std::strlen(row.name) > 0);
    CHECK(std::strlen(row.what) > 0);
  }
  CHECK(std::string(bt86::translator::info(Kind::Copy).name) == "Copy");
  CHECK(std::string(bt86::translator::info(Kind::Sgdt).name) == "Sgdt");
}
