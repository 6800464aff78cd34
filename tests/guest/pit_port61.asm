; pit_port61: the 8254 PIT programmed as Linux's TSC calibration does, with
; port 0x61 (gate of channel 2, speaker data, OUT2), and the 8254's latch
; and read-back commands and LSB/MSB flip-flop. The PIC stays masked: no
; interrupt is involved. Only what the datasheet fixes is printed, never a
; count (which depends on how fast the guest runs), only checks on it.
;
; Port 0x61 (PC/AT system control port B): bit 0 = gate of channel 2,
; bit 1 = speaker data enable (both read back as written), bit 5 = OUT2. Bit
; 4 (refresh toggle) depends on time and is never printed.
;
; 8254 datasheet, as checked:
; - Mode 0 (interrupt on terminal count): OUT is low while the count runs
;   down after it is loaded, and goes high at terminal count.
;   Linux's pit_calibrate_tsc: gate on, speaker off, control word 0xB0
;   (channel 2, LSB then MSB, mode 0, binary), a count (0xFFFF here, 55 ms,
;   Linux uses 10 ms), poll port 0x61 bit 5: clear right after loading, set
;   later.
; - Read-back (0xE8 = status of channel 2): bit 7 = OUT, bit 6 = null count,
;   bits 5:4 = RW, 3:1 = mode, 0 = BCD. Printed without bit 6 (see below).
;   Bit 7 follows port 0x61 bit 5. Status of channel 0 after control words
;   0x30, 0x34, 0x36, 0x38, 0x31 (OUT and null count masked): the same bits.
;   Read-back of both (0xC2, channel 0): the status byte comes first, then
;   the count, LSB then MSB.
; - Counter latch (0x00 for channel 0): the count is frozen in the output
;   latch until read, while the counter runs on; a second latch command
;   before the first is read is ignored. Channel 0 runs in mode 2 with count
;   0 (65536), and the latched value is compared with a live read ~2 ms later
;   (~2400 counts): it must be 2000-60000 counts older.
; - RW=11: the count is written and read LSB first, then MSB. Loading 0xFF00
;   and reading at once gives 0x1000 < count <= 0xFF00 (the other byte order
;   would give at most 0x00FF; the margin allows ~50 ms between the two).
;   A control word resets the flip-flop: after 0x30, one lone LSB, then 0x30
;   again, LSB, MSB, the count is 0xFF00 again.
;   Unlatched reads (Linux's quick_pit_calibrate, count 0xFFFF): the MSB read
;   in each LSB/MSB pair never goes up while it counts down to 0xF0.
; - RW=10 (MSB only): writing 0xFF loads 0xFF00, each read gives the MSB.
; Left out (QEMU 7.2 departs from the datasheet): OUT going low as soon as a
; mode 0 control word is written (QEMU leaves OUT as it was until the count
; is written); the null count bit (QEMU always reads 0; the 8254 sets it
; from the control word or count write until the count reaches the counting
; element); gate 2 low stopping a mode 0 count (QEMU keeps counting); port
; 0x61 bits 2-3 (parity and I/O check enables, read back on an AT, always 0
; in QEMU).
; expect-exit: 1
; expect: port 61 bits 1:0 read back: 01 02 00
; expect: calibration: OUT2 after count 0, later 1
; expect: read-back status ch2: counting 30 OUT=0, done b0 OUT=1
; expect: status ch0 after 30 34 36 38 31: 30 34 36 38 31
; expect: read-back status+count ch0: status 30, count in range: yes
; expect: latch: held while counting: yes, second latch ignored: yes
; expect: flip-flop: lsb/msb count in range: yes, reset by control word: yes
; expect: unlatched reads: msb never rises from ff to f0: yes
; expect: msb-only: reads in range: yes yes

%include "guest.inc"
%include "idt.inc"
%include "pc.inc"

RANGE_LO    equ 0x1000              ; counts in (RANGE_LO, 0xFF00] pass

%macro yes_no 0                     ; print "yes" if ZF=1, "no" otherwise
                                    ; (right after the test: print clobbers flags)
    jnz %%no
    print "yes"
    jmp %%done
%%no:
    print "no"
%%done:
%endmacro

main:
    call pic_init                   ; everything masked

    ; --- port 0x61 bits 0-1 ---------------------------------------------------
    print "port 61 bits 1:0 read back:"
    mov bl, 0x01
    call p61_write_read
    mov bl, 0x02
    call p61_write_read
    mov bl, 0x00
    call p61_write_read
    call newline

    ; --- Linux's calibration handshake on channel 2 ----------------------------
    in al, PORT61
    and al, ~0x02
    or al, 0x01                     ; gate 2 on, speaker off
    out PORT61, al
    mov al, 0xB0                    ; channel 2, LSB/MSB, mode 0, binary
    out PIT_CMD, al
    mov al, 0xFF                    ; count 0xFFFF (55 ms)
    out PIT_CH2, al
    out PIT_CH2, al
    in al, PORT61
    mov [seen + 1], al
    mov al, 0xE8                    ; read-back: status of channel 2
    out PIT_CMD, al
    in al, PIT_CH2
    mov [seen + 2], al
    mov ecx, 100000000
.cal:
    in al, PORT61
    test al, 0x20
    jnz .cal_done
    dec ecx
    jnz .cal
.cal_done:
    mov [seen + 3], al
    mov al, 0xE8
    out PIT_CMD, al
    in al, PIT_CH2
    mov [seen + 4], al
    print "calibration: OUT2 after count "
    mov al, [seen + 1]
    call print_out2
    print ", later "
    mov al, [seen + 3]
    call print_out2
    call newline
    print "read-back status ch2: counting "
    mov al, [seen + 2]
    and al, 0xBF                    ; without null count
    print_hex8 al
    print " OUT="
    mov al, [seen + 2]
    shr al, 7
    movzx eax, al
    print_dec eax
    print ", done "
    mov al, [seen + 4]
    and al, 0xBF
    print_hex8 al
    print " OUT="
    mov al, [seen + 4]
    shr al, 7
    movzx eax, al
    print_dec eax
    call newline

    ; --- status of channel 0 per control word ----------------------------------
    print "status ch0 after 30 34 36 38 31:"
    mov bl, 0x30
    call ch0_status
    mov bl, 0x34
    call ch0_status
    mov bl, 0x36
    call ch0_status
    mov bl, 0x38
    call ch0_status
    mov bl, 0x31
    call ch0_status
    call newline

    ; --- read-back of status and count together --------------------------------
    call ch0_load_ff00              ; mode 0, count 0xFF00
    mov al, 0xC2                    ; read-back: count and status of channel 0
    out PIT_CMD, al
    in al, PIT_CH0
    mov bl, al                      ; status first
    call ch0_read16                 ; then the count
    print "read-back status+count ch0: status "
    and bl, 0xBF
    print_hex8 bl
    print ", count in range: "
    call in_range_ff00
    yes_no
    call newline

    ; --- counter latch ---------------------------------------------------------
    mov al, 0x34                    ; channel 0, LSB/MSB, mode 2, binary
    out PIT_CMD, al
    mov al, 0
    out PIT_CH0, al                 ; count 0 = 65536
    out PIT_CH0, al
    mov ecx, 1
    call pit_wait_ms                ; let it count a while
    mov al, 0x00                    ; latch channel 0
    out PIT_CMD, al
    mov ecx, 2
    call pit_wait_ms
    call ch0_read16                 ; the latched (older) count
    mov esi, eax
    call ch0_read16                 ; a live count
    print "latch: held while counting: "
    call check_older                ; ZF=1 if ESI is 2000-60000 counts older
    yes_no
    mov al, 0x00
    out PIT_CMD, al
    mov ecx, 2
    call pit_wait_ms
    mov al, 0x00                    ; ignored: the first latch is not read yet
    out PIT_CMD, al
    call ch0_read16
    mov esi, eax
    call ch0_read16
    print ", second latch ignored: "
    call check_older
    yes_no
    call newline

    ; --- LSB/MSB flip-flop -----------------------------------------------------
    call ch0_load_ff00
    mov al, 0x00
    out PIT_CMD, al
    call ch0_read16
    print "flip-flop: lsb/msb count in range: "
    call in_range_ff00
    yes_no
    mov al, 0x30
    out PIT_CMD, al
    mov al, 0x12
    out PIT_CH0, al                 ; a lone LSB: the flip-flop now waits for the MSB
    mov al, 0x30
    out PIT_CMD, al                 ; reset
    mov al, 0x00
    out PIT_CH0, al
    mov al, 0xFF
    out PIT_CH0, al
    mov al, 0x00
    out PIT_CMD, al
    call ch0_read16
    print ", reset by control word: "
    call in_range_ff00
    yes_no
    call newline

    ; Unlatched pairs as in Linux's pit_expect_msb, channel 2 from 0xFFFF.
    in al, PORT61
    and al, ~0x02
    or al, 0x01
    out PORT61, al
    mov al, 0xB0
    out PIT_CMD, al
    mov al, 0xFF
    out PIT_CH2, al
    out PIT_CH2, al
    mov bl, 0xFF                    ; previous MSB
    mov bh, 0                       ; 1 once an MSB rose
    mov ecx, 10000000
.pair:
    in al, PIT_CH2                  ; LSB
    in al, PIT_CH2                  ; MSB
    cmp al, bl
    jbe .not_up
    mov bh, 1
.not_up:
    mov bl, al
    cmp al, 0xF0
    jbe .pairs_done
    dec ecx
    jnz .pair
    mov bh, 2                       ; never got down to 0xF0
.pairs_done:
    print "unlatched reads: msb never rises from ff to f0: "
    cmp bh, 0
    yes_no
    call newline

    ; --- MSB only ---------------------------------------------------------------
    mov al, 0x20                    ; channel 0, MSB only, mode 0, binary
    out PIT_CMD, al
    mov al, 0xFF
    out PIT_CH0, al                 ; count 0xFF00
    in al, PIT_CH0
    mov bl, al
    in al, PIT_CH0
    mov bh, al
    print "msb-only: reads in range: "
    movzx eax, bl
    shl eax, 8
    call in_range_ff00
    yes_no
    print " "
    movzx eax, bh
    shl eax, 8
    call in_range_ff00
    yes_no
    call newline

    mov al, 0x30                    ; leave channel 0 as a quiet one-shot
    out PIT_CMD, al
    exit 0

; p61_write_read: BL = bits 1:0 to write to port 0x61; prints " xx" = bits
; 1:0 read back.
p61_write_read:
    in al, PORT61
    and al, 0x0C                    ; keep bits 2-3, as one should
    or al, bl
    out PORT61, al
    in al, PORT61
    and al, 0x03
    print " "
    print_hex8 al
    ret

print_out2:                         ; AL = port 0x61 value: print bit 5
    shr al, 5
    and eax, 1
    jmp put_dec

; ch0_status: BL = control word for channel 0 (with a count 0xC000 loaded
; where the mode needs one); prints " xx" = read-back status & 0x3F.
ch0_status:
    mov al, bl
    out PIT_CMD, al
    mov al, 0x00
    out PIT_CH0, al
    mov al, 0xC0
    out PIT_CH0, al
    mov al, 0xE2                    ; read-back: status of channel 0
    out PIT_CMD, al
    in al, PIT_CH0
    and al, 0x3F
    print " "
    print_hex8 al
    ret

ch0_load_ff00:                      ; channel 0, LSB/MSB, mode 0, count 0xFF00
    mov al, 0x30
    out PIT_CMD, al
    mov al, 0x00
    out PIT_CH0, al
    mov al, 0xFF
    out PIT_CH0, al
    ret

ch0_read16:                         ; EAX = LSB then MSB read from channel 0
    xor eax, eax
    in al, PIT_CH0
    mov ah, al
    in al, PIT_CH0
    xchg al, ah
    ret

; in_range_ff00: ZF=1 if RANGE_LO < EAX <= 0xFF00.
in_range_ff00:
    cmp eax, RANGE_LO
    jbe .no
    cmp eax, 0xFF00
    ja .no
    cmp eax, eax
    ret
.no:
    test esp, esp                   ; ZF=0
    ret

; check_older: ESI = latched count, EAX = a later live count of a down
; counter modulo 65536. ZF=1 if ESI - EAX is 2000..60000.
check_older:
    push esi
    sub esi, eax
    and esi, 0xFFFF
    cmp esi, 2000
    jb .no
    cmp esi, 60000
    ja .no
    cmp esi, esi
    pop esi
    ret
.no:
    test esp, esp                   ; ZF=0
    pop esi
    ret

section .bss
seen:   resb 8
