// BCD adjustments and SALC (invalid in 64-bit mode), per the SDM's pseudocode.
// Flags the SDM leaves undefined are computed as the result suggests (SF/ZF/PF from AL,
// OF cleared); the differential tests mask them.
#include "runtime/machine.h"
#include "runtime/monitor.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

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
      // The SDM's first step may set CF from the low-nibble carry, but its second step
      // assigns CF outright: CF = (old AL > 99H) or old CF.
      const uint8_t old_al = al;
      fl &= ~kFlagCF;
      if ((al & 0xF) > 9 || af) {
        al = k == Kind::Daa ? uint8_t(al + 6) : uint8_t(al - 6);
        fl |= kFlagAF;
      } else {
        fl &= ~kFlagAF;
      }
      if (old_al > 0x99 || cf) {
        al = k == Kind::Daa ? uint8_t(al + 0x60) : uint8_t(al - 0x60);
        fl |= kFlagCF;
      }
      eax = (eax & 0xFFFFFF00) | al;
      set_szp(fl, al);
      fl &= ~kFlagOF;
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
      uint8_t base = uint8_t(in.ops[0].imm.value.u);
      al = uint8_t(al + ah * base);
      eax = (eax & 0xFFFF0000) | al;
      set_szp(fl, al);
      fl &= ~(kFlagOF | kFlagAF | kFlagCF);
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
