// SPDX-License-Identifier: Apache-2.0
// tree_copy.hpp: copies what a folder holds into another, through directory
// descriptors, never following a symbolic link: how a scenario's state after
// setup is copied into each run (setup_template.hpp). See workdir.hpp for why
// the harness's temporary root is only ever walked this way.
//
//   std::string error;
//   if (!dirfd::copy_below(from_fd, to_fd, error)) ...   // `to` exists, normally empty
//
// What is copied, and how:
//   - regular files: a reflink (ioctl FICLONE) where the file system shares
//     extents (btrfs, XFS), else copy_file_range over the file's data extents
//     (SEEK_DATA / SEEK_HOLE: a sparse file stays sparse), else read and write;
//   - symbolic links as links (their target text), FIFOs made anew, files
//     hard-linked to each other inside the tree hard-linked again;
//   - every entry's mode, access and modification times, and its owner and
//     group where they differ from the copier's (only root can set them), also
//     for `to` itself.
// What cannot be copied faithfully makes the copy fail, with the reason in
// `error`: a socket or a device, something mounted inside the tree (another
// device), a folder or file the harness may not read, a tree deeper than 64
// levels. What was copied before the failure stays; the caller removes it.
#pragma once

#include <string>

namespace crashpoint::harness::dirfd {

// Copies everything in the directory `from_dir` into the directory `to_dir`.
// `from_dir` is only read: no mode of it or below it is changed.
bool copy_below(int from_dir, int to_dir, std::string& error);

}  // namespace crashpoint::harness::dirfd
