; string_ops: MOVS/STOS/LODS/SCAS/CMPS with and without REP/REPE/REPNE,
; forward and backward (DF=1), an overlapping backward move, and REP with
; ECX=0. Prints the resulting memory and the final ECX/ESI/EDI offsets.
; expect-exit: 1
; expect: rep movsb: 0123456789abcdef ecx=0 esi=+16 edi=+16
; expect: std rep movsb overlap: 01230123456789abcdef esi=-1 edi=+3
; expect: std rep stosd: DCBADCBADCBADCBA edi=-4
; expect: std lodsb loop: fedcba9876543210 esi=-1
; expect: repne scasb 'a': index=10 ecx=5
; expect: std repne scasb '3': index=3 ecx=3
; expect: repe cmpsb: mismatch at 6 ecx=4
; expect: rep movsd + std movsw: 0123456789abcdef|ef
; expect: rep with ecx=0: esi, edi, ecx unchanged
; expect: df after cld: 0

%include "guest.inc"

; print_buf ptr, len: print len raw bytes from ptr.
%macro print_buf 2
    push esi
    push ecx
    mov esi, %1
    mov ecx, %2
    call put_bytes
    pop ecx
    pop esi
%endmacro

; print_off label, reg, base: print " label=" and reg - base as signed decimal.
%macro print_off 3
    print %1
    push eax
    mov eax, %2
    sub eax, %3
    call put_signed
    pop eax
%endmacro

main:
    ; Forward REP MOVSB.
    mov esi, src
    mov edi, buf
    mov ecx, 16
    rep movsb
    print "rep movsb: "
    print_buf buf, 16
    print " ecx="
    print_dec ecx
    print_off " esi=", esi, src
    print_off " edi=", edi, buf
    call newline

    ; Backward overlapping move (memmove buf[0..15] -> buf[4..19]).
    std
    mov esi, buf + 15
    mov edi, buf + 19
    mov ecx, 16
    rep movsb
    cld
    print "std rep movsb overlap: "
    print_buf buf, 20
    print_off " esi=", esi, buf
    print_off " edi=", edi, buf
    call newline

    ; Backward REP STOSD.
    std
    mov edi, buf2 + 12
    mov eax, 0x41424344             ; bytes "DCBA"
    mov ecx, 4
    rep stosd
    cld
    print "std rep stosd: "
    print_buf buf2, 16
    print_off " edi=", edi, buf2
    call newline

    ; Backward LODSB with LOOP.
    print "std lodsb loop: "
    std
    mov esi, src + 15
    mov ecx, 16
.reverse:
    lodsb
    call putc
    loop .reverse
    cld
    print_off " esi=", esi, src
    call newline

    ; REPNE SCASB forward: first 'a'.
    mov edi, src
    mov al, 'a'
    mov ecx, 16
    repne scasb
    print "repne scasb 'a': index="
    lea eax, [edi - 1]
    sub eax, src
    print_dec eax
    print " ecx="
    print_dec ecx
    call newline

    ; REPNE SCASB backward: last '3'.
    std
    mov edi, src + 15
    mov al, '3'
    mov ecx, 16
    repne scasb
    cld
    print "std repne scasb '3': index="
    lea eax, [edi + 1]
    sub eax, src
    print_dec eax
    print " ecx="
    print_dec ecx
    call newline

    ; REPE CMPSB: first difference.
    mov esi, hello_world
    mov edi, hello_there
    mov ecx, 11
    repe cmpsb
    print "repe cmpsb: mismatch at "
    lea eax, [esi - 1]
    sub eax, hello_world
    print_dec eax
    print " ecx="
    print_dec ecx
    call newline

    ; REP MOVSD forward, then MOVSW backward (one word, no REP).
    mov esi, src
    mov edi, buf3
    mov ecx, 4
    rep movsd
    mov byte [edi], '|'
    std
    mov esi, src + 14               ; "ef"
    mov edi, buf3 + 17
    movsw
    cld
    print "rep movsd + std movsw: "
    print_buf buf3, 19
    call newline

    ; REP with ECX = 0 touches nothing.
    mov esi, src
    mov edi, buf
    xor ecx, ecx
    rep movsb
    rep stosd
    repe cmpsb
    print "rep with ecx=0: "
    cmp esi, src
    jne .changed
    cmp edi, buf
    jne .changed
    test ecx, ecx
    jnz .changed
    println "esi, edi, ecx unchanged"
    jmp .df
.changed:
    println "CHANGED"

.df:
    std
    cld
    pushfd
    pop eax
    shr eax, 10
    and eax, 1
    print "df after cld: "
    print_dec eax
    call newline
    exit 0

; put_bytes: ESI = pointer, ECX = count.
put_bytes:
    push eax
    push ecx
    push esi
.next:
    lodsb
    call putc
    loop .next
    pop esi
    pop ecx
    pop eax
    ret

; put_signed: EAX as a signed decimal with an explicit sign.
put_signed:
    push eax
    test eax, eax
    js .neg
    push eax
    mov al, '+'
    call putc
    pop eax
    jmp .abs
.neg:
    push eax
    mov al, '-'
    call putc
    pop eax
    neg eax
.abs:
    call put_dec
    pop eax
    ret

section .data
src:            db "0123456789abcdef"
hello_world:    db "hello world"
hello_there:    db "hello there"

section .bss
buf:    resb 64
buf2:   resb 64
buf3:   resb 64
