#pragma once
#include <map>
#include <string>
#include <vector>

namespace attune::results {

/** Graded judgements: unit id -> doc id -> grade (0-3). */
using Qrels = std::map<std::string, std::map<std::string, int>>;

/** Relevance metrics of one ranked list against its judgements. */
struct Metrics {
    double ndcg10 = 0;    ///< nDCG@10 with gain = grade, log2 discount
    double mrr10 = 0;     ///< reciprocal rank of the first relevant document within 10
    double p5 = 0;        ///< precision at 5
    double recall20 = 0;  ///< share of relevant documents found in the top 20
};

/** A grade at or above this counts as relevant for MRR, P@5 and Recall@20 (trec_eval -l2). */
inline constexpr int kRelevantGrade = 2;

Metrics evaluate(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged);

/** Mean of each metric. */
Metrics mean(const std::vector<Metrics>& all);

}  // namespace attune::results
