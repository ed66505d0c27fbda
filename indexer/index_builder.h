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

/** How build_index() works; the defaults suit a command-line build. */
struct BuildOptions {
    ShardSpec shard;       ///< keep only this shard's documents
    ProgressFn progress;   ///< called with (done, total) from the calling thread
    /**
     * Documents are split into this many contiguous ranges, each indexed by its own thread into
     * its own part database; the parts are then merged in order by Xapian's compaction, so
     * document ids follow the input order whatever the count. 0: one per core (at most 4) for
     * corpora of 2,000 documents or more, else 1.
     */
    std::size_t workers = 0;
};

/**
 * Builds a new generation of the index beside the live one and switches to it by renaming a
 * pointer file (DIR/XAPIANDB, in the format Xapian follows to a database) into place. Until that
 * rename the previous index keeps serving; a build that fails or is killed leaves a generation
 * directory that the next build removes. Keeps the previous generation for readers that still
 * have it open and removes older ones. With a ShardSpec only one shard's documents are kept;
 * the taxonomy, crisis resources and concept profiles still come from the whole corpus, so every
 * shard understands queries alike and searching all shards as one database
 * (Xapian::Database::add_database, e.g. over xapian-tcpsrv) ranks exactly as one index would.
 * Reads the documents one at a time: memory depends on the number of workers, not the corpus.
 */
BuildStats build_index(const DocumentSource& source, const std::string& db_dir, const BuildOptions& options);

/** As above, for a corpus held in memory (articles, then clinicians). */
BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress);
BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress, const ShardSpec& shard);

struct UpdateStats {
    std::size_t added = 0, changed = 0, removed = 0, unchanged = 0;
    std::size_t abandoned_removed = 0;  ///< build directories of killed builds removed
    std::string generation;   ///< the live generation, updated in place
    std::string rebuild_reason;  ///< set when nothing was applied because only a full build will do
    double seconds = 0;
};

/**
 * Applies only what changed in `source` (by id and content hash; documents gone from it are
 * removed) to the live generation, inside one Xapian transaction; servers notice the commit. When
 * the taxonomy, crisis resources or schema differ, or there is no index yet, nothing is applied
 * and `rebuild_reason` says why: call build_index(). Learned concept profiles are kept as they
 * are until the next full build. Also removes build directories abandoned by killed builds
 * (never the live generation nor its predecessor, which readers may still hold).
 */
UpdateStats update_index(const DocumentSource& source, const std::string& db_dir);
UpdateStats update_index(const Corpus& corpus, const std::string& db_dir);

/** The generation directory name DIR/XAPIANDB points at, or "" when there is no index. */
std::string live_generation(const std::string& db_dir);

}  // namespace attune::indexer
