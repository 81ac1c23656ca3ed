# guest_image.cmake - add_guest_image(): builds a freestanding guest ELF with clang + lld.
#
#   add_guest_image(NAME <name> ARCH <arm64|riscv64|arm> LDSCRIPT <file>
#                   SOURCES <files...> [TRACED_SOURCES <files...>]
#                   [CFLAGS <flags...>] [TRACED_CFLAGS <flags...>] [INCLUDES <dirs...>])
#
# Every source (.c or .S) is compiled by its own custom command with a depfile, so editing a
# header or the linker script rebuilds exactly what depends on it. TRACED_SOURCES additionally get
# TRACED_CFLAGS (default: the arch's patchable-entry flags from the table below); SOURCES never do,
# so helper code carries no patch sites. The result is ${PATCHCHECK_GUEST_DIR}/<arch>/<name>.elf,
# built by the target guest_<arch>_<name>, which the umbrella target guest_images depends on.
# Beside the ELF, <name>.recipe records the compiler, the flags, the link line and the objects,
# from which patchcheck builds a scenario's own sources into this image at run time
# (toolchain/toolchain.c).
# After the call, <name>_GUEST_ELF in the caller's scope holds the output path, and the target's
# GUEST_IMAGE_FILE property holds it too.

include_guard(GLOBAL)

find_program(PATCHCHECK_GUEST_CC NAMES clang-14 clang
             DOC "clang used to compile and link the guest images")
find_program(PATCHCHECK_GUEST_OBJCOPY NAMES llvm-objcopy-14 llvm-objcopy
             DOC "llvm-objcopy, used at run time to build a scenario's own sources into an image")

# Umbrella target: building it (or "all") builds every guest image.
if(NOT TARGET guest_images)
  add_custom_target(guest_images ALL)
endif()

# Flags every guest translation unit gets, whatever the arch. -g: the DWARF of C functions
# gives their prototypes, against which scenario calls are checked; it changes no
# instruction, and the image hash ignores it (emu/image_hash.c). The prefix maps keep the
# checkout's path out of the images: sources are named from the project's root. Assembly
# sources are built with -g0 (see _guest_compile). -fno-jump-tables: a register jump in C is
# a tail call, which the liveness of registers relies on (explorer/liveness.c).
set(PATCHCHECK_GUEST_COMMON_FLAGS
    -O2 -ffreestanding -fno-builtin -fno-pic -fno-stack-protector -fno-jump-tables
    -fno-asynchronous-unwind-tables -g
    -fdebug-prefix-map=${PROJECT_BINARY_DIR}=build -fdebug-prefix-map=${PROJECT_SOURCE_DIR}=.)

# Per-arch table: code-generation flags, the default flags that make a traced function, and
# extra link flags. arm64: lld pads segments to 64 KiB file offsets unless told the page size,
# and would rewrite adrp+add pairs into nop+adr, leaving NOPs that are not patch sites.
function(_guest_arch_flags arch out_flags out_traced out_link)
  set(link "")
  if(arch STREQUAL "arm64")
    set(flags --target=aarch64-linux-gnu -mgeneral-regs-only -mno-outline-atomics)
    set(traced -fpatchable-function-entry=2)
    set(link -Wl,-z,max-page-size=4096 -Wl,--no-relax)
  elseif(arch STREQUAL "riscv64")
    set(flags --target=riscv64-linux-gnu -march=rv64imac -mabi=lp64 -mcmodel=medany -mno-relax)
    set(traced -fpatchable-function-entry=4)
  elseif(arch STREQUAL "arm")
    # clang 14 rejects -fpatchable-function-entry here: sites are the EABI mcount calls.
    set(flags --target=armv7a-linux-gnueabihf -mfloat-abi=soft)
    set(traced -pg -meabi gnu)
  else()
    message(FATAL_ERROR "add_guest_image: unknown ARCH '${arch}' (arm64, riscv64 or arm)")
  endif()
  set(${out_flags} ${flags} PARENT_SCOPE)
  set(${out_traced} ${traced} PARENT_SCOPE)
  set(${out_link} ${link} PARENT_SCOPE)
endfunction()

# Compile one guest source into <objdir>; appends the object path to the list named by out_objs.
function(_guest_compile src objdir flags out_objs)
  get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${abs}")
  if(rel MATCHES "^\\.\\.")
    get_filename_component(rel "${abs}" NAME) # outside the project: flat name
  endif()
  string(REPLACE "/" "__" objname "${rel}")
  set(obj "${objdir}/${objname}.o")
  if(abs MATCHES "\\.[sS]$")
    # Assembly has no prototypes to read, and clang 14's assembler ignores
    # -fdebug-prefix-map: its line tables would carry the checkout's path.
    list(APPEND flags -g0)
  endif()
  add_custom_command(
    OUTPUT "${obj}"
    COMMAND "${PATCHCHECK_GUEST_CC}" ${flags} -MD -MF "${obj}.d" -c "${abs}" -o "${obj}"
    DEPENDS "${abs}"
    DEPFILE "${obj}.d"
    COMMENT "Guest CC ${rel}"
    VERBATIM COMMAND_EXPAND_LISTS)
  set(objs ${${out_objs}} "${obj}")
  set(${out_objs} ${objs} PARENT_SCOPE)
