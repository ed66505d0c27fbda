#include "corpus_reader.h"
#include "index_builder.h"
#include "service/search_service.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace attune;

namespace {

service::MatchRequest request(const std::string& text) {
    service::MatchRequest r;
    r.text = text;
    r.today = "2026-11-23";
    return r;
}

std::vector<std::string> ids(const service::MatchResponse& r) {
    std::vector<std::string> out;
    for (const auto& m : r.clinicians) out.push_back(m.record.id);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("hard constraints filter and every match says why", "[integration]") {
    test::TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    auto req = request("worry all the time");
    req.constraints.languages = {"Spanish"};
    const auto r = svc.match(req);
    CHECK(ids(r) == std::vector<std::string>{"ana-test"});
    CHECK(r.meeting_all == 1);
    REQUIRE_FALSE(r.clinicians.empty());
    const auto& why = r.clinicians[0].why;
    CHECK(has(why, "works with Anxiety"));
    CHECK(has(why, "meets language: spanish"));
    CHECK(has(why, "accepting new clients"));
}

TEST_CASE("constraints written in the note are found, applied, and can be dropped", "[integration]") {
    test::TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    auto req = request("my teenager has felt empty and depressed for months");
    auto r = svc.match(req);
    REQUIRE_FALSE(r.constraints.empty());
    CHECK(r.constraints[0].describe() == "population: teens");
    CHECK(r.constraints[0].source == "text");
    CHECK(ids(r) == std::vector<std::string>{"ben-test"});
    req.ignore_parsed = {"population:teens"};
    r = svc.match(req);
    CHECK(r.constraints.empty());
    CHECK(has(ids(r), "cara-test"));
    CHECK(has(ids(r), "ben-test"));
}

TEST_CASE("when nobody meets every constraint, the closest come with what they miss", "[integration]") {
    test::TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    auto req = request("low mood and feeling empty");
    req.constraints.languages = {"French"};
    req.constraints.formats = {"telehealth"};
    const auto r = svc.match(req);
    CHECK(r.meeting_all == 0);
    CHECK_FALSE(r.message.empty());
    REQUIRE(r.clinicians.size() >= 2);
    for (const auto& m : r.clinicians) CHECK(m.unmet.size() == 1);
    const auto dropped = [&](const std::string& c) {
        return std::find_if(r.if_dropped.begin(), r.if_dropped.end(), [&](const auto& p) { return p.first == c; })->second;
    };
    CHECK(dropped("format: telehealth") == 1);  // ben-test speaks French but sees people in person
    CHECK(dropped("language: french") == 1);    // cara-test is online but speaks English
}

TEST_CASE("stale availability is flagged and counts less", "[integration]") {
    test::TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    const auto r = svc.match(request("feel empty, no motivation"));
    for (const auto& m : r.clinicians) {
        INFO(m.record.id);
        if (m.record.id == "ben-test") {
            CHECK(m.stale);
            CHECK(has(m.why, "availability last confirmed 682 days ago: check before referring"));
        }
        if (m.record.id == "cara-test") CHECK(m.stale);  // never confirmed
    }
    CHECK(service::days_between("2026-11-01", "2026-11-23") == 22);
}

TEST_CASE("equally good matches rotate by day and stay put within a day", "[integration]") {
    test::TempDir dir;
    const std::string src = ATTUNE_SOURCE_DIR;
    REQUIRE(test::run_attune({"index", "--corpus", src + "/corpus", "--db", dir.file("db")}).status == 0);
    service::SearchService svc(dir.file("db"));
    auto day = [&](const std::string& d) {
        service::MatchRequest r;
        r.constraints.city = "Toronto";
        r.constraints.accepting_only = true;
        r.today = d;
        r.limit = 100;
        return ids(svc.match(r));
    };
    const auto monday = day("2026-11-23");
    CHECK(monday.size() >= 5);
    CHECK(day("2026-11-23") == monday);
    auto tuesday = day("2026-11-24");
    CHECK(tuesday != monday);
    std::sort(tuesday.begin(), tuesday.end());
    auto sorted = monday;
    std::sort(sorted.begin(), sorted.end());
    CHECK(tuesday == sorted);
}

TEST_CASE("every clinician returned meets every hard constraint (oracle over the corpus files)", "[integration]") {
    test::TempDir dir;
    const std::string src = ATTUNE_SOURCE_DIR;
    REQUIRE(test::run_attune({"index", "--corpus", src + "/corpus", "--db", dir.file("db")}).status == 0);
    service::SearchService svc(dir.file("db"));
    indexer::ReadOptions opts;
    opts.corpus_dir = src + "/corpus";
    const auto corpus = indexer::read_corpus(opts);
    auto profile = [&](const std::string& id) -> const schema::Clinician& {
        return std::find_if(corpus.clinicians.begin(), corpus.clinicians.end(),
                            [&](const auto& c) { return c.clinician.id == id; })->clinician;
    };
    struct Case { const char* text; std::vector<std::string> languages, formats, populations; double max_fee; bool accepting; };
    const std::vector<Case> cases = {
        {"anxiety and panic attacks", {"Spanish"}, {}, {}, -1, false},
        {"my wife and I fight all the time", {}, {"in-person"}, {"couples"}, 200, true},
        {"grief after my father died", {"French"}, {"telehealth"}, {}, -1, false},
        {"my teenager won't talk to me", {}, {}, {"teens", "families"}, 150, false},
        {"", {"English"}, {"telehealth"}, {"older-adults"}, -1, true},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto req = request(c.text);
        req.constraints.languages = c.languages;
        req.constraints.formats = c.formats;
        req.constraints.populations = c.populations;
        if (c.max_fee >= 0) req.constraints.max_fee = c.max_fee;
        req.constraints.accepting_only = c.accepting;
        req.limit = 100;
        const auto r = svc.match(req);
        if (r.meeting_all == 0) continue;
        for (const auto& m : r.clinicians) {
            const auto& p = profile(m.record.id);
            INFO(p.id);
            auto any = [](const std::vector<std::string>& have, const std::vector<std::string>& want) {
                if (want.empty()) return true;
                return std::any_of(want.begin(), want.end(), [&](const std::string& w) {
                    return std::find(have.begin(), have.end(), w) != have.end();
                });
            };
            CHECK(m.unmet.empty());
            CHECK(any(p.languages, c.languages));
            CHECK(any(p.formats, c.formats));
            CHECK(any(p.populations, c.populations));
            if (c.max_fee >= 0) CHECK((!p.fee.min || *p.fee.min <= c.max_fee));
            if (c.accepting) CHECK(p.accepting_new_clients);
        }
    }
}

TEST_CASE("a constraint worded as a wish ranks but does not filter", "[integration]") {
    // Ana (anxiety and Spanish) and Cara (depression and English only) both fit the note.
    test::TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    const auto r = svc.match(request("I worry all the time and I feel depressed, ideally with someone who speaks Spanish"));
    REQUIRE(r.constraints.size() == 1);
    CHECK(r.constraints[0].describe() == "language: spanish");
    CHECK_FALSE(r.constraints[0].hard);
    const auto found = ids(r);
    REQUIRE(found.size() >= 2);
    CHECK(found.front() == "ana-test");
    CHECK(has(found, "cara-test"));
    CHECK(has(r.clinicians.front().why, "meets the wish for language: spanish"));
}

TEST_CASE("a clinician who meets every constraint but not the main concern is no match", "[integration]") {
    test::TempDir dir;
    test::build_test_index(dir.path());
    service::SearchService svc(dir.path());
    // Cara and Ben speak English but work with depression, not anxiety: they come after Ana, apart.
    auto req = request("I worry all the time and cannot switch it off");
    req.constraints.languages = {"English"};
    const auto r = svc.match(req);
    REQUIRE(r.constraints.size() == 1);
    CHECK(ids(r) == std::vector<std::string>{"ana-test"});
    CHECK(r.meeting_all == 1);
    REQUIRE_FALSE(r.near_matches.empty());
    for (const auto& m : r.near_matches) {
        INFO(m.record.id);
        CHECK_FALSE(m.fits);
        CHECK(m.unmet.empty());
        CHECK(has(m.why, "does not list Anxiety"));
    }
}

TEST_CASE("telehealth meets a city within its region when the client accepts telehealth", "[integration]") {
    test::TempDir dir;
    // The test corpus plus Dana: anxiety, telehealth only, in Dartmouth (NS), across the harbour
    // from Halifax, where Cara practises.
    const std::string corpus = dir.file("corpus");
    std::filesystem::copy(test::test_corpus(), corpus, std::filesystem::copy_options::recursive);
    dir.write("corpus/clinicians/dana-test.json", R"({"id": "dana-test", "fictional": true, "name": "Dana Test",
        "bio": "I help adults who worry all the time, by video.", "concerns": ["anxiety"], "approaches": ["cbt"],
        "populations": ["individuals"], "languages": ["English"],
        "location": {"city": "Dartmouth", "region": "NS", "country": "CA"}, "formats": ["telehealth"],
        "accepting_new_clients": true, "availability_confirmed": "2026-11-01", "free_consultation": false,
        "fee": {"min": 90, "max": 120, "sliding_scale": false}, "insurance": [],
        "url": "https://attune.example/clinicians/dana-test"})");
    indexer::ReadOptions opts;
    opts.corpus_dir = corpus;
    const indexer::Corpus read = indexer::read_corpus(opts);
    REQUIRE(read.errors.empty());
    {
        indexer::IndexLock lock(dir.file("db"));
        indexer::build_index(read, dir.file("db"), nullptr);
    }
    service::SearchService svc(dir.file("db"));
    auto req = request("I worry all the time");
    req.constraints.city = "Halifax";
    // Without telehealth Dana is not in Halifax: nobody who fits meets the city.
    const auto in_person = svc.match(req);
    CHECK(in_person.meeting_all == 0);
    for (const auto& m : in_person.clinicians) {
        INFO(m.record.id);
        CHECK_FALSE((m.fits && m.unmet.empty()));
        if (m.record.id == "dana-test") CHECK(m.unmet == std::vector<std::string>{"city: halifax"});
    }
    // Telehealth accepted: Dana (same province) meets the city; Ana (Florida) still does not.
    req.constraints.formats = {"telehealth"};
    const auto r = svc.match(req);
    CHECK(ids(r) == std::vector<std::string>{"dana-test"});
    REQUIRE_FALSE(r.clinicians.empty());
    CHECK(has(r.clinicians[0].why, "meets city: halifax by telehealth (NS)"));
}
