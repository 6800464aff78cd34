// QEMU's console escape key (Ctrl-A, then a command key) as a byte-at-a-time state machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bt86::devices {

// What a byte typed on the console asks for, besides (or instead of) reaching the guest.
enum class EscapeAction {
  kNone,         // nothing: the byte is for the guest, or was swallowed
  kQuit,         // Ctrl-A x: end the VM
  kHelp,         // Ctrl-A h or Ctrl-A ?: print help_text()
  kUnsupported,  // a QEMU command key bt86 lacks (s, b, c, t): print unsupported_note()
};

struct EscapeResult {
  std::optional<uint8_t> guest_byte;  // the byte to hand to the guest, if any
  EscapeAction action = EscapeAction::kNone;
  uint8_t key = 0;  // the command key, for kUnsupported's note
};

// Follows QEMU's mux_proc_byte (chardev/char-mux.c): Ctrl-A starts an escape and is not sent;
// the next byte is a command and is never sent either, except that Ctrl-A Ctrl-A sends one
// Ctrl-A. bt86 also takes Ctrl-A a for that, as screen does. A key that is no command is
// dropped together with the escape, as in QEMU.
class ConsoleEscape {
 public:
  static constexpr uint8_t kEscapeChar = 0x01;  // Ctrl-A

  EscapeResult feed(uint8_t byte);

  // True between a Ctrl-A and its command key.
  bool in_escape() const { return in_escape_; }

  // The lines Ctrl-A h prints, each ending in "\n".
  static std::string help_text();
  // One line saying that Ctrl-A `key` is a QEMU command bt86 does not have.
  static std::string unsupported_note(uint8_t key);

 private:
  bool in_escape_ = false;
};

}  // namespace bt86::devices
