#include "cli/filter_options.h"


namespace faultline {

void AddFilterOptions(CLI::App* cmd, FilterOptions* o) {
  auto* g = cmd;
  g->add_option("--from", o->from, "first day (YYYY-MM-DD)");
  g->add_option("--to", o->to, "last day (YYYY-MM-DD), inclusive");
  g->add_option("--country", o->countries, "ISO code or name (repeatable)")->delimiter(',');
  g->add_option("--admin1", o->admin1, "province/state, any spelling; KP includes former FATA")->delimiter(',');
  g->add_flag("--no-former", o->no_former, "with --admin1, do not include units that merged into it");
  g->add_option("--admin2", o->admin2, "district (repeatable)")->delimiter(',');
  g->add_option("--perpetrator", o->perpetrators, "actor id or name (repeatable)")->delimiter(',');
  g->add_flag("--with-affiliates", o->with_affiliates, "include the perpetrator's factions and affiliates");
  g->add_option("--event-type", o->event_types, "event type (repeatable)")->delimiter(',');
  g->add_option("--attack-type", o->attack_types, "attack type (repeatable)")->delimiter(',');
  g->add_option("--target", o->targets, "target category (repeatable)")->delimiter(',');
  g->add_option("--min-killed", o->min_killed, "at least this many killed (best estimate)");
  g->add_option("--text", o->text, "full-text search in notes and sources");
  g->add_option("--bbox", o->bbox, "min_lon,min_lat,max_lon,max_lat");
  g->add_option("--status", o->statuses, "candidate, confirmed, rejected, merged (default: candidate,confirmed)")
      ->delimiter(',');
  g->add_option("--source", o->sources, "importer that brought the rows (acled, pbc-suicide, ...)")->delimiter(',');
  g->add_option("--license", o->licenses, "licence tag")->delimiter(',');
  g->add_option("--limit", o->limit, "at most this many rows");
  g->add_option("--after", o->after, "cursor: only ids greater than this");
}

}  // namespace faultline
