// Concern understanding speed: concept detection plus query building (SearchService::understand),
// for short queries and for a 1,000-word intake text, beside full searches and the plain BM25
// baseline in the same process. Prints one JSON line per measurement; medians over many runs.
//
//   build/bench/bench_understanding --db .attune/index --queries queries/topics.tsv [--runs 200]
#include "service/search_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
    std::string db = ".attune/index";
    std::string queries = "queries/topics.tsv";
    int runs = 200;
};

std::vector<std::string> read_queries(const std::string& path, const std::string& cls) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string qid, c, text;
        if (std::getline(f, qid, '\t') && std::getline(f, c, '\t') && std::getline(f, text) && c == cls) out.push_back(text);
    }
    return out;
}

// A 1,000-word intake: the judged intake descriptions, repeated until long enough.
std::string long_intake(const std::vector<std::string>& intakes) {
    std::string text;
    std::size_t words = 0;
    for (std::size_t i = 0; words < 1000 && !intakes.empty(); ++i) {
        const std::string& s = intakes[i % intakes.size()];
        text += s + " ";
        words += static_cast<std::size_t>(std::count(s.begin(), s.end(), ' ')) + 1;
    }
    return text;
}

struct Stats {
    double p50, p95, mean;
};

Stats stats(std::vector<double> us) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double v : us) sum += v;
    return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 95 / 100)], sum / static_cast<double>(us.size())};
}

template <typename Fn>
Stats measure(const std::vector<std::string>& texts, int runs, Fn&& fn) {
    for (const auto& t : texts) fn(t);  // warm
    std::vector<double> us;
    for (int r = 0; r < runs; ++r)
        for (const auto& t : texts) {
            const auto start = Clock::now();
            fn(t);
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
    return stats(std::move(us));
}

void report(const char* what, const char* input, std::size_t n, const Stats& s) {
    std::printf("{\"bench\": \"understanding\", \"what\": \"%s\", \"input\": \"%s\", \"texts\": %zu, "
                "\"p50_us\": %.1f, \"p95_us\": %.1f, \"mean_us\": %.1f}\n", what, input, n, s.p50, s.p95, s.mean);
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--db") a.db = v;
        else if (k == "--queries") a.queries = v;
        else if (k == "--runs") a.runs = std::stoi(v);
        else { std::cerr << "unknown option " << k << "\n"; return 1; }
    }
    attune::service::SearchService svc(a.db);
    std::vector<std::string> shorts = read_queries(a.queries, "lay");
    for (const auto& q : read_queries(a.queries, "typo")) shorts.push_back(q);
    const std::vector<std::string> longs = {long_intake(read_queries(a.queries, "intake"))};
    if (shorts.empty()) { std::cerr << "no queries in " << a.queries << "\n"; return 1; }

    auto understand = [&](const std::string& q) {
        attune::service::SearchRequest req;
        req.query = q;
        attune::results::SearchResponse out;
        svc.understand(req, out);
    };
    auto search = [&](bool baseline) {
        return [&svc, baseline](const std::string& q) {
            attune::service::SearchRequest req;
            req.query = q;
            req.baseline = baseline;
            svc.search(req);
        };
    };
    auto detect = [&](const std::string& q) { svc.detect(q); };
    report("detect", "short", shorts.size(), measure(shorts, a.runs, detect));
    report("detect", "1000-words", longs.size(), measure(longs, a.runs * 5, detect));
    report("understand", "short", shorts.size(), measure(shorts, a.runs, understand));
    report("understand", "1000-words", longs.size(), measure(longs, a.runs * 5, understand));
    const auto full = measure(shorts, std::max(1, a.runs / 10), search(false));
    const auto base = measure(shorts, std::max(1, a.runs / 10), search(true));
    report("search", "short", shorts.size(), full);
    report("baseline-search", "short", shorts.size(), base);
    std::printf("{\"bench\": \"understanding\", \"what\": \"ratio\", \"search_p50_over_baseline_p50\": %.2f}\n",
                full.p50 / base.p50);
    return 0;
}
