#include "results/metrics.h"

#include <algorithm>
#include <cmath>

namespace attune::results {

Metrics evaluate(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged) {
    auto grade = [&](const std::string& id) {
        auto it = judged.find(id);
        return it == judged.end() ? 0 : it->second;
    };
    Metrics m;
    double dcg = 0;
    for (std::size_t i = 0; i < ranked.size() && i < 10; ++i) dcg += grade(ranked[i]) / std::log2(static_cast<double>(i) + 2);
    std::vector<int> ideal;
    std::size_t relevant = 0;
    for (const auto& [id, g] : judged) {
        ideal.push_back(g);
        if (g >= kRelevantGrade) ++relevant;
    }
    std::sort(ideal.rbegin(), ideal.rend());
    double idcg = 0;
    for (std::size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += ideal[i] / std::log2(static_cast<double>(i) + 2);
    m.ndcg10 = idcg > 0 ? dcg / idcg : 0;
    for (std::size_t i = 0; i < ranked.size() && i < 10; ++i)
        if (grade(ranked[i]) >= kRelevantGrade) { m.mrr10 = 1.0 / static_cast<double>(i + 1); break; }
    std::size_t hits5 = 0, hits20 = 0;
    for (std::size_t i = 0; i < ranked.size() && i < 20; ++i)
        if (grade(ranked[i]) >= kRelevantGrade) { ++hits20; if (i < 5) ++hits5; }
    m.p5 = static_cast<double>(hits5) / 5.0;
    m.recall20 = relevant ? static_cast<double>(hits20) / static_cast<double>(relevant) : 0;
    return m;
}

Metrics mean(const std::vector<Metrics>& all) {
    Metrics m;
    if (all.empty()) return m;
    for (const auto& x : all) {
        m.ndcg10 += x.ndcg10;
        m.mrr10 += x.mrr10;
        m.p5 += x.p5;
        m.recall20 += x.recall20;
    }
    const double n = static_cast<double>(all.size());
    m.ndcg10 /= n;
    m.mrr10 /= n;
    m.p5 /= n;
    m.recall20 /= n;
    return m;
}

}  // namespace attune::results
