#include "index_watcher.h"

#include "service/index_paths.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace attune::server {

IndexWatcher::IndexWatcher(std::string db_dir, std::chrono::milliseconds interval)
    : m_db_dir(std::move(db_dir)), m_interval(interval), m_last(read_state()), m_thread([this] { run(); }) {}

IndexWatcher::~IndexWatcher() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

std::string IndexWatcher::read_state() const {
    std::ifstream in(service::stub_path(m_db_dir));
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string state = ss.str();
    // `attune index --update` commits to the live generation in place: every commit rewrites the
    // glass version file, so its modification time tells a new revision from the old.
    const std::string generation = service::live_generation(m_db_dir);
    struct stat st {};
    if (!generation.empty() && ::stat((m_db_dir + "/" + generation + "/iamglass").c_str(), &st) == 0)
        state += "|" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "|" +
                 std::to_string(st.st_size);
    return state;
}

void IndexWatcher::run() {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_wake.wait_for(lock, m_interval, [this] { return m_stop; })) {
        const std::string now = read_state();
        if (!now.empty() && now != m_last) {
            m_last = now;
            m_version.fetch_add(1, std::memory_order_acq_rel);
        }
    }
}

}  // namespace attune::server
