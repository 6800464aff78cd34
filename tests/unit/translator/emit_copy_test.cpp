// The copy path seen from outside: guest snippets through a real Machine, host code read by Capstone.
//
// Guest bytes were assembled with nasm (bits 32); expected host bytes with nasm (bits 64) and
// checked with objdump. Each snippet is followed by HLT (F4), a monitor row, so the guest
// instruction under test is never the last one: its host code is exactly the range between
// its side-table entry and the next one.
#include <catch2/catch.hpp>
#include <capstone/capstone.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/machine.h"
#include "runtime/vcpu.h"
#include "translator/block.h"
#include "translator/classify.h"

namespace {

using Bytes = std::vector<uint8_t>;
using bt86::translator::Block;
using bt86::translator::Fixup;

constexpr uint32_t kCode = 0x10000;

bt86::runtime::Machine& machine() {
  static std::unique_ptr<bt86::runtime::Machine> m = [] {
    bt86::runtime::MachineOptions opt;
    opt.ram_mib = 16;
    opt.tc_mib = 8;
    opt.translate.verify = true;  // every block here also passes the confinement verifier
    auto made = bt86::runtime::Machine::create(opt);
    REQUIRE(made.has_value());
    return std::move(*made);
  }();
  return *m;
}

// One host instruction as Capstone sees it, with its raw bytes.
struct HostInsn {
  Bytes bytes;
  std::string text;
  unsigned id;
  cs_x86 x86;
};

struct Translation {
  Block* block;
  Bytes host;                  // host code of the first guest instruction
  std::vector<HostInsn> insns; // the same, disassembled
  std::string listing;
};

std::vector<HostInsn> disassemble(const Bytes& code, std::string* listing) {
  csh cs;
  REQUIRE(cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK);
  cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
  cs_insn* ci = cs_malloc(cs);
  std::vector<HostInsn> out;
  const uint8_t* p = code.data();
  size_t left = code.size();
  uint64_t address = 0;
  while (left > 0) {
    size_t before = left;
    if (!cs_disasm_iter(cs, &p, &left, &address, ci)) break;
    HostInsn h{Bytes(p - (before - left), p), std::string(ci->mnemonic) + " " + ci->op_str,
               ci->id, ci->detail->x86};
    *listing += h.text + "\n";
    out.push_back(h);
  }
  bool complete = left == 0;
  cs_free(ci, 1);
  cs_close(&cs);
  REQUIRE(complete);  // Capstone decodes every host byte
  return out;
}

// Translates `guest` + HLT at kCode and returns the host code of the first instruction.
Translation translate(const Bytes& guest) {
  bt86::runtime::Machine& m = machine();
  m.tc().flush();
  Bytes code = guest;
  code.push_back(0xf4);  // hlt
  m.ram().write(kCode, code.data(), code.size());
  auto r = m.translator().translate(kCode, bt86::translator::ModeKey{});
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.has_value());
  Translation t;
  t.block = *r;
  REQUIRE(t.block->side.size() >= 2);
  REQUIRE(t.block->side[0].guest_eip == kCode);
  REQUIRE(t.block->side[1].guest_eip == kCode + guest.size());
  const uint8_t* begin = t.block->code + t.block->side[0].host_off;
  const uint8_t* end = t.block->code + t.block->side[1].host_off;
  REQUIRE(begin < end);
  t.host.assign(begin, end);
  t.insns = disassemble(t.host, &t.listing);
  return t;
}

// The legacy prefixes in front of a host instruction (before REX and the opcode).
bool has_prefix(const HostInsn& h, uint8_t prefix) {
  for (uint8_t b : h.bytes) {
    if (b == prefix) return true;
    bool legacy = b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
                  b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3;
    if (!legacy) return false;
  }
  return false;
}

const cs_x86_op* memory_operand(const HostInsn& h) {
  for (int i = 0; i < h.x86.op_count; ++i)
    if (h.x86.operands[i].type == X86_OP_MEM) return &h.x86.operands[i];
  return nullptr;
}

