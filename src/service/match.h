#pragma once
#include "query/concept_detector.h"
#include "query/constraints.h"
#include "results/result.h"
#include "schema/records.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace attune::service {

/** Constraints an intake coordinator states explicitly. Every one given is hard. */
struct MatchConstraints {
    std::vector<std::string> languages;
    std::vector<std::string> formats;      ///< in-person | telehealth (any of)
    std::vector<std::string> populations;  ///< any of
    std::vector<std::string> insurance;    ///< any of
    std::string city;
    std::optional<double> lat, lon;        ///< with radius_km: within that distance
    double radius_km = 25;
    std::optional<double> max_fee;         ///< per session; a sliding scale counts from its minimum
    bool accepting_only = false;
    bool free_consultation = false;
};

struct MatchRequest {
    std::string text;  ///< the intake note, up to 5,000 characters
    MatchConstraints constraints;
    std::vector<std::string> ignore_parsed;  ///< "field:value" of constraints found in the text to drop
    std::size_t limit = 10;
    std::string today;  ///< YYYY-MM-DD; empty = today (UTC). Seeds the daily rotation of ties.
};

/** One hard constraint, from the request or found in the text. */
struct HardConstraint {
    std::string field;  ///< language, format, population, insurance, city, region, distance, fee, accepting, free_consultation
    std::string value;
    std::string source;  ///< request | text
    std::string words;   ///< as typed, for constraints found in the text
    bool hard = true;    ///< false for wishes found in the text ("ideally Spanish"): they rank, not filter
    std::string describe() const;  ///< "language: spanish"
};

struct ClinicianMatch {
    schema::Clinician record;
    double score = 0;
    std::vector<std::string> unmet;  ///< describe() of each hard constraint not met
    std::vector<std::string> why;
    bool fits = true;    ///< works with a concern or approach the note is about (or none was detected)
    bool stale = false;  ///< availability confirmed more than 90 days ago (or never)
    std::optional<double> distance_km;
};

struct MatchResponse {
    std::string text;
    query::Detection detection;
    std::optional<results::CrisisNotice> crisis;
    std::vector<HardConstraint> constraints;
    std::vector<ClinicianMatch> clinicians;  ///< fitting the concern and meeting every constraint; else the best partial matches
    std::vector<ClinicianMatch> near_matches;  ///< when fewer than `limit` meet every constraint: the closest others
    std::size_t meeting_all = 0;  ///< clinicians who fit the concern and meet every constraint
    std::vector<std::pair<std::string, std::size_t>> if_dropped;  ///< constraint -> matches without it, when none meet all
    std::string message;
};

nlohmann::json to_json(const MatchResponse& r);

/** Days from `from` to `to` (both YYYY-MM-DD), or nullopt when either is not a date. */
std::optional<long> days_between(const std::string& from, const std::string& to);

}  // namespace attune::service
