// Concern understanding through the whole service on the bundled corpus: spelling correction,
// learned profiles, crisis detection and its idioms, as a visitor's query meets them.
#include "service/search_service.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace attune;

namespace {

service::SearchService& bundled() {
    static test::TempDir dir;
    static std::unique_ptr<service::SearchService> svc = [] {
        const std::string src = ATTUNE_SOURCE_DIR;
        REQUIRE(test::run_attune({"index", "--corpus", src + "/corpus", "--db", dir.file("db")}).status == 0);
        return std::make_unique<service::SearchService>(dir.file("db"));
    }();
    return *svc;
}

results::SearchResponse understand(const std::string& q) {
    service::SearchRequest req;
    req.query = q;
    results::SearchResponse out;
    bundled().understand(req, out);
    return out;
}

std::vector<std::string> top(const results::SearchResponse& r, std::size_t n) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < r.detection.concepts.size() && i < n; ++i) ids.push_back(r.detection.concepts[i].id);
    return ids;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("misspelt words are corrected with a did-you-mean, and understood", "[golden]") {
    struct Case { const char* query; const char* suggestion; const char* concept_id; };
    const Case cases[] = {
        {"anxeity", "anxiety", "anxiety"},
        {"attachmnet therapy", "attachment therapy", "attachment-based"},
        {"depresion help", "depression help", "depression"},
        {"insomina", "insomnia", "sleep"},
        {"marrige counseling", "marriage counseling", "marriage-couples"},
        {"greif after my mom died", "grief after my mom died", "grief-loss"},
    };
    for (const auto& c : cases) {
        INFO(c.query);
        const auto r = understand(c.query);
        REQUIRE(r.suggestion);
        CHECK(*r.suggestion == c.suggestion);
        CHECK(has(top(r, 3), c.concept_id));
    }
    // Inflections and stems need no correction.
    CHECK_FALSE(understand("codependancy").suggestion);
    CHECK(has(top(understand("codependancy"), 3), "codependency"));
    CHECK_FALSE(understand("fear of intimacy").suggestion);
}

TEST_CASE("real words and names the index lacks are not corrected into other words", "[golden]") {
    // A wrong correction changes what the visitor asked: "dump" read as "jump" pulled in violence.
    for (const char* q : {"my boyfriend wants to dump me", "June has been hard since my dad died",
                          "I feel sad every June", "my counselor Brenna moved away"}) {
        INFO(q);
        const auto r = understand(q);
        CHECK_FALSE(r.suggestion);
        CHECK_FALSE(has(top(r, 3), "domestic-violence"));
    }
    CHECK(has(top(understand("my boyfriend wants to dump me"), 3), "breakup-divorce"));
}

TEST_CASE("texts no phrase covers still reach their concept through the learned profiles", "[golden]") {
    struct Case { const char* query; const char* concept_id; };
    const Case cases[] = {
        {"My wife no longer wants sex", "intimacy-sexuality"},
        {"flashbacks and nightmares since the war", "ptsd"},
        {"my toddler bites other kids at daycare", "child-adolescent"},
    };
    for (const auto& c : cases) {
        INFO(c.query);
        CHECK(has(top(understand(c.query), 3), c.concept_id));
    }
}

TEST_CASE("crisis variants raise the crisis notice with resources, and idioms do not", "[golden]") {
    const char* crises[] = {
        "thinking about ending it all",
        "everyone would be better off without me",
        "been cutting again",
        "I don't want to be alive anymore",
        "i want to kill myself",
        "I'm not suicidal but I keep thinking about dying",
        "he choked me last night and I'm scared to go home",
        "I have been hurting myself on purpose",
        "how can I resist the urge to cut",
    };
    for (const char* q : crises) {
        INFO(q);
        const auto r = understand(q);
        REQUIRE(r.crisis);
        CHECK_FALSE(r.crisis->resources.empty());
    }
    const char* idioms[] = {
        "killing it at work but stressed",
        "my plants are dying",
        "how to kill weeds",
        "I'm dying to find a good couples therapist",
        "this commute is killing me",
        "dead tired after night shifts",
        "cutting back on drinking",
        "I have the urge to cut back on sugar",
        "fighting the urge to cut off my sister",
        "I don't like going outside anymore",
    };
    for (const char* q : idioms) {
        INFO(q);
        CHECK_FALSE(understand(q).crisis);
    }
}

TEST_CASE("crisis resources follow the visitor's country", "[golden]") {
    service::SearchRequest req;
    req.query = "I want to end my life";
    req.country = "CA";
    results::SearchResponse out;
    bundled().understand(req, out);
    REQUIRE(out.crisis);
    CHECK(std::any_of(out.crisis->resources.begin(), out.crisis->resources.end(),
                      [](const auto& r) { return r.url == "https://988.ca"; }));
}
