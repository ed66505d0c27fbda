#include "metrics.h"

#include <sstream>

namespace attune::server {

void Metrics::record(const std::string& endpoint, int status, double seconds) {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_requests[{endpoint, status}];
    auto& buckets = m_buckets[endpoint];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++buckets[i];
    ++buckets[kBuckets.size()];
    m_seconds[endpoint] += seconds;
}

std::string Metrics::prometheus(const std::string& generation, std::size_t documents) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::ostringstream out;
    out << "# HELP attune_requests_total HTTP requests by endpoint and status.\n"
        << "# TYPE attune_requests_total counter\n";
    for (const auto& [key, n] : m_requests)
        out << "attune_requests_total{endpoint=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << "\n";
    out << "# HELP attune_request_duration_seconds Time to answer a request.\n"
        << "# TYPE attune_request_duration_seconds histogram\n";
    for (const auto& [endpoint, buckets] : m_buckets) {
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            out << "attune_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"" << kBuckets[i] << "\"} "
                << buckets[i] << "\n";
        out << "attune_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"+Inf\"} "
            << buckets[kBuckets.size()] << "\n";
        out << "attune_request_duration_seconds_sum{endpoint=\"" << endpoint << "\"} " << m_seconds.at(endpoint) << "\n";
        out << "attune_request_duration_seconds_count{endpoint=\"" << endpoint << "\"} " << buckets[kBuckets.size()] << "\n";
    }
    out << "# HELP attune_index_documents Documents in the index being served.\n"
        << "# TYPE attune_index_documents gauge\n"
        << "attune_index_documents " << documents << "\n"
        << "# HELP attune_index_generation_info The index generation being served.\n"
        << "# TYPE attune_index_generation_info gauge\n"
        << "attune_index_generation_info{generation=\"" << generation << "\"} 1\n";
    return out.str();
}

}  // namespace attune::server
