#pragma once
#include "diagnostics.h"
#include "schema/records.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace attune::indexer {

struct LoadedClinician {
    schema::Clinician clinician;
    SourceRef source;
};

/** Parses a clinician profile file; InputError "path:line: field: message". */
LoadedClinician parse_clinician_file(std::string_view text, const std::string& path);

/** Validates one clinician object (from a file or a JSONL line). */
LoadedClinician parse_clinician_json(const nlohmann::json& j, const SourceRef& source);

}  // namespace attune::indexer
