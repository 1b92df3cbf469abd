# Sanitizer builds: OLTAP_SANITIZE (ASan+UBSan, or TSan) for the tests, and
# OLTAP_FUZZ for the libFuzzer targets. Included by the top CMakeLists.txt
# before any target is defined, so every library gets the same flags.
if(OLTAP_SANITIZE)
  string(TOLOWER "${OLTAP_SANITIZE}" oltap_sanitizers)
  # A plain ON (or TRUE, YES, 1) is the default pair, as before the option took a list.
  if(oltap_sanitizers MATCHES "^(on|true|yes|y|1)$")
    set(oltap_sanitizers "address,undefined")
  endif()
  string(REPLACE "," ";" oltap_sanitizer_list "${oltap_sanitizers}")
  foreach(s IN LISTS oltap_sanitizer_list)
    if(NOT s MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "OLTAP_SANITIZE: unknown sanitizer '${s}' (known: address, undefined, thread)")
    endif()
  endforeach()
  if("thread" IN_LIST oltap_sanitizer_list AND "address" IN_LIST oltap_sanitizer_list)
    message(FATAL_ERROR "OLTAP_SANITIZE: thread and address cannot be combined (build them apart)")
  endif()
  message(STATUS "Sanitizers: ${oltap_sanitizers}")
  add_compile_options(-fsanitize=${oltap_sanitizers} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${oltap_sanitizers})
endif()

if(OLTAP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "OLTAP_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(OLTAP_SANITIZE)
    message(FATAL_ERROR "OLTAP_FUZZ brings its own sanitizers: leave OLTAP_SANITIZE off")
  endif()
  # The libraries get coverage instrumentation without libFuzzer's main();
  # the targets in fuzz/ link with -fsanitize=fuzzer, which brings it.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
