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

}  // namespace attune::service
