# SPDX-License-Identifier: Apache-2.0
# Warnings for crashpoint's own targets, kept in an unexported INTERFACE target so
# that consumers of crashpoint never inherit them.
add_library(crashpoint_warnings INTERFACE)
target_compile_options(crashpoint_warnings INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual>
  $<$<COMPILE_LANG_AND_ID:C,GNU,Clang>:-Wall -Wextra -Wpedantic -Wconversion -Wshadow>
  $<$<BOOL:${CRASHPOINT_WERROR}>:-Werror>)
