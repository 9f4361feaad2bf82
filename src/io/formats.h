// The CsvFormat of each dataset. Each is defined in its own file
// (acled_format.cc, ucdp_format.cc, ...); formats.cc registers them by name.
#ifndef FAULTLINE_IO_FORMATS_H_
#define FAULTLINE_IO_FORMATS_H_

#include <memory>

#include "io/csv_format.h"

namespace faultline {

std::unique_ptr<CsvFormat> MakeAcledFormat();        // "acled": ACLED export CSV
std::unique_ptr<CsvFormat> MakeUcdpGedFormat();      // "ucdp-ged": UCDP GED CSV
std::unique_ptr<CsvFormat> MakeGtdFormat();          // "gtd": GTD CSV export
std::unique_ptr<CsvFormat> MakeGdeltFormat();        // "gdelt": GDELT 2.0 events TSV (no header)
std::unique_ptr<CsvFormat> MakePbcSuicideFormat();   // "pbc-suicide"
std::unique_ptr<CsvFormat> MakePbcDroneFormat();     // "pbc-drone"
std::unique_ptr<CsvFormat> MakeNativeCsvFormat();    // "csv": faultline's own CSV

}  // namespace faultline

#endif  // FAULTLINE_IO_FORMATS_H_
