// Port 0x92, PS/2 system control port A: the chipset's fast CPU reset and fast A20 gate.
#pragma once

#include <cstdint>

#include "devices/machine_control.h"
#include "devices/port_device.h"

namespace bt86::devices {

namespace port92 {

inline constexpr uint8_t kFastReset = 0x01;  // a 0 to 1 transition resets the CPU
inline constexpr uint8_t kA20 = 0x02;

}  // namespace port92

// One port. Linux's boot code (arch/x86/boot/a20.c) reads it, sets bit 1, clears bit 0 and
// writes it back when the keyboard controller's A20 gate did not work. Both bits read back as
// written, as on the PIIX and ICH chipsets; the others are reserved there and read as 0.
//
// On a PC the A20 gate is the OR of this bit and the i8042 output port's. bt86 only records
// the state: its address windows cannot wrap guest addresses at 1 MiB, and the kernels it
// boots never ask for A20 to be off.
class Port92 final : public PortDevice {
 public:
  explicit Port92(MachineControl& machine) : machine_(machine) {}

  const char* name() const override { return "port92"; }
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  bool a20() const { return (value_ & port92::kA20) != 0; }

 private:
  MachineControl& machine_;
  // A20 reads as enabled from the start: bt86 never wraps addresses at 1 MiB, and a guest
  // booted without firmware finds A20 on, as SeaBIOS leaves it under QEMU.
  uint8_t value_ = port92::kA20;
};

}  // namespace bt86::devices
