#pragma once
#include "analytics/audit.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace attune::analytics {

/** The audit as JSON (`attune audit --format json`, `GET /api/audit`); docs/api.md has the shape. */
nlohmann::json to_json(const AuditReport& report);

/** Aligned text for a terminal. */
std::string render_table(const AuditReport& report);

/** The per-concept table as CSV (RFC 4180 quoting), one row per concept. */
std::string render_csv(const AuditReport& report);

/** One self-contained page with inline SVG bar charts: no scripts, no requests elsewhere. */
std::string render_html(const AuditReport& report);

}  // namespace attune::analytics
