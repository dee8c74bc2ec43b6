# SPDX-License-Identifier: Apache-2.0
# check_layout.cmake: every include in harness/src points down the pipeline.
#
#   cmake -DSOURCE_DIR=<harness/src> -P check_layout.cmake
#
# harness/src has one folder per stage (harness/src/README.md). A file in a
# folder may include headers of its own folder and of the folders listed
# before it below; an include of a later folder, of a folder on the same rank,
# or of a folder missing from the list fails the check, naming file and line.
# A top-level file (main.cpp) may include anything.
cmake_minimum_required(VERSION 3.20)

# Lower stages first. Folders on one line (one rank) are independent of each
# other: neither includes the other.
set(ranks
  "util"
  "recorder"
  "scenario power_loss"
  "process"
  "workdir"
  "check"
  "plan"
  "run"
  "session"
  "report"
  "coverage"
  "cli api")

set(rank 0)
foreach(line IN LISTS ranks)
  string(REPLACE " " ";" folders "${line}")
  foreach(folder IN LISTS folders)
    set(rank_of_${folder} ${rank})
  endforeach()
  math(EXPR rank "${rank} + 1")
endforeach()

file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.cpp ${SOURCE_DIR}/*.hpp)
set(problems "")
foreach(source IN LISTS sources)
  string(FIND "${source}" "/" slash)
  if(slash EQUAL -1)
    continue()  # main.cpp
  endif()
  string(SUBSTRING "${source}" 0 ${slash} folder)
  if(NOT DEFINED rank_of_${folder})
    string(APPEND problems "${source}: the folder ${folder}/ has no rank in tests/layout/check_layout.cmake\n")
    continue()
  endif()
  file(STRINGS ${SOURCE_DIR}/${source} lines)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    if(NOT line MATCHES "^#include \"([a-z_0-9]+)/")
      continue()
    endif()
    set(included ${CMAKE_MATCH_1})
    if(included STREQUAL folder)
      continue()
    endif()
    if(NOT DEFINED rank_of_${included})
      continue()  # not a stage of harness/src (crashpoint/harness.hpp)
    endif()
    if(NOT rank_of_${included} LESS rank_of_${folder})
      string(APPEND problems
        "${source}:${number}: ${folder}/ includes ${included}/, which is not below it: ${line}\n")
    endif()
  endforeach()
endforeach()

if(problems)
  message(FATAL_ERROR "includes that point up or across the pipeline "
                      "(harness/src/README.md):\n${problems}")
endif()
list(LENGTH sources count)
message(STATUS "${count} files in harness/src: every include points down")
