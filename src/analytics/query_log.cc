#include "analytics/query_log.h"

#include "analytics/redact.h"
#include "errors.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <set>

namespace attune::analytics {
namespace {

std::string format_utc(std::chrono::system_clock::time_point t, const char* format) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

std::vector<std::string> string_list(const nlohmann::json& j, const char* field) {
    if (!j.contains(field)) return {};
    const auto& v = j.at(field);
    if (!v.is_array()) throw InputError(std::string(field) + ": expected a list");
    std::vector<std::string> out;
    for (const auto& s : v) {
        if (!s.is_string()) throw InputError(std::string(field) + ": expected strings");
        out.push_back(s.get<std::string>());
    }
    return out;
}

bool valid_hour(const std::string& h) {
    if (h.size() != 13 || h[4] != '-' || h[7] != '-' || h[10] != 'T') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12})
        if (h[i] < '0' || h[i] > '9') return false;
    return true;
}

}  // namespace

std::string hour_of(std::chrono::system_clock::time_point t) { return format_utc(t, "%Y-%m-%dT%H"); }

std::string QueryLogEntry::to_line() const {
    nlohmann::json j = {{"hour", hour}, {"concepts", concepts}, {"unanswered", unanswered},
                        {"articles", articles}, {"clinicians", clinicians}, {"crisis", crisis}};
    if (query && !crisis) j["query"] = *query;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

QueryLogEntry QueryLogEntry::from_line(const std::string& line) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
        throw InputError("not a JSON object");
    }
    if (!j.is_object()) throw InputError("not a JSON object");
    QueryLogEntry e;
    if (!j.contains("hour") || !j["hour"].is_string() || !valid_hour(j["hour"].get<std::string>()))
        throw InputError("hour: expected YYYY-MM-DDTHH");
    e.hour = j["hour"].get<std::string>();
    if (j.contains("query")) {
        if (!j["query"].is_string()) throw InputError("query: expected a string");
        e.query = j["query"].get<std::string>();
    }
    e.concepts = string_list(j, "concepts");
    e.unanswered = string_list(j, "unanswered");
    for (const char* f : {"articles", "clinicians"})
        if (j.contains(f) && !j[f].is_number_unsigned()) throw InputError(std::string(f) + ": expected a count");
    e.articles = j.value("articles", std::size_t{0});
    e.clinicians = j.value("clinicians", std::size_t{0});
    if (j.contains("crisis") && !j["crisis"].is_boolean()) throw InputError("crisis: expected true or false");
    e.crisis = j.value("crisis", false);
    if (e.crisis) e.query.reset();
    return e;
}

QueryLogEntry make_entry(const results::SearchResponse& response, const taxonomy::Taxonomy& taxonomy,
                         std::chrono::system_clock::time_point when) {
    QueryLogEntry e;
    e.hour = hour_of(when);
    e.crisis = response.crisis.has_value();
    if (!e.crisis) e.query = redact_query(response.query);
    e.articles = response.total_articles;
    e.clinicians = response.total_clinicians;
    // A concept is answered when a returned result is tagged with it or with a narrower concept.
    std::set<std::string> answered;
    auto add_tags = [&](const std::vector<std::string>& tags) {
        for (const auto& t : tags) {
            answered.insert(t);
            for (const auto& a : taxonomy.ancestors(t)) answered.insert(a);
        }
    };
    for (const auto& a : response.articles) add_tags(a.record.concerns), add_tags(a.record.approaches);
    for (const auto& c : response.clinicians) add_tags(c.record.concerns), add_tags(c.record.approaches);
    for (const auto& c : response.detection.concepts) {
        e.concepts.push_back(c.id);
        if (!answered.count(c.id)) e.unanswered.push_back(c.id);
    }
    return e;
}

std::vector<QueryLogEntry> read_query_log(const std::string& path, std::vector<std::string>* skipped) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open the query log");
    std::vector<QueryLogEntry> out;
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        try {
            out.push_back(QueryLogEntry::from_line(line));
        } catch (const InputError& e) {
            if (skipped) skipped->push_back(path + ":" + std::to_string(n) + ": " + e.what());
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.hour < b.hour; });
    return out;
}

QueryLog::QueryLog(std::string path, int retention_days) : m_path(std::move(path)), m_retention_days(retention_days) {
    if (retention_days < 1) throw UsageError("--query-log-days: must be at least 1");
    {
        std::lock_guard lock(m_mutex);
        open_for_append();
        prune_locked(std::chrono::system_clock::now());
    }
    m_pruner = std::thread([this] {
        std::unique_lock lock(m_mutex);
        while (!m_wake.wait_for(lock, std::chrono::hours(1), [this] { return m_stopping; })) {
            const auto now = std::chrono::system_clock::now();
            if (format_utc(now, "%Y-%m-%d") != m_pruned_day) prune_locked(now);
        }
    });
}

QueryLog::~QueryLog() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_pruner.join();
    if (m_file) std::fclose(m_file);
}

void QueryLog::open_for_append() {
    if (m_file) std::fclose(m_file);
    m_file = nullptr;
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw UsageError("--query-log: cannot open " + m_path + " for writing");
    m_file = ::fdopen(fd, "a");
    if (!m_file) {
        ::close(fd);
        throw UsageError("--query-log: cannot open " + m_path + " for writing");
    }
}

void QueryLog::record(const QueryLogEntry& entry, std::chrono::system_clock::time_point now) {
    const std::string line = entry.to_line() + "\n";
    std::lock_guard lock(m_mutex);
    if (format_utc(now, "%Y-%m-%d") != m_pruned_day) prune_locked(now);
    if (!m_file) return;
    std::fwrite(line.data(), 1, line.size(), m_file);
    std::fflush(m_file);
}

std::size_t QueryLog::prune(std::chrono::system_clock::time_point now) {
    std::lock_guard lock(m_mutex);
    return prune_locked(now);
}

std::size_t QueryLog::prune_locked(std::chrono::system_clock::time_point now) {
    m_pruned_day = format_utc(now, "%Y-%m-%d");
    const std::string cutoff = hour_of(now - std::chrono::hours(24) * m_retention_days);
    std::ifstream in(m_path);
    std::vector<std::string> kept;
    std::size_t dropped = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        try {
            if (QueryLogEntry::from_line(line).hour >= cutoff) {
                kept.push_back(line);
                continue;
            }
        } catch (const InputError&) {
            // A torn last line from a crash, or a hand edit: it cannot be aged, so it goes.
        }
        ++dropped;
    }
    if (dropped == 0) return 0;
    const std::string tmp = m_path + ".prune";
    {
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return 0;
        std::string all;
        for (const auto& k : kept) all += k + "\n";
        const bool ok = ::write(fd, all.data(), all.size()) == static_cast<ssize_t>(all.size()) && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok || std::rename(tmp.c_str(), m_path.c_str()) != 0) {
            std::remove(tmp.c_str());
            return 0;
        }
    }
    open_for_append();
    return dropped;
}

}  // namespace attune::analytics
