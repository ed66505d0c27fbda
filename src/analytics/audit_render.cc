#include "analytics/audit_render.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace attune::analytics {
namespace {

nlohmann::json null_if_empty(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

std::string escape_html(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string pad(const std::string& s, std::size_t width) { return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' '); }

std::string percent(double x) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f%%", x * 100);
    return buf;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

/** Horizontal bars, one row per item; values scaled to the largest. */
struct Bar {
    std::string label;
    std::vector<std::pair<double, std::string>> values;  ///< value, CSS class
};

std::string svg_bars(const std::string& title, const std::vector<Bar>& bars, const std::vector<std::string>& legend) {
    const int row = 16 * static_cast<int>(std::max<std::size_t>(1, bars.empty() ? 1 : bars[0].values.size())) + 6;
    const int label_w = 300, bar_w = 420, height = static_cast<int>(bars.size()) * row + 30;
    std::vector<double> max(bars.empty() ? 0 : bars[0].values.size(), 0.0);
    for (const auto& b : bars)
        for (std::size_t i = 0; i < b.values.size() && i < max.size(); ++i) max[i] = std::max(max[i], b.values[i].first);
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << label_w + bar_w + 60 << "\" height=\"" << height
      << "\" aria-label=\"" << escape_html(title) << "\"><title>" << escape_html(title) << "</title>";
    for (std::size_t i = 0; i < legend.size(); ++i)
        s << "<text x=\"" << label_w + 160 * i << "\" y=\"14\" class=\"legend l" << i << "\">" << escape_html(legend[i]) << "</text>";
    int y = 26;
    for (const auto& b : bars) {
        s << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 12 << "\" text-anchor=\"end\">" << escape_html(b.label) << "</text>";
        for (std::size_t i = 0; i < b.values.size(); ++i) {
            const double scale = max[i] > 0 ? b.values[i].first / max[i] : 0;
            const int w = static_cast<int>(scale * bar_w);
            s << "<rect x=\"" << label_w << "\" y=\"" << y + 16 * static_cast<int>(i) << "\" width=\"" << std::max(w, 1)
              << "\" height=\"13\" class=\"" << b.values[i].second << "\"/>";
            s << "<text x=\"" << label_w + w + 4 << "\" y=\"" << y + 16 * static_cast<int>(i) + 11 << "\" class=\"n\">"
              << static_cast<long>(b.values[i].first) << "</text>";
        }
        y += row;
    }
    s << "</svg>";
    return s.str();
}

}  // namespace

nlohmann::json to_json(const AuditReport& r) {
    nlohmann::json concepts = nlohmann::json::array();
    for (const auto& c : r.concepts)
        concepts.push_back({{"id", c.def->id}, {"kind", taxonomy::kind_name(c.def->kind)}, {"label", c.def->label},
                            {"articles", c.articles}, {"untagged_articles", c.untagged}, {"clinicians", c.clinicians},
                            {"accepting", c.accepting}, {"searches", c.searches}, {"unanswered", c.unanswered},
                            {"status", c.status}});
    nlohmann::json untagged = nlohmann::json::array();
    for (const auto& [id, title] : r.untagged_articles) untagged.push_back({{"id", id}, {"title", title}});
    nlohmann::json suggestions = nlohmann::json::array();
    for (const auto& s : r.suggestions)
        suggestions.push_back({{"article", s.article}, {"title", s.title}, {"concept", s.concept_id}, {"hits", s.hits}, {"phrases", s.phrases}});
    nlohmann::json stale = nlohmann::json::array();
    for (const auto& s : r.stale)
        stale.push_back({{"id", s.id}, {"title", s.title}, {"updated", null_if_empty(s.updated)},
                         {"months", s.months < 0 ? nlohmann::json(nullptr) : nlohmann::json(s.months)}});
    nlohmann::json dups = nlohmann::json::array();
    for (const auto& d : r.near_duplicates) dups.push_back({{"a", d.a}, {"b", d.b}, {"similarity", d.similarity}});
    nlohmann::json queries = nullptr;
    if (r.queries.present) {
        const auto& q = r.queries;
        nlohmann::json top = nlohmann::json::array(), zero = nlohmann::json::array(), demand = nlohmann::json::array();
        for (const auto& t : q.top) top.push_back({{"query", t.query}, {"searches", t.searches}, {"hours", t.hours}});
        for (const auto& z : q.zero_by_concept)
            zero.push_back({{"concept", null_if_empty(z.concept_id)}, {"searches", z.searches}, {"queries", z.queries}});
        for (const auto& [day, counts] : q.demand) demand.push_back({{"day", day}, {"concepts", counts}});
        queries = {{"searches", q.searches}, {"crisis", q.crisis}, {"zero_results", q.zero_results},
                   {"hidden_queries", q.hidden_queries}, {"first_hour", null_if_empty(q.first_hour)},
                   {"last_hour", null_if_empty(q.last_hour)}, {"top", top}, {"zero_results_by_concept", zero},
                   {"demand", demand}, {"skipped_lines", q.skipped_lines}};
    }
    return {{"generated", r.options.today}, {"generation", r.generation}, {"articles", r.articles},
            {"clinicians", r.clinicians}, {"rules", audit_rules(r.options)}, {"concepts", concepts},
            {"no_article", r.no_article}, {"demand_without_accepting", r.demand_without_accepting},
            {"untagged_articles", untagged}, {"suggested_tags", suggestions}, {"stale_articles", stale},
            {"broken_references", r.broken_references}, {"near_duplicates", dups}, {"queries", queries}};
}

std::string render_table(const AuditReport& r) {
    std::ostringstream s;
    s << "attune coverage audit, " << r.options.today << ", index " << r.generation << ": " << r.articles << " articles, "
      << r.clinicians << " clinicians\n\nRules:\n";
    for (const auto& rule : audit_rules(r.options)) s << "  - " << rule << "\n";
    s << "\n" << pad("CONCEPT", 34) << pad("KIND", 9) << pad("STATUS", 8) << pad("ARTICLES", 9) << pad("DISCUSSED", 10)
      << pad("CLINICIANS", 11) << pad("ACCEPTING", 10) << pad("SEARCHES", 9) << "UNANSWERED\n";
    for (const auto& c : r.concepts)
        s << pad(c.def->id, 34) << pad(std::string(taxonomy::kind_name(c.def->kind)), 9) << pad(c.status, 8)
          << pad(std::to_string(c.articles), 9) << pad(std::to_string(c.untagged.size()), 10)
          << pad(std::to_string(c.clinicians), 11) << pad(std::to_string(c.accepting), 10)
          << pad(std::to_string(c.searches), 9) << c.unanswered << "\n";
    auto list = [&](const std::string& title, const std::vector<std::string>& items) {
        s << "\n" << title << " (" << items.size() << ")" << (items.empty() ? ": none\n" : ":\n");
        for (const auto& i : items) s << "  " << i << "\n";
    };
    list("Concepts with no article", r.no_article);
    list("Searched for, but no accepting clinician", r.demand_without_accepting);
    std::vector<std::string> items;
    for (const auto& [id, title] : r.untagged_articles) items.push_back(id + "  " + title);
    list("Articles with no concept tags", items);
    items.clear();
    for (const auto& t : r.suggestions)
        items.push_back(t.article + " -> " + t.concept_id + " (" + std::to_string(t.hits) + " phrases found: " + join(t.phrases, ", ") + ")");
    list("Suggested tags", items);
    items.clear();
    for (const auto& a : r.stale)
        items.push_back(a.id + "  updated " + (a.updated.empty() ? "never" : a.updated) +
                        (a.months >= 0 ? " (" + std::to_string(a.months) + " months)" : ""));
    list("Stale articles", items);
    list("Broken references", r.broken_references);
    items.clear();
    for (const auto& d : r.near_duplicates) items.push_back(d.a + " ~ " + d.b + " (" + percent(d.similarity) + ")");
    list("Near-duplicate articles", items);
    if (!r.queries.present) {
        s << "\nSearches: no query log given (attune serve --query-log FILE records one; pass it with --queries)\n";
        return s.str();
    }
    const auto& q = r.queries;
    s << "\nSearches from " << q.first_hour << " to " << q.last_hour << ": " << q.searches << " in all, " << q.zero_results
      << " with no results, " << q.crisis << " crisis (counted, never shown); " << q.hidden_queries
      << " distinct queries seen in fewer than " << r.options.min_query_hours << " hours are not shown\n";
    items.clear();
    for (const auto& t : q.top) items.push_back(pad(t.query, 40) + std::to_string(t.searches) + " searches in " + std::to_string(t.hours) + " hours");
    list("Top queries", items);
    items.clear();
    for (const auto& z : q.zero_by_concept)
        items.push_back(pad(z.concept_id.empty() ? "(no concept)" : z.concept_id, 34) + std::to_string(z.searches) + " searches" +
                        (z.queries.empty() ? "" : ": " + join(z.queries, " | ")));
    list("Searches with no results, by concept", items);
    items.clear();
    for (const auto& [day, counts] : q.demand) {
        std::vector<std::pair<std::size_t, std::string>> sorted;
        for (const auto& [id, n] : counts) sorted.emplace_back(n, id);
        std::sort(sorted.rbegin(), sorted.rend());
        std::string line = day + " ";
        for (std::size_t i = 0; i < sorted.size() && i < 5; ++i) line += " " + sorted[i].second + " " + std::to_string(sorted[i].first);
        items.push_back(line);
    }
    list("Demand by day (top concepts)", items);
    if (!q.skipped_lines.empty()) list("Unreadable log lines skipped", q.skipped_lines);
    return s.str();
}

std::string render_csv(const AuditReport& r) {
    std::string out = "concept,kind,label,status,articles,discussed_untagged,clinicians,accepting,searches,unanswered\r\n";
    for (const auto& c : r.concepts)
        out += csv_field(c.def->id) + "," + std::string(taxonomy::kind_name(c.def->kind)) + "," + csv_field(c.def->label) + "," +
               c.status + "," + std::to_string(c.articles) + "," + std::to_string(c.untagged.size()) + "," +
               std::to_string(c.clinicians) + "," + std::to_string(c.accepting) + "," + std::to_string(c.searches) + "," +
               std::to_string(c.unanswered) + "\r\n";
    return out;
}

std::string render_html(const AuditReport& r) {
    std::ostringstream s;
    s << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>attune coverage audit " << escape_html(r.options.today)
      << "</title>\n<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1d2433}"
         "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border-bottom:1px solid #dde;padding:3px 8px;text-align:left}"
         "td.n{text-align:right}.gap{fill:#c0392b;color:#c0392b}.thin{fill:#d68910;color:#a66a00}.covered{fill:#2e7d5b;color:#2e7d5b}"
         ".demand{fill:#3b5bdb}.supply{fill:#2e7d5b}svg text{font-size:12px;fill:#1d2433}svg .n{fill:#555}"
         "svg .l0{fill:#3b5bdb}svg .l1{fill:#2e7d5b}</style></head><body>\n";
    s << "<h1>Coverage audit</h1><p>" << escape_html(r.options.today) << ", index " << escape_html(r.generation) << ": "
      << r.articles << " articles, " << r.clinicians << " clinicians.</p>\n<h2>Rules</h2><ul>";
    for (const auto& rule : audit_rules(r.options)) s << "<li>" << escape_html(rule) << "</li>";
    s << "</ul>\n<h2>Coverage by concept</h2><p>Articles tagged per concept: <span class=covered>covered</span>, "
         "<span class=thin>thin</span>, <span class=gap>gap</span>.</p>";
    std::vector<Bar> coverage;
    for (const auto& c : r.concepts) coverage.push_back({c.def->label, {{static_cast<double>(c.articles), c.status}}});
    s << svg_bars("Articles tagged per concept, coloured by status", coverage, {});
    s << "\n<h2>Demand against supply</h2>";
    std::vector<Bar> demand;
    for (const auto& c : r.concepts)
        if (c.searches > 0 || !r.queries.present)
            demand.push_back({c.def->label, {{static_cast<double>(c.searches), "demand"}, {static_cast<double>(c.accepting), "supply"}}});
    if (!r.queries.present) s << "<p>No query log was given, so demand is zero everywhere.</p>";
    s << svg_bars("Searches against accepting clinicians per concept", demand, {"searches", "accepting clinicians"});
    s << "\n<h2>Concepts</h2><table><tr><th>Concept</th><th>Kind</th><th>Status</th><th>Articles</th><th>Discussed untagged</th>"
         "<th>Clinicians</th><th>Accepting</th><th>Searches</th><th>Unanswered</th></tr>";
    for (const auto& c : r.concepts)
        s << "<tr><td>" << escape_html(c.def->label) << "</td><td>" << taxonomy::kind_name(c.def->kind) << "</td><td class=\""
          << c.status << "\">" << c.status << "</td><td class=n>" << c.articles << "</td><td class=n>" << c.untagged.size()
          << "</td><td class=n>" << c.clinicians << "</td><td class=n>" << c.accepting << "</td><td class=n>" << c.searches
          << "</td><td class=n>" << c.unanswered << "</td></tr>";
    s << "</table>\n";
    auto list = [&](const std::string& title, const std::vector<std::string>& items) {
        s << "<h2>" << escape_html(title) << " (" << items.size() << ")</h2>";
        if (items.empty()) s << "<p>None.</p>";
        else {
            s << "<ul>";
            for (const auto& i : items) s << "<li>" << escape_html(i) << "</li>";
            s << "</ul>";
        }
        s << "\n";
    };
    list("Concepts with no article", r.no_article);
    list("Searched for, but no accepting clinician", r.demand_without_accepting);
    std::vector<std::string> items;
    for (const auto& [id, title] : r.untagged_articles) items.push_back(title + " (" + id + ")");
    list("Articles with no concept tags", items);
    items.clear();
    for (const auto& t : r.suggestions)
        items.push_back(t.title + ": tag " + t.concept_id + "? " + std::to_string(t.hits) + " phrases found: " + join(t.phrases, ", "));
    list("Suggested tags", items);
    items.clear();
    for (const auto& a : r.stale) items.push_back(a.title + " (" + a.id + "), updated " + (a.updated.empty() ? "never" : a.updated));
    list("Stale articles", items);
    list("Broken references", r.broken_references);
    items.clear();
    for (const auto& d : r.near_duplicates) items.push_back(d.a + " and " + d.b + ": " + percent(d.similarity));
    list("Near-duplicate articles", items);
    if (r.queries.present) {
        const auto& q = r.queries;
        s << "<h2>Searches</h2><p>" << q.searches << " searches from " << escape_html(q.first_hour) << " to "
          << escape_html(q.last_hour) << ", " << q.zero_results << " with no results, " << q.crisis
          << " crisis searches (counted, never shown). " << q.hidden_queries << " distinct queries were seen in fewer than "
          << r.options.min_query_hours << " hours and are not shown.</p>";
        items.clear();
        for (const auto& t : q.top) items.push_back(t.query + ": " + std::to_string(t.searches) + " searches in " + std::to_string(t.hours) + " hours");
        list("Top queries", items);
        items.clear();
        for (const auto& z : q.zero_by_concept)
            items.push_back((z.concept_id.empty() ? "(no concept)" : z.concept_id) + ": " + std::to_string(z.searches) + " searches" +
                            (z.queries.empty() ? "" : " (" + join(z.queries, " | ") + ")"));
        list("Searches with no results, by concept", items);
    }
    s << "</body></html>\n";
    return s.str();
}

}  // namespace attune::analytics
