#pragma once
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace attune::server {

/** Request counters and a latency histogram, written out in the Prometheus text format. */
class Metrics {
public:
    void record(const std::string& endpoint, int status, double seconds);
    std::string prometheus(const std::string& generation, std::size_t documents) const;

private:
    static constexpr std::array<double, 10> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, int>, unsigned long> m_requests;
    std::map<std::string, std::array<unsigned long, kBuckets.size() + 1>> m_buckets;  ///< per endpoint; last = +Inf
    std::map<std::string, double> m_seconds;
};

}  // namespace attune::server