bool is_gs_access(const HostInsn& h) {
  const cs_x86_op* m = memory_operand(h);
  return m && h.id != X86_INS_LEA && (m->mem.segment == X86_REG_GS || has_prefix(h, 0x65));
}

// Every GS access uses 32-bit addressing, so the guest address wraps inside the window.
void check_gs_accesses_use_addr32(const Translation& t) {
  for (const HostInsn& h : t.insns) {
    if (!is_gs_access(h)) continue;
    INFO(h.text);
    CHECK(has_prefix(h, 0x67));
    CHECK(h.x86.addr_size == 4);
  }
}

// The guest address of the only GS access: its displacement plus the value the sequence put
// into its base register with `mov r32, imm32` (32-bit arithmetic, as the CPU does with addr32).
uint32_t absolute_address_of_gs_access(const Translation& t) {
  std::vector<std::pair<x86_reg, uint32_t>> constants;
  int accesses = 0;
  uint32_t address = 0;
  for (const HostInsn& h : t.insns) {
    if (h.id == X86_INS_MOV && h.x86.op_count == 2 && h.x86.operands[0].type == X86_OP_REG &&
        h.x86.operands[1].type == X86_OP_IMM)
      constants.push_back({h.x86.operands[0].reg, uint32_t(h.x86.operands[1].imm)});
    if (!is_gs_access(h)) continue;
    ++accesses;
    const cs_x86_op* m = memory_operand(h);
    REQUIRE(m->mem.index == X86_REG_INVALID);
    address = uint32_t(m->mem.disp);
    if (m->mem.base != X86_REG_INVALID) {
      bool known = false;
      for (auto& [r, v] : constants)
        if (r == m->mem.base) address += v, known = true;
      INFO(h.text);
      REQUIRE(known);  // the base holds a constant set earlier in the sequence
    }
  }
  REQUIRE(accesses == 1);
  return address;
}

}  // namespace

TEST_CASE("a load with a scaled index is re-encoded with only GS and addr32 added", "[translator]") {
  // 03 44 8e fc   add eax,[esi+ecx*4-4]  ->  65 67 03 44 8e fc   add eax,gs:[esi+ecx*4-4]
  Translation t = translate({0x03, 0x44, 0x8e, 0xfc});
  INFO(t.listing);
  CHECK(t.host == Bytes{0x65, 0x67, 0x03, 0x44, 0x8e, 0xfc});
}

TEST_CASE("the one-byte DEC, invalid in 64-bit mode, becomes FF /1", "[translator]") {
  // 49   dec ecx  ->  ff c9   dec ecx
  Translation t = translate({0x49});
  INFO(t.listing);
  CHECK(t.host == Bytes{0xff, 0xc9});
}

TEST_CASE("an ESP-based load addresses r12d through GS with addr32", "[translator]") {
  // 8b 44 24 08   mov eax,[esp+8]  ->  65 67 41 8b 44 24 08   mov eax,gs:[r12d+8]
  Translation t = translate({0x8b, 0x44, 0x24, 0x08});
  INFO(t.listing);
  REQUIRE(t.insns.size() == 1);
  const HostInsn& h = t.insns[0];
  const cs_x86_op* m = memory_operand(h);
  REQUIRE(m != nullptr);
  CHECK(h.id == X86_INS_MOV);
  CHECK(h.x86.operands[0].type == X86_OP_REG);
  CHECK(h.x86.operands[0].reg == X86_REG_EAX);
  CHECK(m->mem.base == X86_REG_R12D);
  CHECK(m->mem.index == X86_REG_INVALID);
  CHECK(m->mem.disp == 8);
  CHECK(has_prefix(h, 0x65));
  CHECK(has_prefix(h, 0x67));
  CHECK(h.x86.addr_size == 4);
  CHECK(t.block->side[0].fixup == Fixup::kNone);
}

