// Fixed-rate HTTP load with latency measured from each request's intended send time, so a stall
// shows up in the figures instead of silently lowering the rate (coordinated omission).
//
//   build/bench/load_fixed_rate --port 8080 --rate 1000 --seconds 20 --connections 16
//       --paths FILE            (one request path per line, used round-robin)
// Prints one JSON line: {"rate", "sent", "errors", "p50_ms", "p99_ms", "p999_ms", "max_ms"}.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    int port = 8080, connections = 16;
    double rate = 1000, seconds = 20;
    std::string paths_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--port") port = std::stoi(v);
        else if (k == "--rate") rate = std::stod(v);
        else if (k == "--seconds") seconds = std::stod(v);
        else if (k == "--connections") connections = std::stoi(v);
        else if (k == "--paths") paths_file = v;
        else { std::cerr << "unknown option " << k << "\n"; return 1; }
    }
    std::vector<std::string> paths;
    std::ifstream in(paths_file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) paths.push_back(line);
    if (paths.empty()) { std::cerr << "no paths in " << paths_file << "\n"; return 1; }

    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now() + std::chrono::milliseconds(200);
    const auto total = static_cast<long>(rate * seconds);
    const auto interval = std::chrono::duration<double>(1.0 / rate);
    std::atomic<long> next{0}, errors{0};
    std::mutex mutex;
    std::vector<double> latencies;
    latencies.reserve(static_cast<std::size_t>(total));
    std::vector<std::thread> workers;
    for (int c = 0; c < connections; ++c)
        workers.emplace_back([&] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            client.set_read_timeout(10, 0);
            std::vector<double> mine;
            for (long i = next++; i < total; i = next++) {
                const auto intended = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
                std::this_thread::sleep_until(intended);
                auto res = client.Get(paths[static_cast<std::size_t>(i) % paths.size()].c_str());
                if (!res || res->status != 200) ++errors;
                mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - intended).count());
            }
            std::lock_guard<std::mutex> lock(mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
        });
    for (auto& w : workers) w.join();
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) { return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latencies.size())))]; };
    std::printf("{\"rate\": %.0f, \"sent\": %zu, \"errors\": %ld, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"p999_ms\": %.2f, \"max_ms\": %.2f}\n",
                rate, latencies.size(), errors.load(), pct(0.5), pct(0.99), pct(0.999), latencies.empty() ? 0.0 : latencies.back());
    return 0;
}
