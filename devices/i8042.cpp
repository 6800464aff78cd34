// The i8042's status, command byte, output port and output buffer, and the keyboard's replies.
#include "devices/i8042.h"

#include "common/result.h"

namespace bt86::devices {

using namespace i8042;

namespace {

// A port is one byte wide: a wider access uses its low byte, and the bytes above read as an
// undriven bus (all ones), as the unclaimed ports next to 0x60 and 0x64 would.
uint32_t widen(uint8_t value, unsigned size) {
  const uint32_t upper = size == 1 ? 0 : (size == 2 ? 0xFF00u : 0xFFFFFF00u);
  return upper | value;
}

// The controller's scancode translation (set 2 to set 1) for the bytes this keyboard sends:
// its ID byte and the scancode set numbers, which reach the guest translated as on a real PC
// (so Linux sees the familiar AB 41). Acknowledgements and the BAT code translate to
// themselves. A host keyboard feeding scancodes will need the full table.
uint8_t translate(uint8_t set2) {
  switch (set2) {
    case 0x01:
      return 0x43;
    case 0x02:
      return 0x41;
    case 0x03:
      return 0x3F;
    case kKbdId1:
      return 0x41;
  }
  return set2;
}

// What 0xC0 reads. Only bit 7 (keyboard not inhibited by the keylock) means anything to PC
// software; the AT's display and RAM jumpers are long gone. QEMU answers the same.
constexpr uint8_t kInputPort = 0x80;

// The keyboard's typematic byte after a reset: 10.9 characters/s after 500 ms.
constexpr uint8_t kDefaultTypematic = 0x2B;

}  // namespace

I8042::I8042(MachineControl& machine, IrqLine irq1, IrqLine irq12)
    : machine_(machine), irq1_(irq1), irq12_(irq12) {
  ram_[0] = kDefaultCommandByte;
  keyboard_set_defaults();
}

uint32_t I8042::DataPort::read(uint16_t, unsigned size) {
  return widen(owner_.read_data(), size);
}

void I8042::DataPort::write(uint16_t, unsigned, uint32_t value) {
  owner_.write_data(static_cast<uint8_t>(value));
}

uint32_t I8042::CommandPort::read(uint16_t, unsigned size) {
  return widen(owner_.read_status(), size);
}

void I8042::CommandPort::write(uint16_t, unsigned, uint32_t value) {
  owner_.write_command(static_cast<uint8_t>(value));
}

// Reading with the buffer empty gives the last byte again: the chip's output register keeps
// it, and Linux's i8042_flush and polling loops may read once more than needed.
uint8_t I8042::read_data() {
  if (!output_full_) return last_read_;
  output_full_ = false;
  last_read_ = output_.value;
  // The IRQ line follows OBF, so it drops here and rises again for the next byte: the edge
  // the 8259 needs to see that byte as a new interrupt.
  update_irqs();
  fill_output_buffer();
  return last_read_;
}

uint8_t I8042::read_status() const {
  // SYS stays clear until the guest runs a self-test: as on QEMU's power-on, since bt86 runs
  // no firmware to do one. Bit 4 says no keylock inhibits the keyboard.
  uint8_t status = kStatusUnlocked;
  if (output_full_) {
    status |= kStatusObf;
    if (output_.source == Source::kAux) status |= kStatusAuxObf;
  }
  if (sys_flag_) status |= kStatusSys;
  if (last_write_was_command_) status |= kStatusCmd;
  return status;
}

void I8042::write_data(uint8_t value) {
  last_write_was_command_ = false;
  if (pending_command_ != 0) {
    const uint8_t command = pending_command_;
    pending_command_ = 0;
    complete_command(command, value);
    return;
  }
  // A data byte with no controller command awaiting it goes to the keyboard.
  keyboard_receive(value);
}

void I8042::write_command(uint8_t command) {
  last_write_was_command_ = true;
  // A new command abandons one still waiting for its data byte.
  pending_command_ = 0;

  if (command >= kCmdReadRam && command < kCmdReadRam + kRamSize) {
    reply(ram_[command - kCmdReadRam]);
    return;
  }
  if (command >= kCmdWriteRam && command < kCmdWriteRam + kRamSize) {
    pending_command_ = command;
    return;
  }
  if (command >= kCmdPulse) {
    // Bits 3:0 clear in the command are pulsed low on output port lines 3:0. Only line 0,
    // the CPU reset, does anything on a PC; 0xFF pulses nothing (Linux's A20 code sends it as
    // a null command).
    if ((command & kOutReset) == 0) {
      machine_.request_reset(strfmt("i8042 command 0x%02X", unsigned{command}));
    }
    return;
  }
  switch (command) {
    case kCmdAuxDisable:
      set_command_byte(command_byte() | kCtrAuxDisable);
      return;
    case kCmdAuxEnable:
      set_command_byte(command_byte() & ~kCtrAuxDisable);
      return;
    case kCmdAuxTest:
    case kCmdKbdTest:
      reply(kInterfaceOk);  // clock and data lines neither stuck high nor low
      return;
    case kCmdSelfTest:
      sys_flag_ = true;
      reply(kSelfTestPassed);
      return;
    case kCmdKbdDisable:
      set_command_byte(command_byte() | kCtrKbdDisable);
      return;
    case kCmdKbdEnable:
      set_command_byte(command_byte() & ~kCtrKbdDisable);
      return;
    case kCmdReadInput:
      reply(kInputPort);
      return;
    case kCmdReadOutput:
      reply(output_port());
      return;
    case kCmdWriteOutput:
    case kCmdWriteKbdBuffer:
    case kCmdWriteAuxBuffer:
    case kCmdWriteAux:
      pending_command_ = command;
      return;
    case kCmdA20Off:
      write_output_port(output_port_ & ~kOutA20);
      return;
    case kCmdA20On:
      write_output_port(output_port_ | kOutA20);
      return;
  }
  // Other commands (password, controller version, test inputs...) vary between vendors' 8042
  // firmware and no PC OS depends on them; like QEMU, we ignore them.
}

void I8042::complete_command(uint8_t command, uint8_t data) {
  if (command >= kCmdWriteRam && command < kCmdWriteRam + kRamSize) {
    if (command == kCmdWriteRam) {
      set_command_byte(data);
    } else {
      ram_[command - kCmdWriteRam] = data;
    }
    return;
  }
  switch (command) {
    case kCmdWriteOutput:
      write_output_port(data);
      return;
    case kCmdWriteKbdBuffer:
      reply(data, Source::kKeyboard);
      return;
    case kCmdWriteAuxBuffer:
      reply(data, Source::kAux);
      return;
    case kCmdWriteAux:
      // No aux device is attached, so the byte is clocked out to nobody and nothing answers.
      // Linux's psmouse then times out on its first probe command and leaves serio1 without
      // a driver, which is how a PC with no mouse plugged in boots.
      return;
  }
}

void I8042::set_command_byte(uint8_t value) {
  ram_[0] = value;
  // Enabling the keyboard releases bytes it was holding; the IRQ enables gate the lines.
  update_irqs();
  fill_output_buffer();
}

void I8042::write_output_port(uint8_t value) {
  // Bits 4 and 5 are driven by the output buffer, not latched.
  output_port_ = value & ~(kOutKbdObf | kOutAuxObf);
  if ((value & kOutReset) == 0) machine_.request_reset("i8042 output port");
}

uint8_t I8042::output_port() const {
  uint8_t value = output_port_;
  if (irq1_level_) value |= kOutKbdObf;
  if (irq12_level_) value |= kOutAuxObf;
  return value;
}

void I8042::reply(uint8_t value, Source source) {
  replies_.push_back({value, source});
  fill_output_buffer();
}

void I8042::fill_output_buffer() {
  if (output_full_) return;
  // The controller's own replies go first: the chip writes them straight into the buffer,
  // while the keyboard has to clock its bytes in, which it may not do while disabled.
  if (!replies_.empty()) {
    output_ = replies_.front();
    replies_.pop_front();
  } else if (!keyboard_out_.empty() && (command_byte() & kCtrKbdDisable) == 0) {
    uint8_t value = keyboard_out_.front();
    keyboard_out_.pop_front();
    if (command_byte() & kCtrTranslate) value = translate(value);
    output_ = {value, Source::kKeyboard};
  } else {
    return;
  }
  output_full_ = true;
  update_irqs();
}

// IRQ1 and IRQ12 are output port bits 4 and 5: a level that follows "the buffer holds a byte
// from this device" gated by the command byte's enable, as the chip drives them.
void I8042::update_irqs() {
  const bool irq1 =
      output_full_ && output_.source == Source::kKeyboard && (command_byte() & kCtrKbdInt) != 0;
  const bool irq12 =
      output_full_ && output_.source == Source::kAux && (command_byte() & kCtrAuxInt) != 0;
  if (irq1 != irq1_level_) {
    irq1_level_ = irq1;
    irq1_.set(irq1);
  }
  if (irq12 != irq12_level_) {
    irq12_level_ = irq12;
    irq12_.set(irq12);
  }
}

// The keyboard: an MF2 keyboard's command set as Linux's atkbd drives it. Commands that take
// an argument accept any next byte as it, as QEMU's keyboard does.
void I8042::keyboard_receive(uint8_t value) {
  if (keyboard_pending_ != 0) {
    const uint8_t command = keyboard_pending_;
    keyboard_pending_ = 0;
    switch (command) {
      case kKbdSetLeds:
        leds_ = value & 0x07;
        keyboard_send(kKbdAck);
        return;
      case kKbdTypematic:
        typematic_ = value & 0x7F;
        keyboard_send(kKbdAck);
        return;
      case kKbdScancodeSet:
        if (value == 0) {
          keyboard_send(kKbdAck);
          keyboard_send(scancode_set_);
        } else if (value <= 3) {
          scancode_set_ = value;
          keyboard_send(kKbdAck);
        } else {
          keyboard_send(kKbdNak);
        }
        return;
    }
  }
  switch (value) {
    case kKbdSetLeds:
    case kKbdTypematic:
    case kKbdScancodeSet:
      keyboard_pending_ = value;
      keyboard_send(kKbdAck);
      return;
    case kKbdEcho:
      keyboard_send(kKbdEchoReply);  // the one command answered without an ACK
      return;
    case kKbdIdentify:
      keyboard_send(kKbdAck);
      keyboard_send(kKbdId0);
      keyboard_send(kKbdId1);
      return;
    case kKbdEnable:
      scanning_ = true;
      keyboard_send(kKbdAck);
      return;
    case kKbdDisable:
      keyboard_set_defaults();
      scanning_ = false;
      keyboard_send(kKbdAck);
      return;
    case kKbdDefaults:
      keyboard_set_defaults();
      keyboard_send(kKbdAck);
      return;
    case kKbdResend:
      keyboard_send(keyboard_last_sent_);
      return;
    case kKbdReset:
      // The keyboard drops what it had not yet sent, acknowledges, and reports its BAT.
      keyboard_out_.clear();
      keyboard_set_defaults();
      keyboard_send(kKbdAck);
      keyboard_send(kKbdBatPassed);
      return;
  }
  keyboard_send(kKbdNak);
}

void I8042::keyboard_send(uint8_t value) {
  keyboard_last_sent_ = value;
  keyboard_out_.push_back(value);
  fill_output_buffer();
}

void I8042::keyboard_set_defaults() {
  scanning_ = true;
  scancode_set_ = 2;
  leds_ = 0;
  typematic_ = kDefaultTypematic;
}

}  // namespace bt86::devices
