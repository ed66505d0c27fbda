#pragma once
#include <string>

namespace attune::service {

/** An index "path" of this form names remote shards: "shards:HOST:PORT,HOST:PORT" (xapian-tcpsrv). */
inline constexpr const char* kShardsPrefix = "shards:";

/** The index used when no --db is given: $ATTUNE_DB, else .attune/index under the current directory. */
std::string default_db_path();

/** The XAPIANDB pointer file inside an index directory; it names the live generation, and Xapian follows it. */
std::string stub_path(const std::string& db_dir);

/** The generation directory name DIR/XAPIANDB points at (comment lines skipped), or "" when there is none. */
std::string live_generation(const std::string& db_dir);

/**
 * Which revision of which database DIR/XAPIANDB names, as "UUID@REVISION", or "" when it cannot be
 * opened right now (no index yet, or a directory replaced while it was being opened). A commit
 * (`attune index --update`, or a changeset applied by xapian-replicate) raises the revision; a new
 * generation or a replica's full copy is another database with another UUID. It reads the
 * revision Xapian reads, so it never names a commit that is still being written.
 */
std::string live_revision(const std::string& db_dir);

}  // namespace attune::service
