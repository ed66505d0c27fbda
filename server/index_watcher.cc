#include "index_watcher.h"

#include "service/index_paths.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace attune::server {

IndexWatcher::IndexWatcher(std::string db_dir, std::chrono::milliseconds interval)
    : m_db_dir(std::move(db_dir)), m_interval(interval) {
    // The files first: a change between the two reads is then seen again at the first poll.
    const std::string files = files_key();
    m_last = read_state();
    if (!m_last.empty()) m_last_files = files;
    m_thread = std::thread([this] { run(); });
}

IndexWatcher::~IndexWatcher() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

std::string IndexWatcher::files_key() const {
    std::ifstream in(service::stub_path(m_db_dir));
    std::ostringstream key;
    key << in.rdbuf();
    // Every commit renames a new version file into place, and a new generation or a replica's full
    // copy is a new directory: both show in the inode and the modification time.
    const std::string live = m_db_dir + "/" + service::live_generation(m_db_dir);
    for (const std::string& path : {live, live + "/iamglass"}) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0)
            key << '|' << st.st_ino << ':' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << ':' << st.st_size;
    }
    return key.str();
}

std::string IndexWatcher::read_state() const {
    // The database's own UUID and revision decide, not file times: a commit in place (`attune index
    // --update`, or a changeset that xapian-replicate applies to a replica) raises the revision only
    // once its version file is renamed into place, and a new generation or a replica's full copy
    // (xapian-replicate alternates replica_0 and replica_1 under its own stub) has another UUID even
    // when the stub names the same directory again.
    const std::string revision = service::live_revision(m_db_dir);
    if (revision.empty()) return {};
    return service::live_generation(m_db_dir) + "|" + revision;
}

void IndexWatcher::run() {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_wake.wait_for(lock, m_interval, [this] { return m_stop; })) {
        // Opening the database costs a few files; only do it when the files say something moved.
        const std::string files = files_key();
        if (files == m_last_files) continue;
        const std::string now = read_state();
        if (now.empty()) continue;  // not readable yet: look again at the next poll
        m_last_files = files;
        if (now != m_last) {
            m_last = now;
            m_version.fetch_add(1, std::memory_order_acq_rel);
        }
    }
}

}  // namespace attune::server