TEST_CASE("a high-byte load from the stack borrows a guest register and records the fixup",
          "[translator]") {
  // 8a 64 24 04   mov ah,[esp+4]: AH cannot share an instruction with a REX prefix, so
  // r12d cannot be named; a guest register the instruction does not use carries the address.
  Translation t = translate({0x8a, 0x64, 0x24, 0x04});
  INFO(t.listing);
  const bt86::translator::SideEntry& side = t.block->side[0];
  REQUIRE(side.fixup == Fixup::kRestoreBorrowed);
  CHECK(side.fixup_reg != 0);  // not EAX (holds AH)
  CHECK(side.fixup_reg != 4);  // not ESP
  CHECK(side.fixup_reg < 8);

  const int32_t scratch0 = bt86::runtime::vcpu_off::scratch(0);
  REQUIRE(t.insns.size() >= 3);
  // Saved first, restored last, both through [r13 + scratch(0)].
  const HostInsn& save = t.insns.front();
  const HostInsn& restore = t.insns.back();
  const cs_x86_op* sm = memory_operand(save);
  const cs_x86_op* rm = memory_operand(restore);
  REQUIRE(sm != nullptr);
  REQUIRE(rm != nullptr);
  CHECK(sm->mem.base == X86_REG_R13);
  CHECK(sm->mem.disp == scratch0);
  CHECK(rm->mem.base == X86_REG_R13);
  CHECK(rm->mem.disp == scratch0);
  CHECK(save.x86.operands[1].type == X86_OP_REG);
  CHECK(restore.x86.operands[0].type == X86_OP_REG);
  CHECK(save.x86.operands[1].reg == restore.x86.operands[0].reg);

  // Exactly one GS access, writing AH, without REX, with addr32.
  int loads = 0;
  for (const HostInsn& h : t.insns) {
    if (!is_gs_access(h)) continue;
    ++loads;
    INFO(h.text);
    CHECK(h.x86.rex == 0);
    CHECK(h.x86.operands[0].type == X86_OP_REG);
    CHECK(h.x86.operands[0].reg == X86_REG_AH);
    CHECK(memory_operand(h)->mem.base != X86_REG_R12D);
  }
  CHECK(loads == 1);
  check_gs_accesses_use_addr32(t);
}

TEST_CASE("absolute addresses at or above 2 GiB never become a GS access without addr32",
          "[translator]") {
  struct Snippet {
    Bytes bytes;
    const char* text;
    uint32_t address;
  };
  for (const Snippet& s : std::vector<Snippet>{
           {{0xa1, 0x00, 0x00, 0x00, 0x90}, "mov eax,[0x90000000] (moffs)", 0x90000000},
           {{0x8b, 0x05, 0x00, 0x00, 0x00, 0x90}, "mov eax,[0x90000000] (modrm)", 0x90000000},
           {{0xa3, 0x00, 0x00, 0x00, 0x90}, "mov [0x90000000],eax", 0x90000000},
           {{0x83, 0x05, 0xfc, 0xff, 0xff, 0xff, 0x01}, "add dword [0xfffffffc],1", 0xfffffffc},
           {{0x8b, 0x05, 0x00, 0x10, 0x00, 0x00}, "mov eax,[0x1000]", 0x1000},
       }) {
    INFO(s.text);
    Translation t = translate(s.bytes);
    INFO(t.listing);
    check_gs_accesses_use_addr32(t);
    CHECK(absolute_address_of_gs_access(t) == s.address);
  }
}

