// Capstone disassembly for humans: traces, golden files, failure dumps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace bt86::translator {

// One line per host instruction: "  +off: mnemonic operands".
void disassemble_host(FILE* out, const uint8_t* code, size_t size);
std::string disassemble_host(const uint8_t* code, size_t size, uint64_t address);
// 32-bit guest code.
std::string disassemble_guest(const uint8_t* code, size_t size, uint64_t address);

}  // namespace bt86::translator
