// Maps a decoded guest instruction to its row of the instruction table.
#pragma once

#include "translator/decode.h"
#include "translator/block.h"
#include "translator/insn_table.h"

namespace bt86::translator {

Kind classify(const Insn& insn);

// True for the instruction-set extensions of the modeled CPU (the same ones CPUID reports).
bool isa_set_modeled(ZydisISASet set);

// The exception (6 #UD, 7 #NM) an x87, MMX or SSE instruction raises before executing under
// the mode's CR0.MP/EM/TS and CR4.OSFXSR, or -1 (SDM vol. 3 table 13-? and each
// instruction's protected-mode exceptions).
int fpu_exception(const Insn& insn, ModeKey mode);

}  // namespace bt86::translator
