// Every guest-physical address and port constant of the bt86 PC, in one place.
#pragma once

#include <cstdint>

namespace bt86::layout {

// Conventional memory ends at 640 KiB; 0xA0000-0xFFFFF is the legacy VGA/ROM hole.
inline constexpr uint32_t kLowRamEnd = 0x000A0000;
inline constexpr uint32_t kHighRamStart = 0x00100000;

// Multiboot: where the loader puts the info block, the command line and the memory map.
inline constexpr uint32_t kMultibootInfo = 0x00009000;
inline constexpr uint32_t kMultibootCmdline = 0x00009400;
inline constexpr uint32_t kMultibootCmdlineMax = 0x00000C00;  // up to 0xA000
inline constexpr uint32_t kMultibootMmap = 0x0000A000;
inline constexpr uint32_t kMultibootMods = 0x00009200;        // the (empty) module list
inline constexpr uint32_t kMultibootLoaderName = 0x00009300;  // "bt86"
inline constexpr uint32_t kMultibootAreaEnd = 0x0000B000;     // [Info, AreaEnd): no kernel here

// Firmware areas that QEMU's SeaBIOS reports as reserved; the Multiboot map repeats them so
// that a guest sees the same memory under bt86 and under qemu-system-i386.
inline constexpr uint32_t kEbdaStart = 0x0009FC00;        // 1 KiB EBDA below 640 KiB
inline constexpr uint32_t kBiosAreaStart = 0x000F0000;    // BIOS segment F000
inline constexpr uint32_t kRamTopReserved = 0x00020000;   // firmware tables at the top of RAM
inline constexpr uint32_t kBiosRomStart = 0xFFFC0000;     // 256 KiB BIOS ROM alias below 4 GiB
inline constexpr uint32_t kBiosRomSize = 0x00040000;

// Guest RAM limits accepted by -m (MiB). The window is 4 GiB; above 3 GiB is reserved for MMIO.
inline constexpr uint32_t kMinRamMiB = 2;
inline constexpr uint32_t kMaxRamMiB = 3072;
inline constexpr uint32_t kDefaultRamMiB = 128;

// Legacy I/O ports.
inline constexpr uint16_t kPortPost = 0x80;
inline constexpr uint16_t kPortDebugExit = 0xF4;  // QEMU's isa-debug-exit,iobase=0xf4,iosize=4
inline constexpr uint16_t kPortDebugExitSize = 4;
inline constexpr uint16_t kPortCom1 = 0x3F8;
inline constexpr uint16_t kPortCom2 = 0x2F8;
inline constexpr uint16_t kPortCom3 = 0x3E8;
inline constexpr uint16_t kPortCom4 = 0x2E8;
inline constexpr uint16_t kUartPorts = 8;

// Linux boot protocol (the 32-bit entry of Documentation/arch/x86/boot.rst): the zero page
// (struct boot_params) and the command line lie in conventional memory, below the EBDA; the
// protected-mode part of the bzImage is loaded at 1 MiB, and the initrd as high as it may go.
inline constexpr uint32_t kLinuxBootParams = 0x00010000;      // ESI at the kernel's entry
inline constexpr uint32_t kLinuxBootParamsSize = 0x00001000;  // one 4 KiB page
inline constexpr uint32_t kLinuxCmdline = 0x00020000;
inline constexpr uint32_t kLinuxCmdlineMax = 0x00010000;  // with its NUL, up to 0x30000
inline constexpr uint32_t kLinuxKernel = 0x00100000;      // bzImage: "loaded high", at 1 MiB

// The PC's legacy ports (besides the UARTs above).
inline constexpr uint16_t kPortPicMaster = 0x20;       // 8259A master: command, data
inline constexpr uint16_t kPortPicSlave = 0xA0;        // 8259A slave
inline constexpr uint16_t kPortElcr = 0x4D0;           // edge/level control, IRQ0-7 and 8-15
inline constexpr uint16_t kPortPit = 0x40;             // 8254: counters 0-2, control word
inline constexpr uint16_t kPortSystemControlB = 0x61;  // ch2 gate, speaker, ch2 OUT, refresh
inline constexpr uint16_t kPortKbdData = 0x60;         // i8042 data
inline constexpr uint16_t kPortKbdCommand = 0x64;      // i8042 status / command
inline constexpr uint16_t kPortSystemControlA = 0x92;  // fast A20, fast reset
inline constexpr uint16_t kPortCmos = 0x70;            // RTC/CMOS index (bit 7: NMI off), data

// ISA IRQ lines.
inline constexpr unsigned kIrqPit = 0;
inline constexpr unsigned kIrqKeyboard = 1;
inline constexpr unsigned kIrqCom2 = 3;  // and COM4
inline constexpr unsigned kIrqCom1 = 4;  // and COM3
inline constexpr unsigned kIrqRtc = 8;
inline constexpr unsigned kIrqAux = 12;

}  // namespace bt86::layout
