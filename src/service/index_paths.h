#pragma once
#include <string>

namespace attune::service {

/** The index used when no --db is given: $ATTUNE_DB, else .attune/index under the current directory. */
std::string default_db_path();

/** The stub file inside an index directory that names the live generation (Xapian's stub format). */
std::string stub_path(const std::string& db_dir);

}  // namespace attune::service