endfunction()

function(add_guest_image)
  cmake_parse_arguments(G "" "NAME;ARCH;LDSCRIPT"
                        "SOURCES;TRACED_SOURCES;CFLAGS;TRACED_CFLAGS;INCLUDES" ${ARGN})
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "add_guest_image: unexpected arguments: ${G_UNPARSED_ARGUMENTS}")
  endif()
  foreach(req NAME ARCH LDSCRIPT)
    if(NOT G_${req})
      message(FATAL_ERROR "add_guest_image: ${req} is required")
    endif()
  endforeach()
  if(NOT G_SOURCES AND NOT G_TRACED_SOURCES)
    message(FATAL_ERROR "add_guest_image(${G_NAME}): no sources")
  endif()
  if(NOT PATCHCHECK_GUEST_CC)
    message(FATAL_ERROR "add_guest_image(${G_NAME}): clang-14 or clang not found")
  endif()
  if(NOT PATCHCHECK_GUEST_DIR)
    set(PATCHCHECK_GUEST_DIR "${CMAKE_BINARY_DIR}/guest")
  endif()

  _guest_arch_flags(${G_ARCH} arch_flags default_traced link_flags)
  if(NOT G_TRACED_CFLAGS)
    set(G_TRACED_CFLAGS ${default_traced})
  endif()
  get_filename_component(ldscript "${G_LDSCRIPT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

  set(incs "")
  foreach(dir IN LISTS G_INCLUDES)
    get_filename_component(absdir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND incs "-I${absdir}")
  endforeach()

  set(cflags ${arch_flags} ${PATCHCHECK_GUEST_COMMON_FLAGS} ${incs} ${G_CFLAGS})
  set(objdir "${CMAKE_CURRENT_BINARY_DIR}/guest-${G_ARCH}-${G_NAME}")
  file(MAKE_DIRECTORY "${objdir}")

  set(objs "")
  foreach(src IN LISTS G_SOURCES)
    _guest_compile("${src}" "${objdir}" "${cflags}" objs)
  endforeach()
  foreach(src IN LISTS G_TRACED_SOURCES)
    _guest_compile("${src}" "${objdir}" "${cflags};${G_TRACED_CFLAGS}" objs)
  endforeach()

  set(outdir "${PATCHCHECK_GUEST_DIR}/${G_ARCH}")
  set(elf "${outdir}/${G_NAME}.elf")
  add_custom_command(
    OUTPUT "${elf}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${outdir}"
    COMMAND "${PATCHCHECK_GUEST_CC}" ${arch_flags} -fuse-ld=lld -nostdlib -static
            "-Wl,-T,${ldscript}" -Wl,--build-id=none ${link_flags} -o "${elf}" ${objs}
    DEPENDS ${objs} "${ldscript}"
    COMMENT "Guest LD ${G_ARCH}/${G_NAME}.elf"
    VERBATIM)

  # The recipe, one value per line (toolchain/toolchain.c reads it).
  set(recipe "cc ${PATCHCHECK_GUEST_CC}\nobjcopy ${PATCHCHECK_GUEST_OBJCOPY}\n")
  foreach(f IN LISTS cflags)
    string(APPEND recipe "cflag ${f}\n")
  endforeach()
  foreach(f IN LISTS G_TRACED_CFLAGS)
    string(APPEND recipe "traced_cflag ${f}\n")
  endforeach()
  foreach(f ${arch_flags} -fuse-ld=lld -nostdlib -static "-Wl,-T,${ldscript}" -Wl,--build-id=none
          ${link_flags})
    string(APPEND recipe "link_flag ${f}\n")
  endforeach()
  foreach(o IN LISTS objs)
    string(APPEND recipe "object ${o}\n")
  endforeach()
  file(WRITE "${outdir}/${G_NAME}.recipe" "${recipe}")

  set(target "guest_${G_ARCH}_${G_NAME}")
  add_custom_target(${target} DEPENDS "${elf}")
  set_target_properties(${target} PROPERTIES GUEST_IMAGE_FILE "${elf}")
  add_dependencies(guest_images ${target})
  set(${G_NAME}_GUEST_ELF "${elf}" PARENT_SCOPE)
endfunction()
