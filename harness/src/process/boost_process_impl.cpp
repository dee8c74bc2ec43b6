// SPDX-License-Identifier: Apache-2.0
// boost_process_impl.cpp: the out-of-line part of header-only Boost.Process v2
// (Boost 1.81), compiled exactly once for the whole program.
//
// 1.81's headers declare process_environment::on_setup but define it only in
// impl/environment.ipp, which no header includes (boostorg/process#312).
#ifndef BOOST_PROCESS_USE_STD_FS
#error "BOOST_PROCESS_USE_STD_FS must be defined for every translation unit (see harness/CMakeLists.txt)"
#endif

// With BOOST_PROCESS_USE_STD_FS, 1.81 only compiles with these two included
// before any v2 header (boostorg/process#280).
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>

#include <boost/process/v2/impl/environment.ipp>
