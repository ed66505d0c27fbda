// Intake matching: hard constraints filter, the rest ranks, and every clinician comes with reasons.
#include "service/match.h"

#include "errors.h"
#include "schema/document.h"
#include "schema/prefixes.h"
#include "service/search_service.h"
#include "text/analyzer.h"
#include "text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <cmath>
#include <ctime>
#include <functional>

namespace attune::service {
namespace {

constexpr std::size_t kMaxIntakeChars = 5000;
constexpr Xapian::doccount kCandidates = 1000;
constexpr long kStaleDays = 90;
constexpr double kNotAcceptingFactor = 0.8;
constexpr double kStaleFactor = 0.9;
// A detected concept is one of the note's main concerns when it scores at least this share of the top one.
constexpr double kMainConceptShare = 0.5;

std::string today_utc() {
    const std::time_t t = std::time(nullptr);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
    return buf;
}

long days_from_civil(int y, unsigned m, unsigned d) {  // Howard Hinnant's algorithm
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

std::optional<long> day_number(const std::string& iso) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return std::nullopt;
    return days_from_civil(y, m, d);
}

bool contains_folded(const std::vector<std::string>& values, const std::string& wanted) {
    return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return text::fold(v) == text::fold(wanted); });
}

std::optional<double> distance_km(const schema::Clinician& c, double lat, double lon) {
    if (!c.location.lat || !c.location.lon) return std::nullopt;
    const Xapian::GreatCircleMetric metric;
    return metric(Xapian::LatLongCoord(lat, lon), Xapian::LatLongCoord(*c.location.lat, *c.location.lon)) / 1000.0;
}

// Whether a clinician meets one hard constraint. Values within one field are alternatives.
bool meets(const HardConstraint& h, const schema::Clinician& c, const MatchConstraints& mc) {
    if (h.field == "language") return contains_folded(c.languages, h.value);
    if (h.field == "format") return contains_folded(c.formats, h.value);
    if (h.field == "population") return contains_folded(c.populations, h.value);
    if (h.field == "insurance") return contains_folded(c.insurance, h.value);
    if (h.field == "city") return text::fold(c.location.city) == text::fold(h.value);
    if (h.field == "region") return text::fold(c.location.region) == text::fold(h.value);
    if (h.field == "accepting") return c.accepting_new_clients;
    if (h.field == "free_consultation") return c.free_consultation;
    if (h.field == "fee") return !c.fee.min || *c.fee.min <= *mc.max_fee;
    if (h.field == "distance") {
        const auto d = distance_km(c, *mc.lat, *mc.lon);
        return d && *d <= mc.radius_km;
    }
    return false;
}

bool has_term(const Xapian::Document& doc, const std::string& term) {
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    return t != doc.termlist_end() && *t == term;
}

// The region (province or state) of a city, from a clinician who practises there; empty if none does.
std::string region_of_city(const Xapian::Database& db, const std::string& city) {
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(std::string(schema::prefix::kCity) + city),
                                    Xapian::Query(std::string(schema::prefix::kType) + "clinician")));
    const Xapian::MSet one = enquire.get_mset(0, 1);
    if (one.empty()) return {};
    return text::fold(schema::clinician_from_json(schema::decode_record(one.begin().get_document().get_data())).location.region);
}

/**
 * Telehealth crosses city lines but not licensing ones: when the client accepts telehealth, a
 * clinician who offers it and practises in the requested city's region meets a city constraint.
 */
struct TelehealthReach {
    bool accepted = false;                      ///< a format constraint (hard or a wish) includes telehealth
    std::map<std::string, std::string> region;  ///< requested city -> its region
};

TelehealthReach telehealth_reach(const Xapian::Database& db, const std::vector<HardConstraint>& constraints) {
    TelehealthReach reach;
    for (const auto& h : constraints)
        if (h.field == "format" && h.value.find("telehealth") != std::string::npos) reach.accepted = true;
    if (!reach.accepted) return reach;
    for (const auto& h : constraints) {
        if (h.field != "city") continue;
        std::size_t start = 0;
        while (start <= h.value.size()) {
            const auto bar = h.value.find('|', start);
            const std::string city = h.value.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
            reach.region[city] = region_of_city(db, city);
            if (bar == std::string::npos) break;
            start = bar + 1;
        }
    }
    return reach;
}

// The requested city whose region a telehealth clinician covers, or nullptr.
const std::string* reached_by_telehealth(const TelehealthReach& reach, const schema::Clinician& c) {
    if (!reach.accepted || !contains_folded(c.formats, "telehealth")) return nullptr;
    for (const auto& [city, region] : reach.region)
        if (!region.empty() && text::fold(c.location.region) == region) return &city;
    return nullptr;
}

