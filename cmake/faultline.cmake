# Build helpers: one library per src/ folder with declared dependencies
# (abseil's absl_cc_library pattern), plus warning and sanitizer flags.

add_library(faultline_flags INTERFACE)
target_compile_options(faultline_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(FAULTLINE_WERROR)
  target_compile_options(faultline_flags INTERFACE -Werror)
  # GCC 12's -O2 flow analysis reports std::regex internals as maybe
  # uninitialized (libstdc++ regex_automaton.h): a known false positive. Kept
  # as a warning, not an error.
  target_compile_options(faultline_flags INTERFACE $<$<CXX_COMPILER_ID:GNU>:-Wno-error=maybe-uninitialized>)
endif()
if(FAULTLINE_SANITIZE)
  target_compile_options(faultline_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(faultline_flags INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(faultline_flags INTERFACE
  ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)

# faultline_library(NAME SRCS a.cc b.cc DEPS other_lib ...)
function(faultline_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(faultline_${name} STATIC ${ARG_SRCS})
  target_link_libraries(faultline_${name} PUBLIC faultline_flags ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# faultline_test(NAME SRCS x_test.cc DEPS lib ...) — GoogleTest binary registered with CTest.
function(faultline_test name)
  if(NOT FAULTLINE_DEVELOPER_MODE)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE faultline_flags ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE FAULTLINE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "FAULTLINE_DATA=${FAULTLINE_SOURCE_DATA_DIR};FAULTLINE_BUILD_DATA=${FAULTLINE_BUILD_DATA_DIR};FAULTLINE_TEST_DIR=${PROJECT_SOURCE_DIR}/test")
endfunction()
