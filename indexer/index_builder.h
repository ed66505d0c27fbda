#pragma once
#include "corpus_reader.h"

#include <chrono>
#include <functional>
#include <string>

namespace attune::indexer {

struct BuildStats {
    std::size_t articles = 0;
    std::size_t clinicians = 0;
    std::string generation;  ///< name of the generation directory now live
    double seconds = 0;
    std::chrono::steady_clock::time_point committed;  ///< when the new generation's last commit finished
};

/** One shard of a corpus too large for one host: the documents whose id hashes to `index` of `count`. */
struct ShardSpec {
    std::size_t count = 1;
    std::size_t index = 0;
    bool holds(const std::string& id) const;
};

/** Called every few documents with (done, total). */
using ProgressFn = std::function<void(std::size_t, std::size_t)>;

/**
 * Holds the build lock of an index directory (flock on DIR/.lock) for its lifetime.
 * Throws IndexLockedError when another build holds it.
 */
class IndexLock {
public:
    explicit IndexLock(const std::string& db_dir);
    ~IndexLock();
    IndexLock(const IndexLock&) = delete;
    IndexLock& operator=(const IndexLock&) = delete;

private:
    int m_fd = -1;
};

/**
 * Builds a new generation of the index beside the live one and switches to it by renaming a
 * pointer file (DIR/XAPIANDB, in the format Xapian follows to a database) into place. Until that
 * rename the previous index keeps serving; a build that fails or is killed leaves a generation
 * directory that the next build removes.
 * Keeps the previous generation for readers that still have it open and removes older ones.
 */
BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress);

/**
 * As build_index(), keeping only the documents of one shard. The taxonomy, crisis resources and
 * concept profiles still come from the whole corpus, so every shard understands queries alike and
 * searching all shards as one database (Xapian::Database::add_database, e.g. over xapian-tcpsrv)
 * ranks exactly as one index would.
 */
BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress, const ShardSpec& shard);

struct UpdateStats {
    std::size_t added = 0, changed = 0, removed = 0, unchanged = 0;
    std::string generation;   ///< the live generation, updated in place
    std::string rebuild_reason;  ///< set when nothing was applied because only a full build will do
    double seconds = 0;
};

/**
 * Applies only what changed in `corpus` (by id and content hash; documents gone from it are
 * removed) to the live generation, inside one Xapian transaction, then touches the XAPIANDB
 * pointer file so servers reopen. When the taxonomy, crisis resources or schema differ, or there
 * is no index yet, nothing is applied and `rebuild_reason` says why: call build_index().
 * Learned concept profiles are kept as they are until the next full build.
 */
UpdateStats update_index(const Corpus& corpus, const std::string& db_dir);

/** The generation directory name DIR/XAPIANDB points at, or "" when there is no index. */
std::string live_generation(const std::string& db_dir);

}  // namespace attune::indexer
