// The confinement verifier (DESIGN.md §2.5): what a translated block may touch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "translator/emitter.h"

namespace bt86::translator {

// Decodes the host code of one block (as it will sit at `address`) and checks that every
// memory access goes through GS with 32-bit addressing (the guest window), through r13
// into the vCPU state, or through the string-pointer pattern into the window; that every
// jump stays in the block or goes to the glue or the inline table; and that nothing else
// (calls, system instructions, stack, segment or GS-base writes) appears.
bool verify_block(const uint8_t* code, size_t size, uint64_t address, const GlueAddrs& glue,
                  std::string* why);

}  // namespace bt86::translator