std::vector<HardConstraint> hard_constraints(const MatchRequest& req, const std::vector<query::TextConstraint>& parsed) {
    std::vector<HardConstraint> out;
    const auto& c = req.constraints;
    auto add_list = [&](const char* field, const std::vector<std::string>& values) {
        // Several values of one field are alternatives: stored as one constraint "a|b".
        if (values.empty()) return;
        std::string joined;
        for (const auto& v : values) joined += (joined.empty() ? "" : "|") + text::fold(v);
        out.push_back({field, joined, "request", ""});
    };
    add_list("language", c.languages);
    add_list("format", c.formats);
    add_list("population", c.populations);
    add_list("insurance", c.insurance);
    if (!c.city.empty()) out.push_back({"city", text::fold(c.city), "request", ""});
    if (c.lat && c.lon) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "within %.0f km", c.radius_km);
        out.push_back({"distance", buf, "request", ""});
    }
    if (c.max_fee) out.push_back({"fee", "at most " + std::to_string(static_cast<long>(*c.max_fee)), "request", ""});
    if (c.accepting_only) out.push_back({"accepting", "yes", "request", ""});
    if (c.free_consultation) out.push_back({"free_consultation", "yes", "request", ""});
    for (const auto& p : parsed) {
        const std::string key = p.field + ":" + p.value;
        if (std::find(req.ignore_parsed.begin(), req.ignore_parsed.end(), key) != req.ignore_parsed.end()) continue;
        const bool stated = std::any_of(out.begin(), out.end(), [&](const HardConstraint& h) { return h.field == p.field; });
        if (!stated) out.push_back({p.field, p.value, "text", p.words, !p.preference});
    }
    return out;
}

bool meets_any_value(const HardConstraint& h, const schema::Clinician& c, const MatchConstraints& mc) {
    if (h.value.find('|') == std::string::npos) return meets(h, c, mc);
    std::size_t start = 0;
    while (start <= h.value.size()) {
        const auto bar = h.value.find('|', start);
        HardConstraint one = h;
        one.value = h.value.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        if (meets(one, c, mc)) return true;
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return false;
}

}  // namespace

std::string HardConstraint::describe() const { return field + ": " + value; }

std::optional<long> days_between(const std::string& from, const std::string& to) {
    const auto a = day_number(from), b = day_number(to);
    if (!a || !b) return std::nullopt;
    return *b - *a;
}

