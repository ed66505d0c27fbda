#pragma once
// Term prefixes and value slots of the attune index. docs/schema.md lists the same in one table;
// change both together.
#include <xapian.h>

namespace attune::schema {

namespace prefix {
inline constexpr const char* kText = "Z";          ///< stemmed word from any text field
inline constexpr const char* kTitle = "ZS";        ///< stemmed word of an article title or clinician name
inline constexpr const char* kHeading = "ZH";      ///< stemmed word of an article heading
inline constexpr const char* kSummary = "ZU";      ///< stemmed word of an article summary
inline constexpr const char* kBody = "ZB";         ///< stemmed word of an article body or clinician bio
inline constexpr const char* kTopics = "ZC";       ///< stemmed word of a clinician's concern/approach labels
inline constexpr const char* kType = "XT";         ///< article | clinician
inline constexpr const char* kId = "Q";            ///< unique id
inline constexpr const char* kConcern = "XC";      ///< concern id, plus its broader ancestors
inline constexpr const char* kApproach = "XA";     ///< approach id, plus its broader ancestors
inline constexpr const char* kMainConcept = "XM";  ///< an article's main concept: what its Learn page is about
inline constexpr const char* kEvidence = "XE";     ///< concept whose label or phrases the text uses; wdf = field-weighted occurrences
inline constexpr const char* kPopulation = "XP";   ///< individuals, couples, families, children, teens, older-adults
inline constexpr const char* kLanguage = "XL";     ///< language, folded ("english", "french")
inline constexpr const char* kFormat = "XF";       ///< in-person | telehealth
inline constexpr const char* kAccepting = "XN";    ///< "yes" when accepting new clients
inline constexpr const char* kCity = "XCITY";      ///< city, folded
inline constexpr const char* kRegion = "XREG";     ///< region code, folded
inline constexpr const char* kCountry = "XCTRY";   ///< country code, folded
inline constexpr const char* kInsurance = "XI";    ///< insurance plan, folded
inline constexpr const char* kArticleKind = "XK";  ///< approach | concern | guide | faq
inline constexpr const char* kAuthor = "XW";       ///< author clinician id
}  // namespace prefix

namespace slot {
inline constexpr Xapian::valueno kUpdated = 1;      ///< article updated, YYYYMMDD
inline constexpr Xapian::valueno kFeeMin = 2;       ///< sortable_serialise(fee.min)
inline constexpr Xapian::valueno kFeeMax = 3;       ///< sortable_serialise(fee.max)
inline constexpr Xapian::valueno kLatLong = 4;      ///< LatLongCoords::serialise
inline constexpr Xapian::valueno kConfirmed = 5;    ///< availability_confirmed, YYYYMMDD
inline constexpr Xapian::valueno kAccepting = 6;    ///< "1" or "0"
inline constexpr Xapian::valueno kDisplay = 7;      ///< article title or clinician name, for suggestions
inline constexpr Xapian::valueno kId = 8;           ///< the document's id
inline constexpr Xapian::valueno kContentHash = 9;  ///< content_hash() of the record, for index --update
}  // namespace slot

/** Field weights: how many times a word counts (wdf) in the shared Z text terms. */
namespace weight {
inline constexpr Xapian::termcount kTitle = 5;
inline constexpr Xapian::termcount kHeading = 3;
inline constexpr Xapian::termcount kSummary = 3;
inline constexpr Xapian::termcount kTopics = 3;
inline constexpr Xapian::termcount kBody = 1;
}  // namespace weight

/** Metadata keys stored with the index. */
namespace meta {
inline constexpr const char* kTaxonomy = "attune:taxonomy";    ///< compiled taxonomy, JSON
inline constexpr const char* kCrisis = "attune:crisis";        ///< crisis resources, JSON
inline constexpr const char* kProfiles = "attune:profiles";    ///< learned concept term profiles, JSON
inline constexpr const char* kGeneration = "attune:generation";
inline constexpr const char* kBuildErrors = "attune:build_errors";  ///< documents the build left out and why, JSON list
inline constexpr const char* kBuiltAt = "attune:built_at";
inline constexpr const char* kSchema = "attune:schema";        ///< schema version
}  // namespace meta

inline constexpr const char* kSchemaVersion = "4";

}  // namespace attune::schema
