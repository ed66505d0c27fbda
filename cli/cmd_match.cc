#include "commands.h"

#include "errors.h"
#include "terminal.h"

#include <iostream>

namespace attune::cli {

void setup_match(CLI::App& app, MatchOptions& o) {
    add_db_option(app, o.db);
    app.add_option("text", o.words, "The intake note (what the client is going through)");
    app.add_option("--language", o.languages, "Must speak this language (repeat for alternatives)");
    app.add_option("--format", o.formats, "in-person or telehealth (repeat for either)")
        ->check(CLI::IsMember({"in-person", "telehealth"}));
    app.add_option("--population", o.populations, "Must work with this population (repeat for alternatives)")
        ->check(CLI::IsMember({"individuals", "couples", "families", "children", "teens", "older-adults"}));
    app.add_option("--insurance", o.insurance, "Must take this insurance (repeat for alternatives)");
    app.add_option("--city", o.city, "Must practise in this city");
    app.add_option("--near", o.near, "LAT,LON: must practise within --radius km of this point");
    app.add_option("--radius", o.radius, "Radius in km for --near")->capture_default_str();
    app.add_option("--max-fee", o.max_fee, "Highest fee per session (a sliding scale counts from its minimum)");
    app.add_flag("--accepting", o.accepting, "Only clinicians accepting new clients");
    app.add_flag("--free-consultation", o.free_consultation, "Only clinicians offering a free consultation");
    app.add_option("--ignore", o.ignore, "Drop a constraint found in the text, as FIELD:VALUE (e.g. language:spanish)");
    app.add_option("--limit", o.limit, "Clinicians to list (1-100)")->check(CLI::Range(1, 100));
    app.add_option("--today", o.today, "Date for availability age and the daily rotation (YYYY-MM-DD)");
    app.add_flag("--json", o.json, "Print the match as JSON (docs/api.md)");
}

int run_match(const MatchOptions& o) {
    service::MatchRequest req;
    for (const auto& w : o.words) req.text += (req.text.empty() ? "" : " ") + w;
    auto& c = req.constraints;
    c.languages = o.languages;
    c.formats = o.formats;
    c.populations = o.populations;
    c.insurance = o.insurance;
    c.city = o.city;
    if (!o.near.empty()) {
        const auto comma = o.near.find(',');
        try {
            if (comma == std::string::npos) throw std::invalid_argument("no comma");
            c.lat = std::stod(o.near.substr(0, comma));
            c.lon = std::stod(o.near.substr(comma + 1));
        } catch (const std::exception&) {
            throw UsageError("--near: expected LAT,LON such as 43.65,-79.38");
        }
    }
    c.radius_km = o.radius;
    if (o.max_fee >= 0) c.max_fee = o.max_fee;
    c.accepting_only = o.accepting;
    c.free_consultation = o.free_consultation;
    req.ignore_parsed = o.ignore;
    req.limit = o.limit;
    req.today = o.today;
    if (req.text.empty() && o.languages.empty() && o.formats.empty() && o.populations.empty() && o.insurance.empty() &&
        o.city.empty() && o.near.empty())
        throw UsageError("give an intake note or at least one constraint");
    service::SearchService service(o.db.resolved());
    const service::MatchResponse r = service.match(req);
    if (o.json) {
        std::cout << service::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return kExitOk;
    }
    const bool tty = stdout_is_tty();
    if (r.crisis) {
        std::cout << bold("Crisis: ", tty) << r.crisis->message << "\n";
        for (const auto& res : r.crisis->resources) std::cout << "  - " << res.name << ": " << res.contact << "\n";
    }
    for (const auto& h : r.constraints)
        std::cout << (h.source == "text" ? "Found in the note: " : "Constraint: ") << h.describe()
                  << (h.source == "text" ? "  (\"" + h.words + "\"; drop with --ignore " + h.field + ":" + h.value + ")" : "")
                  << "\n";
    if (!r.message.empty()) {
        std::cout << r.message << "\n";
        for (const auto& [drop, n] : r.if_dropped) std::cout << "  " << n << " match if " << drop << " is dropped\n";
    }
    int n = 0;
    for (const auto& m : r.clinicians) {
        std::cout << "  " << ++n << ". " << bold(m.record.name, tty) << ", " << m.record.credentials << "  "
                  << m.record.location.city << (m.record.fictional ? " · fictional sample" : "") << "\n";
        for (const auto& w : m.why) std::cout << "     " << w << "\n";
        for (const auto& u : m.unmet) std::cout << "     does not meet " << u << "\n";
    }
    if (!r.near_matches.empty()) std::cout << "Closest others (they miss a constraint or do not list the main concern):\n";
    for (const auto& m : r.near_matches) {
        std::cout << "  " << ++n << ". " << m.record.name << ", " << m.record.credentials << "  " << m.record.location.city << "\n";
        for (const auto& u : m.unmet) std::cout << "     does not meet " << u << "\n";
    }
    if (r.clinicians.empty() && r.near_matches.empty()) std::cout << "No clinician matches.\n";
    return kExitOk;
}

}  // namespace attune::cli