MatchResponse SearchService::match(const MatchRequest& req) {
    if (text::find_invalid_utf8(req.text) != std::string::npos) throw UsageError("text: not valid UTF-8");
    if (text::utf8_length(req.text) > kMaxIntakeChars) throw UsageError("text: longer than 5,000 characters");
    if (req.limit == 0 || req.limit > 100) throw UsageError("limit: must be between 1 and 100");
    const MatchConstraints& mc = req.constraints;
    if ((mc.lat.has_value()) != (mc.lon.has_value())) throw UsageError("lat: give both lat and lon");
    if (mc.lat && (*mc.lat < -90 || *mc.lat > 90)) throw UsageError("lat: must be within -90..90");
    if (mc.lon && (*mc.lon < -180 || *mc.lon > 180)) throw UsageError("lon: must be within -180..180");
    if (mc.radius_km <= 0 || mc.radius_km > 20000) throw UsageError("radius_km: must be between 0 and 20000");
    const std::string today = req.today.empty() ? today_utc() : req.today;
    if (!day_number(today)) throw UsageError("today: not a date (YYYY-MM-DD)");

    MatchResponse out;
    out.text = req.text;
    Xapian::Query relevance = Xapian::Query::MatchAll;
    std::vector<query::TextConstraint> parsed;
    if (!m_analyzer.analyze(req.text).empty()) {
        SearchRequest sr;
        sr.query = req.text;
        sr.type = ResultType::Clinician;
        results::SearchResponse understood;
        const query::QueryPlan plan = understand(sr, understood);
        out.detection = understood.detection;
        out.crisis = understood.crisis;
        parsed = plan.constraints;
        relevance = plan.combined;
    }
    out.constraints = hard_constraints(req, parsed);

    Xapian::Enquire enquire(m_db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, relevance,
                                    Xapian::Query(std::string(schema::prefix::kType) + "clinician")));
    const Xapian::MSet mset = enquire.get_mset(0, kCandidates);
    const double top = mset.empty() ? 1.0 : std::max(mset.begin().get_weight(), 1e-9);
    const TelehealthReach reach = telehealth_reach(m_db, out.constraints);
    std::vector<ClinicianMatch> all;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const nlohmann::json rec = schema::decode_record(it.get_document().get_data());
        ClinicianMatch m;
        m.record = schema::clinician_from_json(rec);
        const auto& c = m.record;
        // Ranking: relevance, then wishes, availability, distance and fee as preferences.
        m.score = it.get_weight() / top;
        std::vector<bool> met;
        std::vector<std::string> met_how(out.constraints.size());
        for (const auto& h : out.constraints) {
            met.push_back(meets_any_value(h, c, mc));
            if (!met.back() && h.field == "city")
                if (reached_by_telehealth(reach, c)) {
                    met.back() = true;
                    met_how[met.size() - 1] = " by telehealth (" + c.location.region + ")";
                }
            if (met.back()) continue;
            if (h.hard) m.unmet.push_back(h.describe());
            else m.score -= 0.25;  // a wish not met counts against, but does not exclude
        }
        // Availability scales the fit rather than adding to it: among clinicians who fit about as
        // well, those accepting new clients come first, but a weak fit is not lifted above a strong
        // one only because it has room.
        if (!c.accepting_new_clients) m.score *= kNotAcceptingFactor;
        const auto age = days_between(c.availability_confirmed, today);
        m.stale = !age || *age > kStaleDays;
        if (m.stale) m.score *= kStaleFactor;
        if (mc.lat && mc.lon) {
            m.distance_km = distance_km(c, *mc.lat, *mc.lon);
            if (m.distance_km) m.score += 0.2 * std::max(0.0, 1.0 - *m.distance_km / mc.radius_km);
        }
        if (mc.max_fee && c.fee.min && *c.fee.min <= *mc.max_fee) m.score += 0.1;
        // Reasons, in words a person reads.
        std::vector<std::string> shared;
        for (const auto& d : out.detection.concepts)
            if (std::find(c.concerns.begin(), c.concerns.end(), d.id) != c.concerns.end() ||
                std::find(c.approaches.begin(), c.approaches.end(), d.id) != c.approaches.end())
                shared.push_back(d.label);
        // A clinician fits when they work with one of the note's main concerns (a narrower concept
        // counts: the index tags a profile with the broader ones too); with nothing detected, all fit.
        // Only the concepts the note is mainly about count: a passing mention ("a coworker") is not
        // what the client comes for.
        const Xapian::Document doc = it.get_document();
        const double main_floor = out.detection.concepts.empty() ? 0 : kMainConceptShare * out.detection.concepts.front().score;
        m.fits = out.detection.concepts.empty() ||
                 std::any_of(out.detection.concepts.begin(), out.detection.concepts.end(), [&](const auto& d) {
                     return d.score >= main_floor && (has_term(doc, std::string(schema::prefix::kConcern) + d.id) ||
                                                      has_term(doc, std::string(schema::prefix::kApproach) + d.id));
                 });
        if (!shared.empty()) {
            std::string s;
            for (std::size_t i = 0; i < shared.size(); ++i) s += (i ? ", " : "") + shared[i];
            m.why.push_back("works with " + s);
        } else if (!m.fits) {
            m.why.push_back("does not list " + out.detection.concepts.front().label);
        }
        for (std::size_t i = 0; i < out.constraints.size(); ++i)
            if (met[i])
                m.why.push_back((out.constraints[i].hard ? "meets " : "meets the wish for ") + out.constraints[i].describe() + met_how[i]);
        if (m.distance_km) m.why.push_back(std::to_string(static_cast<long>(std::lround(*m.distance_km))) + " km away");
        if (c.fee.min) {
            std::string fee = "fee " + std::to_string(static_cast<long>(*c.fee.min));
            if (c.fee.max && *c.fee.max != *c.fee.min) fee += "-" + std::to_string(static_cast<long>(*c.fee.max));
            if (c.fee.sliding_scale) fee += ", sliding scale";
            m.why.push_back(fee);
        }
        m.why.push_back(c.accepting_new_clients ? "accepting new clients" : "not accepting new clients");
        if (age) m.why.push_back(m.stale ? "availability last confirmed " + std::to_string(*age) + " days ago: check before referring"
                                         : "availability confirmed " + std::to_string(*age) + " days ago");
        else m.why.push_back("availability never confirmed: check before referring");
        all.push_back(std::move(m));
    }
    // Clinicians who fit equally are rotated daily: ties (to two decimals) break on a hash of the
    // day and the id, stable within a day. Nothing a clinician does or pays changes it.
    const std::hash<std::string> hasher;
    // Fit with the concern comes first: someone who meets every constraint but does not work with
    // what the client needs is not a match, only a fallback after the close ones.
    auto order = [&](const ClinicianMatch& a, const ClinicianMatch& b) {
        if (a.fits != b.fits) return a.fits;
        if (a.unmet.size() != b.unmet.size()) return a.unmet.size() < b.unmet.size();
        const long sa = std::lround(a.score * 100), sb = std::lround(b.score * 100);
        if (sa != sb) return sa > sb;
        return hasher(today + a.record.id) < hasher(today + b.record.id);
    };
    std::sort(all.begin(), all.end(), order);
    const auto full = [](const ClinicianMatch& m) { return m.fits && m.unmet.empty(); };
    out.meeting_all = static_cast<std::size_t>(std::count_if(all.begin(), all.end(), full));
    const bool any_hard = std::any_of(out.constraints.begin(), out.constraints.end(), [](const auto& h) { return h.hard; });
    if (out.meeting_all == 0 && any_hard) {
        for (const auto& h : out.constraints) {
            if (!h.hard) continue;
            const auto n = std::count_if(all.begin(), all.end(), [&](const ClinicianMatch& m) {
                return m.fits && m.unmet.size() == 1 && m.unmet.front() == h.describe();
            });
            out.if_dropped.emplace_back(h.describe(), static_cast<std::size_t>(n));
        }
        out.message = "No clinician meets every constraint; these are the closest, with what they do not meet.";
        if (all.size() > req.limit) all.resize(req.limit);
        out.clinicians = std::move(all);
        return out;
    }
    // Those meeting every constraint, then (when they are fewer than asked for) the closest others,
    // apart, so a short list is never the whole story.
    const auto first_partial = std::find_if(all.begin(), all.end(), [&](const auto& m) { return !full(m); });
    out.clinicians.assign(all.begin(), first_partial);
    if (out.clinicians.size() > req.limit) out.clinicians.resize(req.limit);
    for (auto it = first_partial; it != all.end() && out.clinicians.size() + out.near_matches.size() < req.limit; ++it)
        out.near_matches.push_back(*it);
    return out;
}

