; sens_enter: ENTER with nesting levels 0, 1, 2 and 3 (the Enter row: level
; 0 inline, nested levels by the monitor) and LEAVE. Starting from EBP =
; old_frame (whose display holds 0x1111/0x2222 at [EBP-4]/[EBP-8]) ENTER
; pushes EBP, copies level-1 display pointers from the old frame, pushes
; the new frame pointer, sets EBP to it and reserves the locals. Printed:
; ESP and EBP moves, and the pushed words relative to the new EBP. Also the
; 16-bit form (66) with level 2: word pushes, the display word copied from
; [EBP-2] (the top half of the 0x1111 dword: 0000).
; expect-exit: 1
; expect: enter 8, 0: ebp=esp0-4 esp=esp0-12 [ebp]=old
; expect: enter 8, 1: ebp=esp0-4 esp=esp0-16 [ebp]=old [ebp-4]=ebp
; expect: enter 8, 2: ebp=esp0-4 esp=esp0-20 [ebp]=old [ebp-4]=00001111 [ebp-8]=ebp
; expect: enter 4, 3: ebp=esp0-4 esp=esp0-20 [ebp]=old [ebp-4]=00001111 [ebp-8]=00002222 [ebp-12]=ebp
; expect: leave: ebp=old esp=esp0
; expect: o16 enter 2, 2: esp=esp0-8 [esp0-2]=old.lo16 [esp0-4]=0000 [esp0-6]=new.lo16

%include "guest.inc"

; snapshot: copy the 8 dwords below esp0 to snap (no stack use), reset ESP
; and EBP. snap + 32 stands for esp0.
%macro snapshot 0
    mov [new_ebp], ebp
    mov [new_esp], esp
    mov esi, [esp0]
    sub esi, 32
    mov edi, snap
    mov ecx, 8
    rep movsd
    mov esp, [esp0]
    mov ebp, old_frame
%endmacro

%macro report 2                         ; text, number of display words
    snapshot
    print %1
    print ": ebp=esp0-"
    mov eax, [esp0]
    sub eax, [new_ebp]
    call put_dec
    print " esp=esp0-"
    mov eax, [esp0]
    sub eax, [new_esp]
    call put_dec
    mov ebx, [new_ebp]
    sub ebx, [esp0]
    add ebx, snap + 32                  ; EBP's place in the snapshot
    mov eax, [ebx]
    cmp eax, old_frame
    jne %%bad
    print " [ebp]=old"
%assign i 1
%rep %2
    print " [ebp-"
    print_dec i * 4
    print "]="
    mov eax, [ebx - i * 4]
    cmp eax, [new_ebp]
    je %%is_ebp_ %+ i
    call put_hex32
    jmp %%next_ %+ i
%%is_ebp_ %+ i:
    print "ebp"
%%next_ %+ i:
%assign i i + 1
%endrep
    call newline
    jmp %%done
%%bad:
    println " [ebp] WRONG"
%%done:
%endmacro

main:
    mov [esp0], esp
    mov ebp, old_frame

    enter 8, 0
    report "enter 8, 0", 0
    enter 8, 1
    report "enter 8, 1", 1
    enter 8, 2
    report "enter 8, 2", 2
    enter 4, 3
    report "enter 4, 3", 3

    enter 16, 2
    leave
    mov eax, esp
    print "leave: ebp="
    cmp ebp, old_frame
    jne .bad_leave
    print "old"
    jmp .leave_esp
.bad_leave:
    print "WRONG"
.leave_esp:
    print " esp="
    cmp eax, [esp0]
    jne .bad_esp
    println "esp0"
    jmp .o16
.bad_esp:
    println "WRONG"

.o16:
    o16 enter 2, 2
    snapshot
    mov ebx, [esp0]
    print "o16 enter 2, 2: esp=esp0-"
    mov eax, ebx
    sub eax, [new_esp]
    call put_dec
    print " [esp0-2]="
    movzx eax, word [snap + 32 - 2]
    mov ecx, old_frame
    cmp ax, cx
    jne .w1
    print "old.lo16"
    jmp .w2
.w1:
    print "WRONG"
.w2:
    print " [esp0-4]="
    movzx eax, word [snap + 32 - 4]
    mov ecx, 4
    call put_hex_digits
    print " [esp0-6]="
    movzx eax, word [snap + 32 - 6]
    cmp ax, [new_ebp]
    jne .w3
    println "new.lo16"
    jmp .end
.w3:
    println "WRONG"
.end:
    mov ebp, old_frame
    exit 0

section .data
    dd 0, 0, 0, 0x2222, 0x1111
old_frame:
    dd 0

section .bss
esp0:       resd 1
new_ebp:    resd 1
new_esp:    resd 1
snap:       resd 8