TEST_CASE("LEA of an absolute address becomes a move of the constant", "[translator]") {
  SECTION("below 2 GiB: exactly one mov") {
    // 8d 05 78 56 34 12   lea eax,[0x12345678]  ->  mov eax,0x12345678
    Translation t = translate({0x8d, 0x05, 0x78, 0x56, 0x34, 0x12});
    INFO(t.listing);
    REQUIRE(t.insns.size() == 1);
    const HostInsn& h = t.insns[0];
    CHECK(h.id == X86_INS_MOV);
    REQUIRE(h.x86.op_count == 2);
    CHECK(h.x86.operands[0].type == X86_OP_REG);
    CHECK(h.x86.operands[0].reg == X86_REG_EAX);
    CHECK(h.x86.operands[1].type == X86_OP_IMM);
    CHECK(uint32_t(h.x86.operands[1].imm) == 0x12345678u);
  }
  SECTION("at or above 2 GiB: the destination ends with the constant, no memory is touched") {
    // 8d 0d 00 00 00 90   lea ecx,[0x90000000]
    Translation t = translate({0x8d, 0x0d, 0x00, 0x00, 0x00, 0x90});
    INFO(t.listing);
    REQUIRE(!t.insns.empty());
    for (const HostInsn& h : t.insns) {
      INFO(h.text);
      CHECK(memory_operand(h) == nullptr);
    }
    const HostInsn& last = t.insns.back();
    CHECK(last.id == X86_INS_MOV);
    CHECK(last.x86.operands[0].reg == X86_REG_ECX);
    CHECK(last.x86.operands[1].type == X86_OP_IMM);
    CHECK(uint32_t(last.x86.operands[1].imm) == 0x90000000u);
  }
}

// Regression: a copied instruction without memory operands that carried a redundant
// address-size prefix could not be translated; the VM stopped with "cannot re-encode".
//   67 90   addr16 nop          67 04 71   addr16 add al,0x71        67 f8   addr16 clc
// The encoder request built from the decoded instruction keeps a 16-bit address-size hint
// (the decoder's address width), which no 64-bit encoding can honour, and emit_copy.cpp
// passes it on when there is no memory operand. The prefix means nothing here, so the
// expected translation is the instruction without it (90, 04 71, f8). Fixed by clearing the
// hint for memory-less instructions in emit_copy.cpp.
TEST_CASE("a redundant address-size prefix on an instruction without memory still translates",
          "[translator]") {
  for (const Bytes& guest : {Bytes{0x67, 0x90}, Bytes{0x67, 0x04, 0x71}, Bytes{0x67, 0xf8}}) {
    INFO(bt86::translator::hex_bytes(guest.data(), guest.size()));
    Translation t = translate(guest);
    INFO(t.listing);
    CHECK(t.host == Bytes(guest.begin() + 1, guest.end()));
  }
}

// Property: the copy path turns every instruction the table copies into a block that the
// verifier accepts (translate() runs it here). A translation failure would stop the VM.
TEST_CASE("every copied instruction from random bytes translates into a verified block",
          "[translator]") {
  const uint64_t seed = 0xc0b1'e5ull;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  int tried = 0, failed = 0;
  std::string first;
  for (int n = 0; n < 100000; ++n) {
    Bytes guest(1 + rng() % 15);
    for (uint8_t& b : guest) b = uint8_t(rng());
    bt86::translator::Insn in;
    if (bt86::translator::decode(guest.data(), guest.size(), kCode, &in) !=
        bt86::translator::DecodeStatus::kOk)
      continue;
    bt86::translator::Kind kind = bt86::translator::classify(in);
    if (bt86::translator::info(kind).treatment != bt86::translator::Treatment::Copy) continue;
    guest.resize(in.z.length);
    ++tried;
    bt86::runtime::Machine& m = machine();
    m.tc().flush();
    guest.push_back(0xf4);  // hlt
    m.ram().write(kCode, guest.data(), guest.size());
    auto r = m.translator().translate(kCode, bt86::translator::ModeKey{});
    if (!r) {
      ++failed;
      if (failed <= 10) first += r.error().message + "\n";
    }
  }
  INFO(failed << " of " << tried << " copied instructions failed:\n" << first);
  CHECK(tried > 20000);
  CHECK(failed == 0);
}