nlohmann::json to_json(const MatchResponse& r) {
    using nlohmann::json;
    const json concepts = results::concepts_json(r.detection);
    json constraints = json::array(), parsed = json::array();
    for (const auto& h : r.constraints) {
        json j = {{"field", h.field}, {"value", h.value}, {"source", h.source}, {"hard", h.hard}};
        if (h.source == "text") {
            j["words"] = h.words;
            j["drop"] = h.field + ":" + h.value;
            parsed.push_back(j);
        }
        constraints.push_back(j);
    }
    auto clinician_json = [](const ClinicianMatch& m) {
        const auto& c = m.record;
        json j = {{"id", c.id}, {"name", c.name}, {"credentials", c.credentials}, {"url", c.url},
                  {"score", std::round(m.score * 1000.0) / 1000.0}, {"concerns", c.concerns}, {"approaches", c.approaches},
                  {"populations", c.populations}, {"languages", c.languages}, {"formats", c.formats},
                  {"accepting_new_clients", c.accepting_new_clients}, {"availability_confirmed", c.availability_confirmed},
                  {"availability_stale", m.stale}, {"location", schema::to_json(c.location)},
                  {"fee", {{"min", c.fee.min ? json(*c.fee.min) : json(nullptr)}, {"max", c.fee.max ? json(*c.fee.max) : json(nullptr)},
                           {"sliding_scale", c.fee.sliding_scale}}},
                  {"insurance", c.insurance}, {"free_consultation", c.free_consultation}, {"fictional", c.fictional},
                  {"fits", m.fits}, {"unmet", m.unmet}, {"why", m.why}};
        if (m.distance_km) j["distance_km"] = std::round(*m.distance_km * 10.0) / 10.0;
        return j;
    };
    json clinicians = json::array(), near = json::array();
    for (const auto& m : r.clinicians) clinicians.push_back(clinician_json(m));
    for (const auto& m : r.near_matches) near.push_back(clinician_json(m));
    const json crisis = results::crisis_json(r.crisis);
    json relax = json::array();
    for (const auto& [c, n] : r.if_dropped) relax.push_back({{"drop", c}, {"matches", n}});
    return {{"text", r.text}, {"concepts", concepts}, {"crisis", crisis}, {"parsed_filters", parsed},
            {"constraints", constraints}, {"meeting_all", r.meeting_all}, {"clinicians", clinicians},
            {"near_matches", near},
            {"if_dropped", relax}, {"message", r.message.empty() ? json(nullptr) : json(r.message)}};
}

}  // namespace attune::service
