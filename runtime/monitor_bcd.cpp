// BCD adjustments and SALC (invalid in 64-bit mode), per the SDM's pseudocode.
// Where the SDM leaves a flag undefined but hardware is deterministic, bt86 does what the
// hardware does, measured against native execution: AAD sets CF/AF/OF as the 8-bit add
// AL + AH*imm8 it performs; DAA/DAS set OF as the whole correction (+-06h, +-60h) would;
// AAM clears OF/AF/CF. AAA/AAS's SF/ZF/PF/OF follow no simple rule: SF/ZF/PF come from AL.
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

// OF of the 8-bit a + b (or a - b).
bool add_overflows(uint8_t a, uint8_t b) { return (~(a ^ b) & (a ^ uint8_t(a + b))) & 0x80; }
bool sub_overflows(uint8_t a, uint8_t b) { return ((a ^ b) & (a ^ uint8_t(a - b))) & 0x80; }

void set_szp(uint32_t& fl, uint8_t al) {
  fl &= ~(kFlagSF | kFlagZF | kFlagPF);
  if (al & 0x80) fl |= kFlagSF;
  if (al == 0) fl |= kFlagZF;
  fl |= parity_flag(al);
}

}  // namespace

bool perform_bcd(Machine& m, const Insn& in, Kind k) {
  VcpuState& v = m.vcpu();
  uint32_t& eax = v.gpr[0];
  uint32_t& fl = v.eflags;
  uint8_t al = eax & 0xFF, ah = (eax >> 8) & 0xFF;
  const bool cf = fl & kFlagCF, af = fl & kFlagAF;
  switch (k) {
    case Kind::Aaa:
    case Kind::Aas: {
      if ((al & 0xF) > 9 || af) {
        if (k == Kind::Aaa) {
          uint16_t ax = uint16_t((eax & 0xFFFF) + 0x106);
          eax = (eax & 0xFFFF0000) | ax;
        } else {
          uint16_t ax = uint16_t((eax & 0xFFFF) - 6);
          ah = uint8_t((ax >> 8) - 1);
          eax = (eax & 0xFFFF0000) | (uint32_t(ah) << 8) | (ax & 0xFF);
        }
        fl |= kFlagAF | kFlagCF;
      } else {
        fl &= ~(kFlagAF | kFlagCF);
      }
      eax = (eax & 0xFFFFFF00) | (eax & 0x0F);  // AL = AL AND 0FH
      set_szp(fl, uint8_t(eax));
      fl &= ~kFlagOF;
      return true;
    }
    case Kind::Daa:
    case Kind::Das: {
      // SDM: DAS keeps the borrow of AL - 6 in CF; DAA's second step assigns CF outright
      // (its carry from AL + 6 cannot happen when old AL <= 99h anyway).
      const uint8_t old_al = al;
      uint8_t correction = 0;
      fl &= ~(kFlagCF | kFlagOF);
      if ((al & 0xF) > 9 || af) {
        correction += 6;
        fl |= kFlagAF;
        if (k == Kind::Das && (old_al < 6 || cf)) fl |= kFlagCF;
      } else {
        fl &= ~kFlagAF;
      }
      if (old_al > 0x99 || cf) {
        correction += 0x60;
        fl |= kFlagCF;
      }
      const bool daa = k == Kind::Daa;
      al = daa ? uint8_t(old_al + correction) : uint8_t(old_al - correction);
      if (daa ? add_overflows(old_al, correction) : sub_overflows(old_al, correction)) fl |= kFlagOF;
      eax = (eax & 0xFFFFFF00) | al;
      set_szp(fl, al);
      return true;
    }
    case Kind::Aam: {
      uint8_t base = uint8_t(in.ops[0].imm.value.u);
      if (base == 0) {
        m.raise(0);
        return false;
      }
      ah = al / base;
      al = al % base;
      eax = (eax & 0xFFFF0000) | (uint32_t(ah) << 8) | al;
      set_szp(fl, al);
      fl &= ~(kFlagOF | kFlagAF | kFlagCF);
      return true;
    }
    case Kind::Aad: {
      const uint8_t addend = uint8_t(ah * uint8_t(in.ops[0].imm.value.u));
      const uint8_t old_al = al;
      al = uint8_t(al + addend);
      eax = (eax & 0xFFFF0000) | al;
      set_szp(fl, al);
      fl &= ~(kFlagOF | kFlagAF | kFlagCF);
      if (unsigned(old_al) + addend > 0xFF) fl |= kFlagCF;
      if ((old_al & 0xF) + (addend & 0xF) > 0xF) fl |= kFlagAF;
      if (add_overflows(old_al, addend)) fl |= kFlagOF;
      return true;
    }
    case Kind::Salc:
      eax = (eax & 0xFFFFFF00) | (cf ? 0xFF : 0x00);
      return true;
    default:
      return false;
  }
}

}  // namespace bt86::runtime
