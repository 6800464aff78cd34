// A 16550A UART (registers, receive FIFO, interrupt identification, loopback) on 8 ports.
#pragma once

#include <array>
#include <cstdint>

#include "devices/char_backend.h"
#include "devices/port_device.h"

namespace bt86::devices {

// Register offsets and bits, named as in the National PC16550D datasheet.
namespace uart {

inline constexpr uint16_t kRbrThrDll = 0;  // RBR (read), THR (write); DLL when LCR.DLAB
inline constexpr uint16_t kIerDlm = 1;     // IER; DLM when LCR.DLAB
inline constexpr uint16_t kIirFcr = 2;     // IIR (read), FCR (write)
inline constexpr uint16_t kLcr = 3;
inline constexpr uint16_t kMcr = 4;
inline constexpr uint16_t kLsr = 5;
inline constexpr uint16_t kMsr = 6;
inline constexpr uint16_t kScr = 7;

// IER
inline constexpr uint8_t kIerRdai = 0x01;  // ERBFI: received data available
inline constexpr uint8_t kIerThri = 0x02;  // ETBEI: transmitter holding register empty
inline constexpr uint8_t kIerRlsi = 0x04;  // ELSI: receiver line status
inline constexpr uint8_t kIerMsi = 0x08;   // EDSSI: modem status

// IIR: bit 0 clear when an interrupt is pending; bits 3:1 say which; 7:6 set in FIFO mode.
inline constexpr uint8_t kIirNoInt = 0x01;
inline constexpr uint8_t kIirModemStatus = 0x00;
inline constexpr uint8_t kIirThrEmpty = 0x02;
inline constexpr uint8_t kIirRxData = 0x04;
inline constexpr uint8_t kIirLineStatus = 0x06;
inline constexpr uint8_t kIirCharTimeout = 0x0C;
inline constexpr uint8_t kIirFifosEnabled = 0xC0;

// FCR
inline constexpr uint8_t kFcrEnable = 0x01;
inline constexpr uint8_t kFcrClearRx = 0x02;
inline constexpr uint8_t kFcrClearTx = 0x04;
inline constexpr uint8_t kFcrTriggerMask = 0xC0;  // receive trigger level: 1, 4, 8, 14 bytes

// LCR
inline constexpr uint8_t kLcrDlab = 0x80;

// MCR
inline constexpr uint8_t kMcrDtr = 0x01;
inline constexpr uint8_t kMcrRts = 0x02;
inline constexpr uint8_t kMcrOut1 = 0x04;
inline constexpr uint8_t kMcrOut2 = 0x08;
inline constexpr uint8_t kMcrLoop = 0x10;

// LSR
inline constexpr uint8_t kLsrDr = 0x01;
inline constexpr uint8_t kLsrOe = 0x02;
inline constexpr uint8_t kLsrPe = 0x04;
inline constexpr uint8_t kLsrFe = 0x08;
inline constexpr uint8_t kLsrBi = 0x10;
inline constexpr uint8_t kLsrThre = 0x20;
inline constexpr uint8_t kLsrTemt = 0x40;
inline constexpr uint8_t kLsrRxFifoError = 0x80;

// MSR: deltas in the low nibble, line states in the high one.
inline constexpr uint8_t kMsrDcts = 0x01;
inline constexpr uint8_t kMsrDdsr = 0x02;
inline constexpr uint8_t kMsrTeri = 0x04;
inline constexpr uint8_t kMsrDdcd = 0x08;
inline constexpr uint8_t kMsrCts = 0x10;
inline constexpr uint8_t kMsrDsr = 0x20;
inline constexpr uint8_t kMsrRi = 0x40;
inline constexpr uint8_t kMsrDcd = 0x80;

inline constexpr unsigned kFifoSize = 16;

}  // namespace uart

// The UART as a driver sees it through its eight ports. Transmission is instant: a byte
// written to THR reaches the backend (or, in loopback, the receiver) before the write
// returns, so THRE and TEMT read as set at every moment. The device knows nothing of
// interrupt controllers: the machine samples irq_pending() and routes it to an IRQ line.
class Uart16550 final : public PortDevice {
 public:
  // `name` must outlive the device (a string literal). `backend` may be null: transmitted
  // bytes vanish and nothing is ever received.
  Uart16550(const char* name, CharBackend* backend);

  const char* name() const override { return name_; }
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  // The INTR output as a PC wires it: an interrupt is pending and MCR.OUT2 gates it through.
  bool irq_pending() const;

  // Moves bytes the backend has ready into the receiver while there is room for them;
  // returns how many moved. Does nothing in loopback mode (the receiver listens to THR).
  unsigned poll_input();

  // The baud-rate divisor the guest programmed (DLM:DLL).
  uint16_t divisor() const { return static_cast<uint16_t>(dlm_ << 8 | dll_); }

 private:
  uint8_t read_register(uint16_t offset);
  void write_register(uint16_t offset, uint8_t value);

  void transmit(uint8_t byte);
  void receive(uint8_t byte);
  uint8_t pop_received();
  void clear_receiver();
  void write_fcr(uint8_t value);
  void write_ier(uint8_t value);
  void set_mcr(uint8_t value);

  bool fifo_enabled() const { return (fcr_ & uart::kFcrEnable) != 0; }
  unsigned rx_capacity() const { return fifo_enabled() ? uart::kFifoSize : 1; }
  unsigned rx_trigger_level() const;
  uint8_t lsr() const;
  // The modem-status lines as the receiver sees them: the pins, or MCR bits in loopback.
  uint8_t modem_lines() const;
  void update_modem_lines(uint8_t old_lines);
  // The highest-priority pending interrupt's IIR code (bits 3:0), or kIirNoInt.
  uint8_t interrupt_id() const;

  const char* name_;
  CharBackend* backend_;

  std::array<uint8_t, uart::kFifoSize> rx_{};
  unsigned rx_head_ = 0;   // oldest byte
  unsigned rx_count_ = 0;  // bytes held (at most 1 outside FIFO mode: the RBR)
  uint8_t rbr_ = 0;        // last byte handed to the CPU, re-read when the receiver is empty

  uint8_t ier_ = 0;
  uint8_t fcr_ = 0;  // write-only on the chip; kept for FIFO mode and the trigger level
  uint8_t lcr_ = 0;
  uint8_t mcr_ = 0;
  uint8_t lsr_errors_ = 0;  // OE (PE/FE/BI never happen on this line); cleared by reading LSR
  uint8_t msr_deltas_ = 0;  // DCTS DDSR TERI DDCD; cleared by reading MSR
  uint8_t scr_ = 0;
  uint8_t dll_ = 0;
  uint8_t dlm_ = 0;
  bool thre_pending_ = false;  // THRE interrupt latched until IIR reports it or THR is written
};

}  // namespace bt86::devices
