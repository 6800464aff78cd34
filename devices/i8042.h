// The i8042 keyboard controller at ports 0x60/0x64, with a PS/2 keyboard answering commands.
#pragma once

#include <array>
#include <cstdint>
#include <deque>

#include "devices/irq.h"
#include "devices/machine_control.h"
#include "devices/port_device.h"

namespace bt86::devices {

// Register bits, commands and replies, named after Linux's drivers/input/serio/i8042.h and
// the IBM PS/2 and AT technical references.
namespace i8042 {

// Status register (read from the command port).
inline constexpr uint8_t kStatusObf = 0x01;       // output buffer full
inline constexpr uint8_t kStatusIbf = 0x02;       // input buffer full (never: commands are instant)
inline constexpr uint8_t kStatusSys = 0x04;       // system flag: a self-test has passed
inline constexpr uint8_t kStatusCmd = 0x08;       // the last write went to the command port
inline constexpr uint8_t kStatusUnlocked = 0x10;  // the keylock does not inhibit the keyboard
inline constexpr uint8_t kStatusAuxObf = 0x20;    // the output buffer's byte is from aux
inline constexpr uint8_t kStatusTimeout = 0x40;
inline constexpr uint8_t kStatusParity = 0x80;

// Command byte (controller RAM byte 0; Linux calls it the CTR).
inline constexpr uint8_t kCtrKbdInt = 0x01;      // IRQ1 when a keyboard byte is in the buffer
inline constexpr uint8_t kCtrAuxInt = 0x02;      // IRQ12 when an aux byte is in the buffer
inline constexpr uint8_t kCtrSys = 0x04;         // the system flag as POST leaves it
inline constexpr uint8_t kCtrKbdDisable = 0x10;  // keyboard clock held low: its bytes wait
inline constexpr uint8_t kCtrAuxDisable = 0x20;
inline constexpr uint8_t kCtrTranslate = 0x40;  // scancode set 2 to set 1 translation

// Output port (read with 0xD0, written with 0xD1).
inline constexpr uint8_t kOutReset = 0x01;   // active low: clearing it resets the CPU
inline constexpr uint8_t kOutA20 = 0x02;     // the A20 gate
inline constexpr uint8_t kOutKbdObf = 0x10;  // wired to IRQ1
inline constexpr uint8_t kOutAuxObf = 0x20;  // wired to IRQ12

// Controller commands, written to the command port.
inline constexpr uint8_t kCmdReadRam = 0x20;   // 0x20-0x3F: read RAM byte (0x20: command byte)
inline constexpr uint8_t kCmdWriteRam = 0x60;  // 0x60-0x7F: write RAM byte with the next data
inline constexpr uint8_t kCmdAuxDisable = 0xA7;
inline constexpr uint8_t kCmdAuxEnable = 0xA8;
inline constexpr uint8_t kCmdAuxTest = 0xA9;
inline constexpr uint8_t kCmdSelfTest = 0xAA;
inline constexpr uint8_t kCmdKbdTest = 0xAB;
inline constexpr uint8_t kCmdKbdDisable = 0xAD;
inline constexpr uint8_t kCmdKbdEnable = 0xAE;
inline constexpr uint8_t kCmdReadInput = 0xC0;
inline constexpr uint8_t kCmdReadOutput = 0xD0;
inline constexpr uint8_t kCmdWriteOutput = 0xD1;
inline constexpr uint8_t kCmdWriteKbdBuffer = 0xD2;  // next data byte comes back as keyboard's
inline constexpr uint8_t kCmdWriteAuxBuffer = 0xD3;  // next data byte comes back as aux's
inline constexpr uint8_t kCmdWriteAux = 0xD4;        // next data byte goes to the aux device
inline constexpr uint8_t kCmdA20Off = 0xDD;
inline constexpr uint8_t kCmdA20On = 0xDF;
inline constexpr uint8_t kCmdPulse = 0xF0;  // 0xF0-0xFF: pulse output port bits 3:0 clear in it

// Controller replies.
inline constexpr uint8_t kSelfTestPassed = 0x55;
inline constexpr uint8_t kInterfaceOk = 0x00;

// Keyboard commands, written to the data port.
inline constexpr uint8_t kKbdSetLeds = 0xED;
inline constexpr uint8_t kKbdEcho = 0xEE;
inline constexpr uint8_t kKbdScancodeSet = 0xF0;
inline constexpr uint8_t kKbdIdentify = 0xF2;
inline constexpr uint8_t kKbdTypematic = 0xF3;
inline constexpr uint8_t kKbdEnable = 0xF4;
inline constexpr uint8_t kKbdDisable = 0xF5;  // disable and restore defaults
inline constexpr uint8_t kKbdDefaults = 0xF6;
inline constexpr uint8_t kKbdResend = 0xFE;
inline constexpr uint8_t kKbdReset = 0xFF;

// Keyboard replies.
inline constexpr uint8_t kKbdAck = 0xFA;
inline constexpr uint8_t kKbdNak = 0xFE;        // "resend": the command was not understood
inline constexpr uint8_t kKbdBatPassed = 0xAA;  // basic assurance test, after a reset
inline constexpr uint8_t kKbdEchoReply = 0xEE;
inline constexpr uint8_t kKbdId0 = 0xAB;  // an MF2 keyboard's ID is AB 83 (AB 41 translated)
inline constexpr uint8_t kKbdId1 = 0x83;

// The command byte bt86 starts with: what SeaBIOS leaves for the OS (keyboard IRQ on,
// aux port disabled, translation on, keyboard enabled). bt86 boots kernels with no firmware,
// so it presents the controller as firmware would have left it.
inline constexpr uint8_t kDefaultCommandByte = kCtrKbdInt | kCtrAuxDisable | kCtrTranslate;
// The output port at power-on, as QEMU's: reset line high, A20 on, unused lines high.
inline constexpr uint8_t kDefaultOutputPort = 0xCF;

}  // namespace i8042

// The controller as a PC wires it: the data port at 0x60 and the status/command port at 0x64,
// two single-port devices on the bus sharing one controller. Commands complete before the
// write returns, so IBF never reads as set. Bytes the controller and the keyboard produce
// queue behind the one-byte output buffer and enter it, in order, as the guest reads it.
//
// No aux (mouse) device is attached: the aux port exists (Linux's AUX loopback and IRQ tests
// pass through 0xD3), but bytes sent to the device with 0xD4 go unanswered.
class I8042 {
 public:
  I8042(MachineControl& machine, IrqLine irq1, IrqLine irq12);
  // The port devices point back at their controller.
  I8042(const I8042&) = delete;
  I8042& operator=(const I8042&) = delete;

