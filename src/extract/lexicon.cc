#include "extract/lexicon.h"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

#include "faultline/incident.h"

namespace faultline::extract {
namespace {

constexpr int kSec = static_cast<int>(CasualtyCategory::kSecurityForces);
constexpr int kCiv = static_cast<int>(CasualtyCategory::kCivilians);
constexpr int kMil = static_cast<int>(CasualtyCategory::kMilitants);
constexpr int kUnk = static_cast<int>(CasualtyCategory::kUnknown);
int T(TargetCategory t) { return static_cast<int>(t); }
int A(AttackType a) { return static_cast<int>(a); }

}  // namespace

bool IsJoiner(const Token& t) {
  return t.kind == TokenKind::kPunct && (t.punct == '-' || t.punct == '\'' || t.punct == '.') && !t.space_before;
}

void Lexicon::Add(const char* phrases, Cue cue, int value, int value2) {
  // `phrases` is a '|'-separated list.
  std::string_view all(phrases);
  while (!all.empty()) {
    size_t bar = all.find('|');
    std::string_view p = all.substr(0, bar);
    all = bar == std::string_view::npos ? std::string_view() : all.substr(bar + 1);
    Entry e;
    for (const Token& t : Tokenize(p)) {
      if (t.kind != TokenKind::kPunct) e.words.push_back(words_.Insert(t.fold));
    }
    if (e.words.empty()) continue;
    e.cue = CueMatch{cue, 0, 0, value, value2};
    if (e.words.size() > 1) e.second = e.words[1];
    auto first = static_cast<size_t>(e.words[0]);
    if (first >= by_first_.size()) by_first_.resize(words_.size());
    by_first_[first].push_back(std::move(e));
  }
}

const Lexicon& Lexicon::Get() {
  static const Lexicon* lexicon = new Lexicon();
  return *lexicon;
}

Lexicon::Lexicon() {
  using AT = AttackType;
  using TC = TargetCategory;
  // Casualty verbs and nouns.
  Add("killed|killing|kills|kill|dead|died|die|dies|lost their lives|lost his life|"
      "lost her life|perished|slain|shot dead|gunned down|succumbed|fatalities|deaths|lives|bodies|"
      "claimed the lives|claiming the lives|among the dead|among those killed|among the killed|among the victims|"
      "among the fatalities|"
      // Pakistani official and press usage: militants "were sent to hell"
      // or "neutralised".
      "sent to hell|dispatched to hell|neutralised|neutralized|eliminated",
      Cue::kKill);
  // "sent all 30 khwarij to hell": the dead inside the idiom (Reader::Analyse).
  Add("hell", Cue::kHell);
  // Martyrdom (value 1): said of one's own dead, soldiers who "embraced shahadat".
  Add("martyred|martyring|embraced shahadat|embraced shahadah|embraced martyrdom|attained shahadat|"
      "attained martyrdom|laid down their lives|laid down his life",
      Cue::kKill, 1);
  Add("injured|injuring|injures|wounded|wounding|wounds|hurt|injuries|sustained injuries|received injuries|"
      "critically injured|seriously injured|severely injured|wounded critically|among the injured|among the wounded|"
      "among those injured|among those wounded|treated for wounds|treated for injuries|treated for their injuries|"
      "being treated for injuries|hospitalised|hospitalized|admitted to hospital|received treatment|"
      "receiving treatment",
      Cue::kInjure);
  Add("were|was|have been|has been|had been|are|is|got|also|reportedly|all|later|were also|been", Cue::kAux);
  Add("when|while|after|as|before|whereas|but|since|because|who|which|where|said|told|according", Cue::kClauseBreak);
  Add("death toll|toll|toll rose to|toll climbed to|toll reached|toll has risen to|toll jumped to|toll increased to|"
      "number of martyred|number of the martyred|number of dead|number of deaths|number of fatalities|"
      "number of those killed|number of people killed",
      Cue::kToll);

  // Attack cues, most specific first in meaning (priority is resolved later).
  Add("suicide bomber|suicide bombers|suicide bombing|suicide attack|suicide attacker|suicide blast|"
      "suicide car bomb|suicide car bombing|suicide vest|suicide jacket|blew himself up|blew herself up|"
      "detonated his explosives|detonated her explosives|detonated himself|self detonated|explosives laden|"
      "explosive laden|vbied|suicide bombings|suicide car bomber|suicide car bombers|suicide truck bomber|"
      "suicide truck bomb|car bomber|truck bomber|suicide bombers struck",
      Cue::kAttack, A(AT::kSuicideBombing));
  Add("drone strike|drone attack|drone strikes|drone|drones|missile strike|missiles|air strike|airstrike|"
      "air strikes|airstrikes|unmanned aircraft|aerial bombardment|fighter jets|jets pounded|air raid|air raids|"
      "air attack|air attacks|aerial attack|aerial attacks|warplanes|war planes|gunships|helicopter gunships|"
      "airstrike on|bombing raid|bombing raids|aircraft bombed|planes bombed|jets bombed|drone struck|"
      "drones struck|missiles struck|missile struck|missile hit|missiles hit|warplanes struck|warplanes hit|"
      "warplanes pounded|war planes struck|jets struck|jets hit|aircraft struck|helicopters struck|"
      "gunships struck|helicopter gunships struck|"
      // Militants' drones: "a quadcopter attack on a police station".
      "quadcopter|quadcopters|quad copter|quadcopter attack|quadcopter strike|armed drone|armed quadcopter",
      Cue::kAttack, A(AT::kDroneOrAirStrike));
  Add("rocket|rockets|mortar|mortars|shelling|shells|shelled|artillery|cross border fire|rocket attack|"
      "mortar shells|mortar rounds|shelling of|bombarded|bombarding|bombardment|bombard|rocket fire|mortar fire|"
      "artillery fire|tank fire|fired rockets|fired shells|fired mortars|rocket attacks|rockets hit|rocket hit|"
      "shells landed|shell landed|rockets landed|rocket landed|shells hit|shell hit",
      Cue::kAttack, A(AT::kRocketMortar));
  Add("bomb|bombing|blast|blasts|explosion|explosions|exploded|explode|ied|improvised explosive device|"
      "roadside bomb|roadside bombs|car bomb|landmine|land mine|grenade|grenades|hand grenade|planted|"
      "remote controlled|remote control bomb|magnetic bomb|sticky bomb|explosive device|bomb went off|"
      "explosives|detonated|went off|ripped through|bombs|bombed|bombings of|car bombs|car bombing|"
      "car bomb explosion|bomb explosion|bomb attack|bomb blast|minefield|mine explosion|booby trap|booby trapped|"
      "parcel bomb|letter bomb|truck bomb|explosive laden vehicle|grenade attack|hurled a grenade|"
      "lobbed a grenade|threw a grenade|hurled grenades|lobbed grenades|ied attack|petrol bomb|petrol bombs|"
      "firebombed|firebomb|molotov cocktails|set off a bomb|set off explosives",
      Cue::kAttack, A(AT::kBombingIed));
  Add("kidnapped|abducted|kidnapping|abduction|kidnap|abduct|taken hostage|took hostage|hostages|held hostage|"
      "kidnaps|abducts|abducting|kidnappings|abductions|seized as hostages|taken captive|took captive|"
      "took hostages|taken hostages|seized hostages|hostage taking|hostage crisis",
      Cue::kAttack, A(AT::kKidnapping));
  Add("hijacked|hijacking|hijack", Cue::kAttack, A(AT::kHijacking));
  Add("shot dead|gunned down|targeted killing|target killing|target killed|assassinated|assassination|"
      "beheaded|beheading|decapitated|shot and killed|assassinate|assassinating|assassinates|assassinations|"
      "assassination attempt|attempted assassination|assassination bid|attempt on his life|attempt on her life|"
      "attempt on the life|attempted to assassinate|tried to assassinate|attempted to kill|tried to kill|"
      "stabbed to death|hacked to death|beaten to death|lynched|burned alive|burnt alive|shot in the head",
      Cue::kAttack, A(AT::kTargetedKilling));
  Add("opened fire|open fire|gunmen|gunman|armed men|stormed|attacked|attack|attacking|ambush|ambushed|raid|"
      "raided|gunfight|clash|clashes|exchange of fire|firing|shootout|shot|shooting|assault|assaulted|"
      "fired|fired upon|firefight|gun battle|gunbattle|encounter|besieged|siege|militants attacked|armed attack|"
      "fighting|fierce fighting|heavy fighting|skirmish|skirmishes|"
      "terrorist attack|terror attack|attacks on|"
      "massacre|massacred|massacring|massacres|stabbed|stabbing|knifed|"
      "came under fire|came under attack|come under fire|come under attack|comes under fire|coming under fire|"
      "under heavy fire|fired at|fired on|fired upon|opened fire on|open fire on|"
      "was attacked|were attacked|has been attacked|have been attacked|was ambushed|were ambushed|"
      "clashed|clashing|clashes broke out|fighting between|fighting broke out|"
      "fought|battled|battling|gun battles|pitched battle|fierce battle|street battles|armed clashes|"
      "fierce clashes|heavy clashes|deadly clashes|days of fighting|hours of fighting|weeks of fighting|"
      "months of fighting|days of clashes|hours of clashes|ambushes|ambushing|storming|"
      "invasion|invaded|invading|incursion|incursions|fighting erupted|clashes erupted|fighting raged|"
      "sprayed bullets|sprayed with bullets|riddled with bullets|bullet riddled|hail of bullets|gunfire|"
      "exchange of gunfire|crossfire|sniper fire|snipers|sniper|knife attack|shooting spree|rampage|"
      "arson attack|grenade attack|shot and wounded|shot and injured|overran",
      Cue::kAttack, A(AT::kArmedAssault));
  // Security operations against militants: they join an incident, and
  // start one only with a toll (value2 1: generic, like "attack").
  Add("intelligence based operation|intelligence based operations|ibo|ibos|sanitisation operation|"
      "sanitization operation|clearance operation|search and clearance operation|combing operation|"
      "search operation|cordon and search operation|counter terrorism operation",
      Cue::kAttack, A(AT::kArmedAssault), 1);
  Add("blew up|torched|set on fire|set ablaze|destroyed|damaged|sabotage|sabotaged|vandalised|vandalized|"
      "dismantled|cut the fence|blown up|uprooted|uproot|tore down|pulled down|burnt down|burned down|"
      "set fire to|blew up a|blown up by",
      Cue::kAttack, A(AT::kSabotage));
  Add("attacks|bombings|blasts|incidents|operations|strikes|terrorist attacks|terror attacks|several attacks|"
      "series of attacks|wave of attacks",
      Cue::kAttackPlural);

  // Who the attackers are (never victims).
  Add("attackers|attacker|assailants|assailant|gunmen|gunman|suicide bomber|suicide bombers|bomber|bombers|"
      "terrorists|terrorist|militants|militant|insurgents|insurgent|fighters|rebels|miscreants|kidnappers|"
      "abductors|assailant|guerrillas|guerrilla|guerillas|militiamen|militia|militias|"
      // The state's word for TTP fighters (data/actors.tsv labels).
      "khwarij|khawarij|khawaarij|kharijis|khariji|kharji|kharjis",
      Cue::kAttacker);
  Add("blew himself up|blew herself up|detonated his explosives|detonated her explosives|detonated himself|"
      "self detonated|blew himself|exploded himself|detonated his vest|detonated her vest|detonated his suicide vest|"
      "detonated his explosive vest|exploded his vest|detonated the vest|blew themselves up|blew up himself",
      Cue::kSelfKill);

  // Person nouns by casualty category, with the target category they imply.
  Add("soldier|soldiers|troops|troop|army personnel|army men|servicemen|army officer|army officers|jawans|"
      "military personnel|sepoy|sepoys|major|captain|colonel|lieutenant|army soldiers|security officials|"
      // Pakistan Army ranks as ISPR writes them before a name.
      "lance naik|naik|havildar|lance havildar|naib subedar|subedar|sipahi|lieutenant colonel|brigadier|"
      "second lieutenant",
      Cue::kVictim, kSec, T(TC::kArmy));
  Add("frontier corps|fc personnel|fc men|fc soldiers|fc troops|paramilitary|paramilitaries|paramilitary troops|"
      "paramilitary soldiers|fc",
      Cue::kVictim, kSec, T(TC::kFrontierCorps));
  Add("policeman|policemen|police officer|police officers|police personnel|police constable|police constables|"
      "constable|constables|cop|cops|police|policewoman|police officials|police guards|police sub inspector|"
      "sub inspector|inspector|head constable|traffic police|police man|police men|sho|dsp|asi|"
      "superintendent of police|deputy superintendent of police|deputy superintendent|station house officer|"
      "police inspector|additional inspector general|inspector general|dig|ssp|sp",
      Cue::kVictim, kSec, T(TC::kPolice));
  Add("levies|levies personnel|levies men|levies soldiers|khasadar|khasadars", Cue::kVictim, kSec, T(TC::kLevies));
  Add("ctd personnel|ctd officials|ctd officers|counter terrorism department personnel", Cue::kVictim, kSec,
      T(TC::kCtd));
  Add("rangers|rangers personnel", Cue::kVictim, kSec, T(TC::kRangers));
  Add("security personnel|security forces|security men|security guard|security guards|guard|guards|"
      "law enforcement personnel|law enforcers|law enforcement officials|personnel|officials of security|"
      "security official|bodyguard|bodyguards|gunner|navy soldier|sailors|airmen",
      Cue::kVictim, kSec, T(TC::kOtherSecurity));
  Add("people|persons|person|individuals|victims|members|men|man|others", Cue::kVictim, kUnk, T(TC::kCivilians));
  Add("civilian|civilians|children|child|women|woman|boys|girls|boy|girl|"
      "passengers|passenger|passers by|passersby|bystanders|bystander|shoppers|residents|villagers|labourers|"
      "laborers|workers|worker|employees|employee|drivers|driver|citizens|citizen|family members|relatives|"
      "pedestrians|tourists|locals|customers|vendors|shopkeepers|farmers|miners|"
      "journalists|journalist|lawyers|lawyer|doctors|doctor|nurses|engineers|engineer|tribesmen|elders|elder|"
      "minors|infants|wedding guests|mourners|traders|hotel employees|hotel staff|staff|youths|youth|teenagers|"
      "teenager|advisers|advisors|prisoners|detainees|refugees|demonstrators|protesters|protestors|fishermen|"
      "hostages|students|villager|shepherd|shepherds|guest|guests",
      Cue::kVictim, kCiv, T(TC::kCivilians));
  Add("worshippers|worshipers|namazis|devotees|pilgrims|cleric|clerics|prayer leader|imam|shias|shia muslims|"
      "hazaras|ahmadis|christians|sikhs|hindus",
      Cue::kVictim, kCiv, T(TC::kReligious));
  Add("students|student|teachers|teacher|schoolchildren|school children|pupils|professor|principal",
      Cue::kVictim, kCiv, T(TC::kEducation));
  Add("polio workers|polio worker|vaccinators|vaccinator|health workers|health worker|lady health worker|"
      "lady health workers|polio team|polio vaccinator|polio vaccinators",
      Cue::kVictim, kCiv, T(TC::kHealthAndPolio));
  Add("officials|official|judge|judges|government officials|government employees|officers|deputy commissioner|"
      "assistant commissioner|magistrate|tehsildar|administrator|chief|deputy chief|governor|deputy governor|"
      "mayor|minister|district officer",
      Cue::kVictim, kUnk, T(TC::kGovernment));
  Add("candidate|candidates|politician|politicians|party workers|party worker|activists|activist|supporters|"
      "leader|leaders|lawmaker|lawmakers|legislator|mna|mpa|councillor|councilor|rally participants",
      Cue::kVictim, kCiv, T(TC::kPolitical));
  Add("foreigners|foreign nationals|chinese nationals|chinese citizens|chinese engineers|chinese workers|"
      "chinese teachers|foreign tourists|foreign engineers|expatriates|diplomats|diplomat",
      Cue::kVictim, kCiv, T(TC::kForeigners));
  Add("militants|militant|terrorists|terrorist|insurgents|insurgent|attackers|attacker|assailants|assailant|"
      "gunmen|gunman|suicide bomber|suicide bombers|bomber|bombers|fighters|rebels|miscreants|kidnappers|"
      "suspected militants|suspects|suspect|commanders|commander|jihadists|taliban fighters|separatists|"
      "guerrillas|guerrilla|guerillas|militiamen|militia members|militia fighters|combatants|"
      "khwarij|khawarij|khawaarij|kharijis|khariji|kharji|kharjis",
      Cue::kVictim, kMil, T(TC::kMilitants));
  Add("other people|others|other|another", Cue::kOthers);
  Add("including|among them|among the dead|among the killed|among the injured|among those killed|"
      "among those injured|among the victims|of whom|of them|among",
      Cue::kIncluding);

  // Targets (value2 = weight: institutions 3, settings 2, generic 1).
  Add("police station|police post|police checkpoint|police check post|police van|police vehicle|police mobile|"
      "police headquarters|police lines|police training centre|police training center|police training college|"
      "police patrol|police convoy|police academy|police office|police chief|dig office|ssp office|police",
      Cue::kTarget, T(TC::kPolice), 3);
  Add("army|military|army convoy|military convoy|army post|military post|army camp|cantonment|garrison|"
      "military base|army base|army vehicle|military vehicle|troops|soldiers|ghq|military headquarters",
      Cue::kTarget, T(TC::kArmy), 3);
  Add("frontier corps|fc post|fc camp|fc convoy|fc check post|fc checkpost|fc vehicle|fc headquarters|"
      "fc fort|fc personnel|fc",
      Cue::kTarget, T(TC::kFrontierCorps), 4);
  Add("levies post|levies station|levies|levies check post", Cue::kTarget, T(TC::kLevies), 4);
  Add("counter terrorism department|ctd", Cue::kTarget, T(TC::kCtd), 4);
  Add("rangers", Cue::kTarget, T(TC::kRangers), 4);
  Add("check post|checkpost|checkpoint|security post|security check post|convoy|security forces|"
      "security personnel|border post|outpost|fort|patrol|security convoy|law enforcement personnel|"
      "security checkpoint|naval base|air base|airbase",
      Cue::kTarget, T(TC::kOtherSecurity), 2);
  Add("mosque|mosques|imambargah|imambargahs|shrine|shrines|church|churches|temple|gurdwara|worshippers|"
      "worshipers|friday prayers|prayers|congregation|majlis|religious gathering|procession|ashura|sufi|shia|"
      "ahmadi|madrassa|seminary|darbar|dargah|jamia|tablighi",
      Cue::kTarget, T(TC::kReligious), 3);
  Add("school|schools|university|college|students|girls school|boys school|campus|teachers|educational",
      Cue::kTarget, T(TC::kEducation), 3);
  Add("polio|polio team|polio workers|polio vaccination|vaccination team|vaccinators|hospital|health workers|"
      "basic health unit|clinic|health centre|health center|polio centre|polio center|medical",
      Cue::kTarget, T(TC::kHealthAndPolio), 3);
  Add("government office|government offices|district office|court|courts|judges|judicial complex|"
      "deputy commissioner|assistant commissioner|secretariat|government officials|census|tehsil office|"
      "court complex|district courts|sessions court|officials",
      Cue::kTarget, T(TC::kGovernment), 3);
  Add("rally|election rally|election|elections|polling station|polling stations|candidate|campaign|"
      "political party|party workers|corner meeting|jalsa|political gathering|election office|lawmaker|"
      "politician|election campaign",
      Cue::kTarget, T(TC::kPolitical), 3);
  Add("chinese|foreigners|foreign nationals|consulate|embassy|foreign tourists|tourists|diplomats|expatriates|"
      "confucius institute|cpec",
      Cue::kTarget, T(TC::kForeigners), 4);
  Add("power pylon|pylon|pylons|electricity pylon|transmission tower|transmission line|gas pipeline|pipeline|"
      "railway track|railway line|rail track|bridge|mobile tower|telecom tower|power station|grid station|"
      "power plant|border fence|fence|fencing|infrastructure|tower|gas field|dam",
      Cue::kTarget, T(TC::kInfrastructure), 3);
  Add("rival group|rival militants|militant hideout|militant hideouts|militant compound|militants|compound|"
      "hideout|hideouts|training camp|commander",
      Cue::kTarget, T(TC::kMilitants), 1);
  Add("market|bazaar|bus|bus stand|bus station|van|passenger van|passenger bus|hotel|restaurant|park|"
      "crowded|wedding|funeral|civilians|village|house|home|shop|shops|vegetable market|fruit market|"
      "train|passenger train|coach|jirga",
      Cue::kTarget, T(TC::kCivilians), 1);

  // Modality and reference to the past.
  // Strong modality (value 1) kills an attack reading; weak modality (value 0)
  // only when the sentence reports no casualties of its own.
  Add("foiled|foil|defused|defuse|thwarted|thwart|averted|avert|prevented|intercepted|planned|planning|"
      "plotting|plot|plotted|bomb disposal squad|bomb disposal|disposal squad|failed attempt|was foiled|"
      "arrested before|hypothetical|intended to|intending to|planning to|plans to|planned to|bid to|"
      "attempt to carry out|were preparing|was preparing|foils|defuses|thwarts|averts|bomb scare|hoax|false alarm|"
      "fake call|mock drill|security drill",
      Cue::kModal, 1);
  Add("would|could|might|may|will|shall|vowed|vows|vow|feared|fears|fear|threatened|threatens|threaten|threat|"
      "threats|warned|warns|warning|alert|alerts|possible|likely|unless|if|recovered|seized|condemned|condemn|"
      "condemns|condolences|mourned|funeral prayers|laid to rest|demanded|demand|called for|urged|worried|worry|"
      "concern|concerned|fearing|expected to|poised to",
      Cue::kModal, 0);
  Add("anniversary|anniversaries|commemorate|commemorated|commemorating|commemoration|remembrance|memorial|"
      "trial|hearing|sentenced|convicted|acquitted|verdict|indicted|indicts|indictment|years ago|year ago|months ago|"
      "tribunal|pleaded|prosecution|prosecutors|"
      "anti terrorism court|atc|death sentence|life imprisonment|marked the|remembering|recalled|recalling",
      Cue::kRetro);

  // Responsibility.
  Add("claimed responsibility|claimed the attack|claimed the bombing|claimed the blast|claimed the killing|"
      "claimed the killings|claimed the assault|claimed the strike|claimed the ambush|claimed the abduction|"
      "claimed credit|accepted responsibility|owned the attack|took responsibility|claiming responsibility|"
      "claims responsibility|claimed|claim responsibility|responsibility",
      Cue::kClaim);
  Add("suspected|suspect|suspects|believed to be|believed to have|is thought|are thought|likely behind|"
      "suspicion|suspicions|possibly",
      Cue::kSuspect);
  Add("blamed|blames|blame|accused|accuses|attributed|held responsible|behind the attack|behind the attacks|"
      "behind the blast|was behind|were behind|carried out by|perpetrated by|by the",
      Cue::kBlame);

  // Article structure.
  Add("in a separate incident|in another incident|in a separate attack|in another attack|separately|"
      "in a similar incident|elsewhere|meanwhile|in a different incident|in another development|"
      "in an unrelated incident|in a second attack|in a second incident|a separate attack|another attack|"
      "a separate incident|in a related incident|earlier in the day|in yet another",
      Cue::kSplit);

  // Phases.
  Add("ceasefire|cease fire|ceasefires|truce|truces|armistice|cessation of hostilities|halt to attacks|"
      "pause in attacks|end to hostilities|halt to the fighting|halt to fighting|cessation of fighting|"
      "ceasefire agreement|ceasefire deal|truce agreement|truce deal|humanitarian pause|pause in fighting|"
      "pause in the fighting|lull in fighting|lull in the fighting",
      Cue::kCeasefire, 0);
  // value2 1: a generic word ("talks", "agreement", "deal") that is about
  // conflict only in a conflict article and not next to a civil subject.
  Add("talks|negotiations|dialogue|parleys|negotiation|negotiate|negotiated|negotiating|round of negotiations",
      Cue::kCeasefire, 1, 1);
  Add("peace talks|peace process|jirga talks|peace negotiations|mediation|mediate|mediated|mediating|"
      "peace conference|peace summit|ceasefire talks|truce talks",
      Cue::kCeasefire, 1);
  Add("agreement|deal|accord|pact|memorandum of understanding|memorandum|mou|treaty|consensus|understanding|"
      "agreements|deals|accords",
      Cue::kCeasefire, 2, 1);
  Add("peace agreement|peace deal|peace accord|peace treaty|peace plan|peace settlement|political settlement|"
      "negotiated settlement|prisoner exchange|prisoner swap|exchange of prisoners|swap of prisoners|"
      "exchange prisoners|swap prisoners|release of hostages|hostage release|release of prisoners|surrender|"
      "surrendered|disarmament|disarm|laid down arms|laid down their arms|lay down arms|lay down their arms|"
      "handed over their weapons|hand over their weapons|decommissioning|free the hostages|free all hostages|"
      "free all the hostages|free hostages|release the hostages|release all hostages|release all the hostages|"
      "release hostages|in return for the release|in exchange for the release",
      Cue::kCeasefire, 2);
  Add("military operation|operation|offensive|crackdown", Cue::kCeasefire, 3);
  Add("announced|declared|agreed|agreed to|began|begins|came into effect|comes into effect|took effect|"
      "came into force|comes into force|entered into force|enters into force|went into force|took hold|"
      "went into effect|observe|observing|accepted|offered|launched|launch",
      Cue::kPhaseAction, 0);
  Add("extended|extends|extend|extension|prolonged|renewed", Cue::kPhaseAction, 1);
  Add("called off|ended|ends|end|ending|broke down|collapsed|terminated|revoked|withdrew from|withdrawn|"
      "abandoned|scrapped|expired|expire|over|resume attacks|resumed attacks|resume its attacks|calling off|"
      "broken|violated|breakdown|concluded",
      Cue::kPhaseAction, 2);
  Add("held|hosted|hosting|resumed|began talks|met|meeting|round of talks|convened|continuing|progress",
      Cue::kPhaseAction, 3);
  Add("deadlock|deadlocks|deadlocked|stalled|stalemate|failed|impasse|suspended|stuck|faltered|broke off",
      Cue::kPhaseAction, 4);
  Add("signed|sign|reached|struck|inked|finalised|finalized|concluded|signing|clinched|sealed|brokered|"
      "hammered out|agreed on|agreed upon|agree|agrees|agreeing|accept|accepts|reach|reaching|"
      "surrendered|laid down arms|laid down their arms|handed over their weapons",
      Cue::kPhaseAction, 5);

  // Statistics.
  Add("attacks|terrorist attacks|terror attacks|militant attacks|incidents|incidents of terrorism|operations|"
      "suicide attacks|suicide bombings",
      Cue::kStatNoun, 0);
  Add("deaths|killed|fatalities|dead|lives|deaths of|killings", Cue::kStatNoun, 1);
  Add("injured|wounded|injuries", Cue::kStatNoun, 2);
  Add("according to|said|says|reported|recorded|documented|counted|report|data|figures|noted|stated|"
      "compiled|tally",
      Cue::kAccordingTo);

  // Dates relative to publication.
  Add("yesterday|last night|late last night|overnight", Cue::kRelDay, 1);
  Add("today|this morning|this afternoon|this evening|tonight|earlier today|on the day", Cue::kRelDay, 0);
  Add("day before yesterday", Cue::kRelDay, 2);
  Add("earlier this week|this week|last week|past week", Cue::kEarlier, 7);
  Add("monday", Cue::kWeekday, 0);
  Add("tuesday", Cue::kWeekday, 1);
  Add("wednesday", Cue::kWeekday, 2);
  Add("thursday", Cue::kWeekday, 3);
  Add("friday", Cue::kWeekday, 4);
  Add("saturday", Cue::kWeekday, 5);
  Add("sunday", Cue::kWeekday, 6);
  const char* months[] = {"january|jan", "february|feb",      "march|mar",    "april|apr",
                          "may",         "june|jun",          "july|jul",     "august|aug",
                          "september|sept|sep", "october|oct", "november|nov", "december|dec"};
  for (int m = 0; m < 12; ++m) Add(months[m], Cue::kMonth, m + 1);
  Add("hostage|hostages", Cue::kHostage);

  // What an agreement is about: armed conflict, or civil matters (trade,
  // aid, energy) that make "deal" and "pact" not a phase.
  Add("militant|militants|rebel|rebels|insurgent|insurgents|insurgency|guerrilla|guerrillas|guerillas|fighters|"
      "militia|militias|militiamen|taliban|army|troops|soldiers|security forces|military|war|warring|fighting|"
      "hostilities|violence|conflict|clashes|attacks|peace|ceasefire|truce|hostage|hostages|prisoners|weapons|"
      "arms|disarmament|jirga|tribal|separatist|separatists|armed group|armed groups|terrorist|terrorists|"
      "terrorism|bloodshed|combatants|peacekeepers|peacekeeping|opposition forces|government forces|invasion|"
      "invasions|occupation|uprising|insurrection|coup|armed|warfare|civil war",
      Cue::kTopic, 1);
  Add("trade|free trade|economic|economy|investment|investments|loan|loans|aid|energy|gas|oil|water|tax|taxes|"
      "tariff|tariffs|business|commercial|debt|credit|fisheries|fishing|customs|visa|visas|aviation|climate|"
      "export|exports|import|imports|market|markets|financial|finance|banking|currency|grant|grants|"
      "cultural|tourism|shipping|airline|airlines|telecommunications|broadcasting|pharmaceutical|agricultural|"
      "agriculture|technology|research|education|health|sports|football|cricket|contract|contracts|"
      "wage|wages|salary|salaries|budget",
      Cue::kTopic, 0);

  for (auto& entries : by_first_) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.words.size() > b.words.size(); });
  }
}

