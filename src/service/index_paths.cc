#include "service/index_paths.h"

#include <cstdlib>

namespace attune::service {

std::string default_db_path() {
    if (const char* env = std::getenv("ATTUNE_DB"); env && *env) return env;
    return ".attune/index";
}

std::string stub_path(const std::string& db_dir) { return db_dir + "/XAPIANDB"; }

}  // namespace attune::service
