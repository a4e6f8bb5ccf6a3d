// Files that hold personal data (the database with resident ID numbers, its -wal and -shm, the
// attachment and PDF blobs, print files, secrets) are readable by the service's own user only:
// files 0600, their folders 0700, whatever the process umask.
//
// Modes are set when a file or folder is made and tightened again on every open, so a data
// folder created by an older version (files 0644) is corrected at the next start.
#pragma once

#include "core/result.h"

#include <filesystem>
#include <sys/types.h>

namespace sanfang::store {

inline constexpr mode_t kPrivateFileMode = 0600;
inline constexpr mode_t kPrivateFolderMode = 0700;

// Creates `folder` (and missing parents) and sets it to kPrivateFolderMode.
Status make_private_folder(const std::filesystem::path& folder);

// Sets an existing `file` to kPrivateFileMode; a missing file is left alone.
Status make_file_private(const std::filesystem::path& file);

}  // namespace sanfang::store