std::vector<CueMatch> Lexicon::Match(const std::vector<Token>& tokens, int32_t begin, int32_t end) const {
  std::vector<CueMatch> out;
  if (end <= begin) return out;
  out.reserve(16);  // a sentence's usual cues without regrowing
  // Lexicon word id of each token in range, -1 for punctuation and for words
  // no phrase contains.
  // On the stack for a sentence (at most kMaxSentenceTokens), else on the heap.
  std::array<int32_t, 256> small;
  std::vector<int32_t> large;
  std::span<int32_t> ids;
  if (end - begin <= static_cast<int32_t>(small.size())) {
    ids = std::span<int32_t>(small.data(), static_cast<size_t>(end - begin));
  } else {
    large.resize(static_cast<size_t>(end - begin));
    ids = large;
  }
  std::fill(ids.begin(), ids.end(), -1);
  for (int32_t i = begin; i < end; ++i) {
    if (tokens[i].kind != TokenKind::kPunct) ids[static_cast<size_t>(i - begin)] = words_.Find(tokens[i].fold, tokens[i].fold_hash);
  }
  for (int32_t i = begin; i < end; ++i) {
    int32_t first = ids[static_cast<size_t>(i - begin)];
    if (first < 0 || static_cast<size_t>(first) >= by_first_.size()) continue;
    // The word after this one (joiners skipped), which every longer phrase
    // must continue with: most phrases are rejected on that one comparison.
    int32_t next = i + 1;
    while (next < end && IsJoiner(tokens[next])) ++next;
    int32_t next_id = next < end ? ids[static_cast<size_t>(next - begin)] : -1;
    // Longest match per cue kind at this position.
    uint64_t seen = 0;
    for (const Entry& e : by_first_[static_cast<size_t>(first)]) {
      uint64_t bit = uint64_t{1} << static_cast<int>(e.cue.cue);
      if (seen & bit) continue;
      if (e.second >= 0 && e.second != next_id) continue;
      int32_t j = i + 1;
      size_t w = 1;
      for (; w < e.words.size(); ++w) {
        while (j < end && IsJoiner(tokens[j])) ++j;
        if (j >= end || ids[static_cast<size_t>(j - begin)] != e.words[w]) break;
        ++j;
      }
      if (w != e.words.size()) continue;
      seen |= bit;
      CueMatch m = e.cue;
      m.begin = i;
      m.end = j;
      out.push_back(m);
    }
  }
  return out;
}

}  // namespace faultline::extract
