# CMake helpers that build freestanding 32-bit guests (Multiboot ELF32) with
# gcc -m32, nasm -f elf32 and ld -m elf_i386, outside CMake's host toolchain.
#
#   bt86_guest_c_object(<out.o> <src.c> [flags...])
#   bt86_guest_asm_object(<out.o> <src.asm> [flags...])
#   bt86_add_c_guest(<name> SOURCES <src...> [CFLAGS <flags...>]
#                    [OBJECTS <extra .o...>] [OUTPUT_DIR <dir>])
#       -> target guest_<name> (in ALL) building <dir>/<name>.elf,
#          linked with guests/lib (Multiboot header, _start, serial, printf).

set(BT86_GUEST_CFLAGS
    -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-builtin -nostdlib -O2
    -Wall -Wextra -I${PROJECT_SOURCE_DIR})
set(BT86_GUEST_LIB_DIR ${CMAKE_BINARY_DIR}/guests/lib)
set(BT86_GUEST_LIB_OBJECTS
    ${BT86_GUEST_LIB_DIR}/start.o ${BT86_GUEST_LIB_DIR}/serial.o
    ${BT86_GUEST_LIB_DIR}/string.o)
set(BT86_GUEST_LDSCRIPT ${PROJECT_SOURCE_DIR}/guests/lib/guest.ld)

if(NOT BT86_LIBGCC_I386)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -m32 -print-libgcc-file-name
                  OUTPUT_VARIABLE _libgcc OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(BT86_LIBGCC_I386 ${_libgcc} CACHE FILEPATH "32-bit libgcc.a for the guests")
endif()

function(bt86_guest_c_object out src)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_C_COMPILER} ${BT86_GUEST_CFLAGS} ${ARGN}
            -MD -MF ${out}.d -c ${src} -o ${out}
    DEPENDS ${src}
    DEPFILE ${out}.d
    COMMENT "Guest CC ${out}"
    VERBATIM)
endfunction()

function(bt86_guest_asm_object out src)
  # NASM's -MD output names only the source here, not its %include files: depend on every
  # .inc beside the source and in each -I directory as well, or an edit to guest.inc
  # would leave stale guests in an existing build.
  get_filename_component(src_dir ${src} DIRECTORY)
  set(inc_dirs ${src_dir})
  foreach(arg IN LISTS ARGN)
    if(arg MATCHES "^-I(.+)$")
      list(APPEND inc_dirs ${CMAKE_MATCH_1})
    endif()
  endforeach()
  set(incs)
  foreach(dir IN LISTS inc_dirs)
    file(GLOB dir_incs CONFIGURE_DEPENDS ${dir}/*.inc)
    list(APPEND incs ${dir_incs})
  endforeach()
  list(REMOVE_DUPLICATES incs)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${NASM} -f elf32 ${ARGN} -MD ${out}.d ${src} -o ${out}
    DEPENDS ${src} ${incs}
    DEPFILE ${out}.d
    COMMENT "Guest NASM ${out}"
    VERBATIM)
endfunction()

function(bt86_add_c_guest name)
  cmake_parse_arguments(G "" "OUTPUT_DIR" "SOURCES;CFLAGS;OBJECTS" ${ARGN})
  if(NOT G_OUTPUT_DIR)
    set(G_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set(objs)
  foreach(src IN LISTS G_SOURCES)
    get_filename_component(stem ${src} NAME_WE)
    get_filename_component(abs ${src} ABSOLUTE)
    set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.dir/${stem}.o)
    bt86_guest_c_object(${obj} ${abs} ${G_CFLAGS})
    list(APPEND objs ${obj})
  endforeach()
  set(elf ${G_OUTPUT_DIR}/${name}.elf)
  add_custom_command(
    OUTPUT ${elf}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${G_OUTPUT_DIR}
    COMMAND ld -m elf_i386 -nostdlib -z max-page-size=4096 -T ${BT86_GUEST_LDSCRIPT}
            -o ${elf} ${BT86_GUEST_LIB_OBJECTS} ${objs} ${G_OBJECTS} ${BT86_LIBGCC_I386}
    DEPENDS ${BT86_GUEST_LIB_OBJECTS} ${objs} ${G_OBJECTS} ${BT86_GUEST_LDSCRIPT}
    COMMENT "Guest LD ${elf}"
    VERBATIM)
  add_custom_target(guest_${name} ALL DEPENDS ${elf})
  add_dependencies(guest_${name} guest_lib)
endfunction()
