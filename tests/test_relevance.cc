// Relevance floors on the judged queries in queries/: a change that makes search worse fails here.
// The floors sit just under the figures of the commit that set them (see docs/DESIGN.md).
#include "test_support.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace attune;

TEST_CASE("attune beats the plain BM25 baseline on the judged queries, overall and in every class", "[golden]") {
    test::TempDir dir;
    const std::string db = dir.file("db");
    const std::string src = ATTUNE_SOURCE_DIR;
    REQUIRE(test::run_attune({"index", "--corpus", src + "/corpus", "--db", db}).status == 0);
    const auto r = test::run_attune({"eval", "--json", "--db", db, "--queries", src + "/queries"});
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto& a = j["attune"];
    const auto& b = j["baseline"];
    CHECK(j["topics"].get<int>() >= 150);
    CHECK(a["all"]["ndcg@10"].get<double>() >= 0.81);
    CHECK(a["all"]["mrr@10"].get<double>() >= 0.85);
    CHECK(a["all"]["ndcg@10"].get<double>() - b["all"]["ndcg@10"].get<double>() >= 0.19);
    for (const auto& [cls, m] : a.items()) {
        INFO("class " << cls);
        CHECK(m["ndcg@10"].get<double>() > b[cls]["ndcg@10"].get<double>());
    }
}