  PortDevice& data_port() { return data_port_; }        // 0x60
  PortDevice& command_port() { return command_port_; }  // 0x64: read status, write command

  // The output port's A20 bit. bt86 records it but does not wrap addresses at 1 MiB.
  bool a20() const { return (output_port_ & i8042::kOutA20) != 0; }

 private:
  // Which device a byte in the output buffer is from: it picks the status bit and the IRQ.
  // The controller's own replies count as the keyboard's, as on the chip.
  enum class Source : uint8_t { kKeyboard, kAux };
  struct Output {
    uint8_t value;
    Source source;
  };

  class DataPort final : public PortDevice {
   public:
    explicit DataPort(I8042& owner) : owner_(owner) {}
    const char* name() const override { return "i8042-data"; }
    uint32_t read(uint16_t offset, unsigned size) override;
    void write(uint16_t offset, unsigned size, uint32_t value) override;

   private:
    I8042& owner_;
  };

  class CommandPort final : public PortDevice {
   public:
    explicit CommandPort(I8042& owner) : owner_(owner) {}
    const char* name() const override { return "i8042-command"; }
    uint32_t read(uint16_t offset, unsigned size) override;
    void write(uint16_t offset, unsigned size, uint32_t value) override;

   private:
    I8042& owner_;
  };

  // The controller.
  uint8_t read_data();
  uint8_t read_status() const;
  void write_data(uint8_t value);
  void write_command(uint8_t command);
  // A command that took a data byte (pending_command_) receives it.
  void complete_command(uint8_t command, uint8_t data);
  void set_command_byte(uint8_t value);
  void write_output_port(uint8_t value);
  uint8_t output_port() const;
  void reply(uint8_t value, Source source = Source::kKeyboard);
  // Moves the next waiting byte into an empty output buffer.
  void fill_output_buffer();
  void update_irqs();
  uint8_t command_byte() const { return ram_[0]; }

  // The keyboard behind the controller.
  void keyboard_receive(uint8_t value);
  void keyboard_send(uint8_t value);
  void keyboard_set_defaults();

  MachineControl& machine_;
  IrqLine irq1_;
  IrqLine irq12_;
  DataPort data_port_{*this};
  CommandPort command_port_{*this};

  static constexpr unsigned kRamSize = 32;
  std::array<uint8_t, kRamSize> ram_{};  // ram_[0] is the command byte
  uint8_t output_port_ = i8042::kDefaultOutputPort;
  uint8_t pending_command_ = 0;  // a command awaiting its data byte; 0 when none does
  bool sys_flag_ = false;
  bool last_write_was_command_ = true;
  bool output_full_ = false;
  Output output_{};
  uint8_t last_read_ = 0;             // what the data port reads when the buffer is empty
  std::deque<Output> replies_;        // controller replies waiting for the output buffer
  std::deque<uint8_t> keyboard_out_;  // keyboard bytes not yet clocked into the controller
  bool irq1_level_ = false;
  bool irq12_level_ = false;

  uint8_t keyboard_pending_ = 0;  // a keyboard command awaiting its argument; 0 when none does
  uint8_t keyboard_last_sent_ = 0;
  bool scanning_ = true;  // for the scancode source to come
  uint8_t scancode_set_ = 2;
  uint8_t leds_ = 0;
  uint8_t typematic_ = 0;
};

}  // namespace bt86::devices
