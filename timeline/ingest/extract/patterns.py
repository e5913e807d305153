"""The article reader's words: the verbs and phrases of each claim type, the words around a
name that change what it names, and the gaps between the items of a list."""

from __future__ import annotations

import re

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12})

# The compass words before a place ("northern Aleppo"), in the patterns that name a direction.
COMPASS = "northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|south-?western"

HEDGES = re.compile(
    r"\b(?:alleged(?:ly)?|reportedly|unconfirmed|unverified|rumou?rs?|rumou?red|speculation|"
    r"purported(?:ly)?|reports? (?:suggest|suggested|indicate|indicated|claim|claimed)|"
    r"(?:is|are|was|were) (?:said|reported|believed|thought) to|could not be (?:independently )?(?:verified|confirmed)|"
    r"claimed|may have|might have|possibly)\b", re.I)
CONFIRMS = re.compile(r"\b(?:confirmed|officially announced|acknowledged|announced)\b", re.I)
# (an intent is not the deed either: "launched an offensive to capture X", "in a bid to take X")
NEGATION = re.compile(r"\b(?:not|never|cannot|can['’]t|won['’]t|denied|deny|denies|failed to|attempt(?:ed|ing)? to|"
                      r"refus(?:ed|es|ing) to|declin(?:ed|es|ing) to|"
                      r"tried to|trying to|sought to|threatened to|vowed to|could|would|"
                      # a future or a duty is not a deed: "X will take Y", "X must leave Y" ("may have" is a hedge)
                      r"will|shall|must|should|(?:may|might)(?!\s+have)|"
                      r"(?:offensive|operation|assault|attack|bid|effort|campaign|push|drive|plans?|"
                      r"planned|planning|aim(?:s|ed|ing)?|intend(?:s|ed)?|intent|intention|in order|"
                      r"so as|set|poised|prepar(?:ed|ing)|ready|expected|likely|order(?:ed|s)?) to|"
                      r"(?:aim|goal|intention|purpose|objective|hope)s? of|aim(?:ed|ing)? at|intent on|"
                      r"hop(?:e|es|ed|ing) to|want(?:s|ed)? to|"
                      r"with a view to)\s+"
                      r"(?:\w+\s+){0,2}$", re.I)

CONTROL_ACTIVE = re.compile(
    r"\b(?:(?:seized|seize|seizes|seizing|took|take|takes|taken|taking|gained|gain|wrested|won|wins|winning|"
    r"regained|assumed|retook|secured|established|claimed|declared|announced) (?:full |complete |total |"
    # "taking de facto control of X", "gained effective control over X" (official wording)
    r"de facto |effective |firm )?control (?:of|over)|"
    r"took over|taken over|taking over|captured|captures|capturing|capture|seized|seizing|"
    r"overran|overrun|entered|enters|entering|stormed|liberated|retook|recaptured|"
    r"occupied|occupies|occupying|(?:were|was) the first to enter|"
    # entering in force, said with "into": "poured into Homs", "burst into X", "forced their way
    # into X" ("swept/pushed/advanced into X" stay advances: the labels read them so)
    r"(?:poured|pours|pouring|streamed|streams|streaming|flooded|floods|flooding|burst|bursting|"
    r"broke|breaks|breaking|stormed|storming|(?:forced|forcing|fought|fighting|battled|battling) "
    r"(?:their|its|his) way)\s+into|"
    # "HTS is now the dominant group in control of Damascus"
    r"(?:is|are|was|were|remains?|remained)\s+(?:now\s+|still\s+|firmly\s+|fully\s+)?(?:the\s+(?:dominant|main|"
    r"leading|principal|only|sole)\s+(?:[\w-]+\s+)?(?:group|force|faction|power)\s+)?in\s+control\s+of|"
    # control kept, or a place in one's charge: "retains control of X", "remains in charge of X"
    r"(?:retain(?:s|ed|ing)?|maintain(?:s|ed|ing)?|keeps?|kept|keeping) (?:full |firm |effective )?control (?:of|over)|"
    r"(?:is|are|was|were|remains?|remained|now) (?:now )?in charge (?:of|in)|"
    # "consolidated its control over X", "extended their control of X"
    r"(?:consolidated|consolidates|tightened|tightens|extended|extends|completed|expanded|expands|"
    r"broadened|widened) (?:its |their )?(?:full |complete )?control (?:of|over)|"
    # control stated as an extent, the places after it: "expanded its control in Syria to include
    # A, B and C" (the places found after "include", _included_place)
    r"(?P<extent>(?:extended|extends|expanded|expands|broadened|widened|spread) (?:its |their )?"
    r"(?:control|rule|territory|hold)\s+(?:(?:in|over|across|throughout)\s+(?:the\s+)?[\w-]+\s+)?"
    r"(?=to\s+(?:include|encompass|cover)\b)))\b", re.I)
TOOK = re.compile(r"\b(?:took|take|takes|taking|taken|won|wins|win|wrest(?:ed|s|ing)?)\s+(?:back\s+)?"
                  r"(?:the\s+(?:city|town|village)\s+of\s+)?", re.I)
CONTROL_PASSIVE = re.compile(
    r"\b(?:fell to|falls to|fallen to|was captured by|were captured by|was seized by|"
    r"was taken by|has been taken by|(?:is|was|are|were|remains?|remained) (?:now |firmly |fully |still )?under the "
    r"(?:full |complete |effective )?control of|"
    # "has come under the de facto control of X", "fell under the full control of X"
    r"(?:came|come|comes|coming|fell|fallen)\s+under\s+(?:the\s+)?(?:full\s+|de\s+facto\s+|effective\s+|complete\s+)?"
    r"control\s+of|"
    r"fell into the hands of|fell under the control of|came under the control of|"
    r"(?:is|are|was|were|now|remains?|remained|became|become|been) (?:fully |entirely |now )?controlled by|"
    # ("which was then taken over by X": an adverb of narrative time between)
    r"(?:being|been|was|were) (?:(?:then|later|subsequently|soon|eventually|finally|quickly|also) )?"
    r"(?:captured|seized|taken|overrun|liberated|entered|stormed|occupied|"
    r"retaken|recaptured|wrested|won|taken over|annexed) by|"
    r"(?:was|were|been|being) handed (?:over )?to|"
    r"(?:captured|seized|liberated) by|"
    # said of the place just named: "Tabqa is in the hands of X", "X is now held by Y", "was lost to Y"
    r"(?P<near>(?:(?:is|are|was|were|remains?|remained)\s+(?:now\s+|firmly\s+|still\s+)?in|passed into|"
    r"came into|now in)\s+the\s+hands\s+of|"
    # "Idlib, held by HTS", "Idlib, which is controlled by HTS"
    r"(?<=,\s)(?:which\s+(?:is|was|has\s+been|had\s+been)\s+)?(?:(?:now|still|firmly|then)\s+)?(?:held|controlled)\s+by|passed\s+(?:from\s+(?:the\s+)?(?:[\w'’-]+\s+){1,4}?)?(?:in)?to(?:\s+the\s+control\s+of)?|(?:is|are|was|were|remains?|remained|now)\s+(?:now\s+|still\s+|"
    r"firmly\s+)?held\s+by|(?:was|were|has been|had been)\s+lost\s+to))\b", re.I)
# A faction holding a place now, said with the place right after the verb: "the SNA now controls
# X", "HTS still holds X" (the present: "the SDF controlled X" is mostly background; not
# "government-controlled X", an epithet).
HOLDS = re.compile(r"(?<![-\w])(?:controls|holds|(?:now|still)\s+(?:control|hold)|"
                   # a past state at a date put first: "By 8 December 2024, HTS controlled Damascus"
                   r"(?P<past>controlled|held))\s+"
                   r"(?:the\s+(?:city|town)\s+of\s+)?", re.I)
# The date a past state is said at: "By 8 December 2024,", "As of January 2025,".
STATE_AT = re.compile(r"\s*(?:by|as of)\s+(?:(?:early|mid|late)[\s-]+)?(?:\d{1,2}\s+)?[A-Z][a-z]+"
                      r"(?:\s+\d{1,2})?,?\s+\d{4}\s*,", re.I)
# "X declared Y liberated".
DECLARED = re.compile(r"\b(?:declared|announced|proclaimed)\s+(?:the\s+(?:city|town)\s+of\s+)?", re.I)
DECLARED_AFTER = re.compile(r"\s+(?:(?:fully|completely|totally)\s+)?(?:liberated|free|captured|secured)\b", re.I)
ADVANCE = re.compile(
    r"\b(?:advanc(?:e|ed|es|ing)|push(?:ed|es|ing)?|march(?:ed|es|ing)?|mov(?:ed|es|ing)|"
    r"clos(?:ed|es|ing) in|head(?:ed|s|ing)|approach(?:ed|es|ing)|press(?:ed|es|ing) on|"
    # movement said other ways: "swept south towards", "drove on", "rolled into", "inched closer to"
    r"swe(?:pt|ep|eps|eping)|dr(?:ove|ives|iving)|rac(?:ed|es|ing)|rush(?:ed|es|ing)|"
    r"surg(?:ed|es|ing)|sped|roll(?:ed|s|ing)|progress(?:ed|es|ing)|proceed(?:ed|s|ing)|"
    r"converg(?:ed|es|ing)|bor(?:e|es|ing) down|inch(?:ed|es|ing)|edg(?:ed|es|ing)|"
    r"(?:made|make|makes|making) (?:their|its) way|"
    # a movement begun, in its base form: "started to move towards X", "began to head south to X"
    r"(?:began|begun|begins?|start(?:ed|s)?)\s+to\s+(?:move|head|close\s+in|press\s+on|sweep|drive|race|roll)|"
    # "made rapid gains toward X", "making progress towards X"
    r"(?:made|make|makes|making) (?:(?:\w+|further) )?(?:gains|progress|inroads|headway)|"
    # "go" moves only with a direction: "before going in the direction of X", "went toward X"
    r"(?:go|goes|going|went|gone)(?=\s+(?:toward|towards|in the direction of)\b))\b", re.I)
# Movement whose object is the place: "neared Hama", "reached the outskirts of Homs", "encircled X".
ADVANCE_DIRECT = re.compile(
    r"\b(?:near(?:ed|s|ing)|reach(?:ed|es|ing)|encircl(?:ed|es|ing)|surround(?:ed|s|ing)|approach(?:ed|es|ing)|"
    # "arrived at the gates of X", "arrived on the outskirts of X"
    r"arriv(?:ed|es|ing) (?:at|on|in) the (?:\w+ern\s+)?(?:gates|outskirts|edges?|doorstep|approaches|suburbs) of|"
    r"besieg(?:ed|es|ing)|la(?:id|y|ys|ying) siege to|"
    r"(?:is|are|was|were|now|stood|stand|stands) (?:now )?(?:at|on) the "
    r"(?:gates|outskirts|edges?|doorstep|doorsteps|approaches) of)\s+"
    r"(?:the\s+(?:\w+ern\s+)?(?:outskirts|edges?|gates|suburbs|approaches|doorstep|perimeter|"
    r"neighbou?rhoods|districts)\s+of\s+)?"
    r"(?:the\s+(?:city|town)\s+of\s+)?", re.I)
# Two verbs sharing the place after them, the second negated: "reached, but did not enter, X",
# "neared but never took X": the first holds, the second gives nothing.
SHARED_OBJECT = re.compile(r"\b(?:near(?:ed|s)|reach(?:ed|es)|encircl(?:ed|es)|surround(?:ed|s)|approach(?:ed|es)|"
                           r"besieg(?:ed|es))[\"”’']?,?\s+(?:but|yet)\s+(?:did\s+not|didn['’]t|never|could\s+not|"
                           r"couldn['’]t|failed\s+to|not)\s+(?:\w+\s+){0,2}?\w+[\"”’']?,?\s+"
                           r"(?:the\s+(?:city|town)\s+of\s+)?", re.I)
OUTSKIRTS_BEFORE = re.compile(r"\b(?:outskirts|suburbs|edges?|gates|approaches|perimeter)\s+of\s+"
                              r"(?:the\s+(?:city|town)\s+of\s+)?(?:the\s+)?$", re.I)
DIRECTION_BEFORE = re.compile(rf"\b(?:{COMPASS}|rural)\s+$", re.I)
# A direction said with the verb: "further south", "deeper", "north-east", "westwards".
_DIRECTION = r"(?:\w+wards?|further|deeper|closer|(?:north|south)(?:-?(?:east|west))?|east|west)"
# Where a movement goes: "toward X", up to two words of direction before ("further south toward"),
# a route ("along the M5 toward", "north from al-Tanf to"), "to within 5 km of X".
TOWARD = re.compile(r"\s*(?:(?:rapidly|quickly|swiftly|steadily|further|slowly)\s+)?(?:" + _DIRECTION + r"\s+){0,2}"
                    r"(?:(?:along|via|through|across|from)\s+(?:the\s+)?(?:[\w-]+\s+){1,3}?(?=(?:"
                    + _DIRECTION + r"\s+){0,2}(?:toward|towards|in the direction of|to|into)\b))?"
                    r"(?:" + _DIRECTION + r"\s+){0,2}(?:toward|towards|on|into|(?:to\s+)?within\s+(?:about\s+|"
                    r"some\s+)?\d+\s*(?:km|kilometres|kilometers|miles)\s+(?:\([^)]{0,12}\)\s+)?of|to|"
                    r"in the direction of|closer to|(?:very\s+|so\s+|dangerously\s+|increasingly\s+)?close\s+to|the outskirts of|the gates of|the edges? of)\s+"
                    r"(?:the\s+(?:\w+ern\s+)?(?:outskirts|suburbs|edges?|gates|approaches)\s+of\s+)?"
                    r"(?:[\w-]+-(?:held|controlled)\s+)?", re.I)
# Where an offensive starts, between it and its target: "launched an offensive from the al-Tanf
# "deconfliction zone" on X" (a few words, no clause break).
_FROM = r"(?:from (?:the )?(?:[\w'\"“”-]+ ){1,4}?)?"
# its day, said between it and its target: "launched an operation on 30 November on X"
_ON_DAY = r"(?:on \d{1,2} [A-Z][a-z]+ (?:\d{4} )?)?"
# Advances named other ways: "came within 20 kilometres (12 mi) of Damascus", "launched an
# offensive into Homs", "the advance towards Damascus".
APPROACH = re.compile(
    r"\b(?:(?:came|come|comes|coming|got|gets|getting|was|were|is|are|now) within \d+\s*"
    r"(?:km|kilometres|kilometers|miles)\s+(?:\([^)]{0,12}\)\s+)?of|"
    r"(?:came|come|comes|coming|got|gets|getting|was|were|is|are|now) within (?:striking|artillery|firing|"
    r"shelling) (?:distance|range) of|"
    # "is now very close to X", "came dangerously close to X"
    r"(?:is|are|was|were|now|came|come|comes|got|gets|getting)\s+(?:now\s+)?(?:very\s+|so\s+|dangerously\s+)?"
    r"close\s+to|"
    r"(?:launch|mount|start|open)(?:ed|es|s|ing)? (?:an?|its|their|the) (?:\w+ )?(?:offensive|assault|attack|push|"
    r"operation) " + _FROM + _ON_DAY +
    r"(?:into|on|toward|towards|against|to (?:capture|take|seize|retake|recapture|enter|storm))|"
    r"(?:began|begun|begins|beginning) (?:an?|its|their|the) (?:\w+ )?"
    r"(?:offensive|assault|attack|push) " + _FROM +
    r"(?:into|on|toward|towards|against)|"
    # "were 11 kilometres (7 miles) from the centre of X", "stood some 5 km away from X"
    r"(?:were|was|are|is|now|stood|stand|located|positioned)\s+(?:just\s+|only\s+|some\s+|about\s+|"
    r"around\s+|roughly\s+)?(?:(?:just\s+)?(?:over|under|less than|more than)\s+)?\d+\s*"
    r"(?:km|kilometres|kilometers|miles)\s+(?:\([^)]{0,12}\)\s+)?(?:away\s+)?from\s+"
    r"(?:the\s+(?:center|centre|edges?|outskirts|gates)\s+of\s+)?)\s*(?:the\s+(?:\w+\s+)?(?:city|town)\s+of\s+)?"
    r"(?:[\w-]+-(?:held|controlled)\s+)?", re.I)
# Control said by who was made to leave: "X drove the SDF out of Manbij", "X expelled Y from
# Z", "X forced Y to withdraw from Z" (the place after the loser).
EXPELLED = re.compile(r"\b(?:expell?(?:ed|s|ing)?|dr(?:ove|iven|ives|iving)|push(?:ed|es|ing)|ousted|"
                      r"eject(?:ed|s|ing)|evict(?:ed|s|ing)|rout(?:ed|s|ing)|"
                      r"forc(?:ed|es|ing)|chas(?:ed|es|ing)|kick(?:ed|s|ing)|flush(?:ed|es|ing))\s+"
                      r"(?:the\s+)?", re.I)
OUT_OF = re.compile(r"(?:\s*\([^()]{0,12}\))?\s+(?:(?:fighters|forces|troops|militants|units)\s+)?"
                    r"(?:to\s+(?:withdraw|retreat|pull\s+out|flee)\s+)?(?:out\s+of|from)\s+"
                    r"(?:the\s+(?:city|town|village)\s+of\s+)?", re.I)
# The same said of the loser: "government forces were driven out of Homs by HTS" (the place,
# then its taker after "by"); and "HTS cleared Homs of government forces".
EXPELLED_PASSIVE = re.compile(r"\b(?:was|were|been|being|got)\s+(?:(?:quickly|swiftly|finally|completely)\s+)?"
                              r"(?:expelled|driven|pushed|forced|chased|kicked|flushed|ejected|evicted|"
                              r"routed|ousted)\s+(?:out\s+of|from)\s+(?:the\s+(?:city|town|village)\s+of\s+)?",
                              re.I)
EXPELLED_BY = re.compile(r"(?:\s*,)?\s+by\s+(?:the\s+)?", re.I)
CLEARED = re.compile(r"\b(?:clear(?:ed|s|ing)|rid|purg(?:ed|es|ing))\s+(?:the\s+(?:city|town|village)\s+of\s+)?", re.I)
CLEARED_OF = re.compile(r"\s+of\s+(?:the\s+)?(?:last\s+|remaining\s+)?", re.I)
# A place given up by its holder: "government forces withdrew from Hama", "the army abandoned X",
# "pulled out of X" (the taker is named after it, or is the one the text said advanced on it).
WITHDREW = re.compile(r"\b(?:withdr(?:ew|awn|aws|awing)\s+(?:(?:its|their)\s+(?:forces|troops)\s+)?from|"
                      r"retreat(?:ed|s|ing)\s+from|pull(?:ed|s|ing)\s+out\s+(?:of|from)|"
                      r"(?:moved|moving|pulled|pulling)\s+out\s+of|abandon(?:ed|s|ing)|evacuat(?:ed|es|ing)|"
                      r"fled|flee(?:s|ing)?)\s+(?:the\s+(?:city|town|village)\s+of\s+)?", re.I)
# Who the place was left to: "abandoned Hama to HTS", "leaving it to HTS", "as HTS entered".
_DATE_AFTER = r"(?:\s+on\s+\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?|\s+(?:on\s+)?[A-Z][a-z]+day)?"
LEFT_TO = re.compile(r"(?:\s+city)?" + _DATE_AFTER + r",?\s+(?:(?:leaving|handing|ceding|surrendering|giving)\s+(?:it|the\s+city|"
                     r"the\s+town|control)\s+(?:over\s+)?)?to\s+(?:the\s+)?(?:advancing\s+|approaching\s+)?", re.I)
LEFT_AS = re.compile(r"(?:\s+city)?" + _DATE_AFTER + r",?\s+(?:as|while|when|after|once)\s+(?:the\s+)?"
                     r"(?:advancing\s+)?", re.I)
# A holder said as an epithet: "HTS-held Idlib", "the SDF-controlled city of Raqqa",
# "government-held Damascus" (the words before the hyphen name the holder): the holder before a
# taking ("entered the government-held city of Aleppo"), not a claim of its own.
HELD_EPITHET = re.compile(r"(?P<side>\b(?:government|regime|rebel|opposition|insurgent|kurdish)\s*)?"
                          r"[-\u2010\u2011](?:held|controlled)\s+(?:the\s+)?"
                          r"(?:(?:\w+ern\s+)?(?:city|town|village|provincial\s+capital)\s+of\s+)?", re.I)
# A place given over: "the army handed Deir ez-Zor over to the SDF", "handed over X to Y".
HANDED = re.compile(r"\bhand(?:ed|s|ing)\s+(?:over\s+)?(?:control\s+of\s+)?"
                    r"(?:the\s+(?:city|town|village)\s+of\s+)?", re.I)
HANDED_TO = re.compile(r"(?:\s+over)?\s+to\s+(?:the\s+)?", re.I)
# Control named as a noun: "its capture of Hama", "the seizure of X", "the fall of X to Y".
CONTROL_NOUN = re.compile(r"\b(?:(?P<owner>its|their)\s+|the\s+)?(?P<noun>capture|seizure|takeover|"
                          r"liberation|fall) of\s+(?:the\s+(?:city|town)\s+of\s+)?", re.I)
# A taking named as a noun, the object of its doer's verb: "X, which spearheaded the fall of
# Damascus", "HTS led the capture of Aleppo" (the doer is the verb's subject).
LED_NOUN = re.compile(r"\b(?:spearhead(?:ed|s|ing)|led|lead(?:s|ing)|carried\s+out|carr(?:ies|ying)\s+out|"
                      r"achieved|accomplished|completed|engineered|orchestrated)\s+$", re.I)
# What an offensive ends in: "the offensive ... culminated in the capture of Damascus".
CULMINATED = re.compile(r"\b(?:culminat\w*|end(?:ed|ing|s)?|result(?:ed|ing|s)?)\s+(?:in|with)\s+$", re.I)
LOST = re.compile(r"\b(?:lost|lose|loses|losing|ceded|cedes|ceding|surrendered|surrenders)\s+(?:control\s+of\s+|"
                  r"its\s+grip\s+on\s+)?(?:the\s+(?:city|town)\s+of\s+)?", re.I)
# What a lost place is called before its name: "lost Syria's second city, Aleppo, to X", "lost
# the northern city of Aleppo to X" (a few words that end in the kind of place).
LOST_APPOSED = re.compile(r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}(?:city|town|capital|stronghold)"
                          r"(?:,\s*|\s+of\s+)", re.I)
# Places said to be among what a faction took, the faction in an object relative clause: "Tal Rifaat
# and Manbij were among the towns that the SNA captured" (the verb after the faction: TAKEN_AFTER).
AMONG = re.compile(r"\b(?:was|were|is|are)\s+(?:among|one\s+of)\s+the\s+(?:\w+\s+){0,2}?(?:towns|cities|places|"
                   r"villages|localities|areas)\s+(?:that|which)\s+(?:the\s+)?", re.I)
TAKEN_AFTER = re.compile(r"\s+(?:(?:had|have|then|later|quickly)\s+){0,2}(?:captured|seized|took|overran|"
                         r"entered|retook|recaptured|liberated|occupied)\b", re.I)
# "X came under SNA control", "X fell under rebel control" (a faction's name before "control").
UNDER_CONTROL = re.compile(r"\b(?:came|comes|come|fell|falls|is|was|are|were|now|been|remain(?:s|ed)?)\s+"
                           r"(?:fully\s+|now\s+|firmly\s+)?under\s+(?:the\s+)?(?:full\s+|complete\s+|total\s+)?"
                           r"(?:(?P<side>rebel|opposition|insurgent|nsags?)\s+control\b)?|"
                           # "Hama was in rebel hands", "fell into opposition hands"
                           r"\b(?:is|was|were|are|now|remains?|remained|been|fell|fallen|passed)\s+(?:now\s+|firmly\s+|"
                           r"fully\s+|completely\s+|entirely\s+)?in(?:to)?\s+(?P<hands>rebel|opposition|insurgent)\s+hands\b", re.I)
# Control without its agent: "Hama was captured on 5 December", "Damascus fell on 8 December".
AGENTLESS = re.compile(r"\b(?:(?:was|were|had been|has been)\s+(?:captured|seized|taken|overrun|"
                       r"liberated|recaptured|retaken)\b(?!\s+(?:by|from|back|in\s+\d{4})\b)|"
                       r"(?:fell|(?:have|has|had)\s+(?:now\s+|also\s+)?fallen)\b(?!\s+(?:to|into|under|out|from|upon|in(?!\s+(?:quick\s+|rapid\s+)?succession)|back|"
                       r"on(?!\s+(?:\d|the night|\w+day\b))|silent|apart|short|"
                       r"victim|quiet|behind|off|below|by|ill|asleep|sharply|steeply)\b))", re.I)
# Who leads the offensive the text speaks of ("a lightning advance by armed opposition forces,
# X,", "X launched an offensive"): the taker of a place said to fall with no agent.
OFFENSIVE_BY = re.compile(r"\b(?:advance|offensive|assault|push|campaign|onslaught)\s+"
                          # "an offensive led by X", "the campaign spearheaded by X"
                          r"(?:(?:(?:led|spearheaded|headed|launched|mounted)\s+)?by|from)\s+"
                          r"(?:the\s+)?(?:[\w-]+\s+){0,3}(?:,\s*)?$", re.I)
OFFENSIVE_LAUNCHED = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:(?:,[^,]{0,60},\s*)?(?:launched|began|started|"
                                r"mounted|led)\s+(?:an?|its|their|the)\s+(?:\w+\s+){0,2}|"
                                # "an HTS-led offensive"
                                r"-led\s+(?:\w+\s+){0,2})"
                                r"(?:offensive|advance|assault|campaign)\b", re.I)
POSSESSIVE_NOUN = re.compile(r"['’]s?\s+(?:capture|seizure|takeover|fall|liberation)\s+(?:by|to)\s+"
                             r"(?:the\s+)?", re.I)
# Words for the rebels, read as the coalition the text named (Reader.rebel).
REBELS = re.compile(r"\b(?:(?:the|syrian|other|allied)\s+)?(?:rebels|rebel (?:forces|fighters|groups|"
                    r"factions|coalition|alliance)|opposition (?:forces|fighters|groups|factions|"
                    r"militias?|coalition)|insurgents|revolutionary (?:forces|groups|factions)|"
                    # "the Syrian opposition took X", "armed opposition groups", "anti-regime forces"
                    r"(?:(?:armed|syrian)\s+)+opposition(?:\s+(?:forces|fighters|groups|factions|militias?))?|"
                    r"opposition armed (?:groups|factions)|"
                    r"anti-(?:government|regime|assad) (?:forces|fighters|groups|factions|rebels|militias?|coalition)|"
                    # what the UN's updates call them
                    r"non-state armed groups(?:\s+\(NSAGs\))?|NSAGs|"
                    # an anaphor for the coalition: "The groups captured X the following day"
                    r"(?<=\bthe )groups|(?<=\bthese )groups|"
                    # what the Syrian government's statements call them
                    r"(?:armed )?terrorist (?:groups|organi[sz]ations|factions|militias)|"
                    # "the opposition captured the city" (lower case: "the Opposition" of a
                    # parliament is a party), not its politics ("the opposition's leader", "party")
                    # "armed groups captured X" (not "Iran-backed armed groups")
                    r"(?<!-backed )(?<!-aligned )(?<!pro-government )(?<!pro-regime )(?<!pro-iranian )"
                    r"armed (?:groups|factions)|"
                    r"(?-i:[Tt]he opposition)(?!['’]s\b|\s+(?:party|parties|leader|bench|politicians|coalition\s+"
                    r"(?:in|of)\s+exile|figures?|members?|delegation|negotiat\w+)\b))\b", re.I)
# Words for the government's army that no alias spells ("the army", "government troops", "the
# regime"): read as the state army the text last named, else the Syrian Arab Army (Reader._add_army).
ARMY = re.compile(r"\b(?:(?P<bare>the\s+army)(?!\s+(?:of|base|airport|academy|college|hospital|council)\b)|"
                  r"the\s+(?:syrian\s+)?(?:government|regime)\s+army|"
                  r"the\s+(?:syrian\s+)?regime(?!\s+(?:of|change)\b)(?:['’]s\s+(?:forces|troops|army|soldiers|units))?|"
                  r"(?:syrian|army)\s+(?:troops|soldiers|units)|"
                  r"(?:government|regime|pro-?(?:government|regime|assad)|loyalist)\s+"
                  r"(?:troops|soldiers|units|forces|militias?|fighters|defenders|garrisons?)|"
                  r"assad\s+loyalists)\b", re.I)
# The passive verbs of taking whose agent after "by" may be a state named for its army.
_TAKEN_BY = ("annexed", "captured", "seized", "occupied", "taken", "overrun", "stormed", "retaken",
             "recaptured")
# What the factions are called by who backs or leads them, in words no alias spells: "Turkish-backed
# armed groups" (the SNA), "Kurdish fighters" (the SDF).
CALLED = [(re.compile(r"\b(?:turkish|turkey|türkiye)[-\s](?:backed|supported|aligned)\s+(?:syrian\s+)?(?:armed\s+)?"
                      r"(?:groups|factions|rebels|fighters|forces|opposition(?:\s+(?:groups|factions|forces|fighters))?|"
                      r"militias?)\b", re.I), "sna"),
          (re.compile(r"\b(?:(?:us|u\.s\.)[-\s]backed\s+)?kurdish(?:[-\s]led)?\s+(?:fighters|forces|militias?|"
                      r"groups)\b", re.I), "sdf"),
          # a state's troops by its adjective: "Israeli troops", "Turkish soldiers"
          *((re.compile(r"\b" + adjective + r"\s+(?:troops|soldiers|tanks|units|armou?r|infantry|"
                        r"ground\s+forces|special\s+forces)\b", re.I), army)
            for adjective, army in (("israeli", "idf"), ("turkish", "turkish-armed-forces"),
                                    ("russian", "russian-armed-forces"),
                                    ("(?:american|u\\.?s\\.?)", "us-armed-forces"))),
          # a state named for its army as the subject of a deed of war ("Israel advanced beyond the
          # buffer zone", "Turkey captured X"), not where it is a country ("fled to Russia",
          # "backed by Turkey") or speaks ("Israel said")
          *((re.compile(r"(?<![-\w])(?<!to )(?<!by )(?<!in )(?<!from )(?<!of )(?<!and )(?<!with )" + state +
                        r"(?=\s+(?:(?:also|then|later|quickly|swiftly|soon|subsequently|further|"
                        r"had|has|have)\s+){0,2}[\"“‘']?(?:advanc|captur|seiz|took|tak|enter|invad|occup|push|"
                        r"mov|reach|overr|storm|march|withdr|expand|extend|gain|retook)\w*)"), army)
            for state, army in (("Israel", "idf"), ("(?:Turkey|Türkiye)", "turkish-armed-forces"),
                                ("Russia", "russian-armed-forces"))),
          # ... or as the agent of a passive taking: "the city was annexed by Israel" (one fixed
          # lookbehind per verb: "backed by Turkey" stays a country)
          *((re.compile("|".join(rf"(?<=\b{verb} by ){state}\b" for verb in _TAKEN_BY)), army)
            for state, army in (("Israel", "idf"), ("Turkey", "turkish-armed-forces"),
                                ("Türkiye", "turkish-armed-forces"), ("Russia", "russian-armed-forces")))]
# The state armies "the army" may stand for (the one a text about Israel or Turkey names).
ARMIES = ("syrian-arab-army", "idf", "turkish-armed-forces", "russian-armed-forces", "us-armed-forces")
# "now": the day of writing ("... and now Damascus has fallen"), not "now-defunct", "until now".
NOW = re.compile(r"(?<![-\w])(?<!until )(?<!till )(?<!by )now(?![-\w])", re.I)
# A sentence about the leader the sentence before named: "He is now in Moscow."
PRONOUN = re.compile(r"\s*(?:[A-Z][^,.;:]{0,60},\s+)?(He|His|(?<=,\s)(?:he|his))\b")
# ... or names him as the object of what was done for him: "Russia gave him asylum".
PRONOUN_OBJECT = re.compile(r"\b(?:granted|gave|given|offered|forced|allowed|helped|flew|evacuated|"
                            r"sheltered|hosted|received)\s+(him)\b")
# What a name is opposed to, not the name: "anti-government forces", "anti-Assad groups".
ANTI = re.compile(r"\banti[-\u2010\u2011 ]$", re.I)
# A place named as a part of itself or its surroundings: "northern Aleppo", "a few neighbourhoods
# in Aleppo", "the city's Barzeh neighborhood", "Hama province".
PART_BEFORE = re.compile(
    rf"(?:\b(?:{COMPASS}|central|rural|greater)\s+|\b(?:neighbou?rhoods?|districts?|parts?|areas?|"
    r"pockets?|positions?|sections?|quarters?|suburbs|outskirts|countryside|"
    r"surroundings|vicinity|edges?|airport|airbase|base|citadel|"
    # "almost the entirety of X", "much of X", "the rest of X": not the whole place
    r"entirety|most|much|half|rest|remainder|swathes?)\s+(?:of|in|around|near)\s+"
    r"(?:the\s+)?(?:(?:city|town)\s+of\s+)?)$", re.I)
# (a list that ends in a plural, "Aleppo and Idlib governorates", names governorates, not cities)
PART_AFTER = re.compile(r"^(?:(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+)[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)+"
                        r"\s+(?:governorates|provinces|countrysides)\b|['’]s\s+(?:[\w'-]+\s+){0,3}(?:neighbou?rhoods?|districts?|outskirts|"
                        r"suburbs|countryside|airport|airbase|citadel|province|governorate|"
                        r"military airport)|\s+(?:province|governorate|countryside|region|"
                        r"countrysides|airport|airbase|military airport|district|"
                        r"neighbou?rhoods?|quarters?)\b)", re.I)
# Fighting said to be in a region, not a place: no place is taken from the sentences before.
REGION = re.compile(r"\b(?:in|across|throughout) (?:the )?(?:(?:north|south|east|west|central|"
                    rf"{COMPASS})\w*\s+)?(?:syria|the country|\w+ province|"
                    r"\w+ governorate)\b|\bprovince\b|\bgovernorate\b", re.I)
DENIED_AFTER = re.compile(r"\b(?:were|was|been|are|is|being) (?:later |officially |strongly |"
                          r"flatly )?(?:denied|refuted|dismissed|rejected)\b", re.I)
COUNT = re.compile(
    r"\b(?:some |about |around |at least |more than |over |nearly |almost )?"
    r"(\d{1,5}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|"
    r"four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozen)"
    r"\s+(?:\w+\s+)?(?:towns|villages|localities|settlements|hamlets|cities|towns and villages|"
    r"villages and towns)\b", re.I)
CLASH = re.compile(r"\b(?:clash(?:es|ed|ing)?|fighting|fought|battl(?:es?|ed|ing)|skirmish(?:es|ed)?|"
                   r"engaged(?!\s+in\b)|engagements?|repell?(?:ed|s|ing)|hostilities|"
                   r"(?:traded|trading|trade|trades) fire|exchanges? of fire|repuls(?:ed|es|ing)|"
                   r"counter-?attack(?:ed|s|ing)?|counter-?offensives?|"
                   r"firefights?|infighting|exchanged fire|gun battles?)\b", re.I)
# "X and Y engaged in fierce fighting": the two against each other.
ENGAGED_IN = re.compile(r"\b(?:engaged|locked|embroiled|involved)\s+in\s+(?:\w+\s+){0,2}$", re.I)
COUP = re.compile(r"\b(?:coup|putsch|mutiny)\b", re.I)
# A place named as the adjective of a campaign or an area ("the 2024 Hama offensive"): not where a
# coup happened.
PLACE_AS_MODIFIER = re.compile(r"\s+(?:offensive|operation|campaign|battle|front|axis|countryside|"
                               r"province|governorate|region)\b", re.I)
# ... or said as the one the plotters tried to remove: "tried to oust his brother X in a coup".
COUP_OUST = re.compile(r"\b(?:overthrow|oust|topple|depose|unseat|remove)\s+(?:(?:his|her|their)\s+(?:brother|"
                       r"cousin|uncle|father)\s+|(?:the\s+)?(?:syrian\s+)?president\s+)?", re.I)
# The one a coup was against, said before it: "X faced a coup attempt", "X was the target of a coup".
COUP_TARGET = re.compile(r"\s+(?:(?:had|has)\s+)?(?:faced|survived|thwarted|foiled|crushed|put\s+down|"
                         r"(?:was|had\s+been)\s+(?:the\s+)?target(?:ed)?\s+(?:of|by)|"
                         r"was\s+(?:nearly\s+)?(?:toppled|ousted|overthrown)\s+(?:in|by))\s+"
                         r"(?:an?\s+|the\s+)?(?:\w+\s+){0,2}$", re.I)
LEADS = re.compile(r"\b(?:leading|led|behind|staged|staging|stage|launched|orchestrat\w*|mastermind\w*|"
                   r"heading|headed|spearhead\w*|attempt(?:ed|ing|s)?|tried|trying|plott(?:ed|ing)|"
                   r"carr(?:ied|ying) out|mount(?:ed|ing)|instigat\w*)\b", re.I)
# A coup said not to be one: "did not stage a coup", "denied plotting a coup".
COUP_DENIED = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+){0,2}$", re.I)
STATUS = [
    ("whereabouts_unknown", re.compile(
        r"\b(?:unaccounted for|whereabouts (?:are |were |remain |remained |is |was |(?:have|has|had) been )?(?:unknown|"
        r"unclear)|has not been seen|have not been seen|disappeared|vanished|"
        # "went into hiding", "was nowhere to be found", "whereabouts were not known"
        r"(?:went|gone|goes|going) into hiding|(?:is|was|were|remains?|remained) in hiding|"
        r"nowhere to be (?:seen|found)|"
        r"(?:whereabouts|location) (?:is|are|was|were|remains?|remained|(?:has|have|had) been) (?:still )?(?:not (?:immediately |yet )?"
        r"(?:known|clear)|a mystery|uncertain|unknown|unclear)|"
        # "the whereabouts of X remain unknown", "the location of X is unclear"
        r"(?:whereabouts|location) of\s+(?:[\w'’.-]+\s+){1,4}?(?:is|are|was|were|remains?|remained)\s+"
        r"(?:still\s+)?(?:unknown|unclear|not\s+(?:immediately\s+|yet\s+)?(?:known|clear)))\b", re.I)),
    ("in_exile", re.compile(r"\b(?:granted (?:political )?asylum|in exile|went into exile|"
                            r"(?:granted|gave|offered|given) (?:[\w'’-]+ ){0,4}?(?:political )?asylum|"
                            # "claimed asylum", "applied for asylum": asylum he asked for, abroad
                            r"(?:claimed|sought|requested|(?:applied|asked) for) (?:political )?asylum|"
                            r"sought (?:refuge|shelter|sanctuary))\b", re.I)),
    ("abroad", re.compile(r"\b(?:outside the country|outside syria|abroad|left the country|"
                          r"(?:flew|fled|escaped|was flown|were flown|(?:was|were) (?:smuggled|whisked|spirited|"
                          r"airlifted|taken|evacuated)) out of (?:the country|syria)|"
                          r"(?:left|departed) syria|departed the country|fled (?:the country|abroad|syria)|flee (?:the country|abroad|syria))\b", re.I)),
    ("dead", re.compile(r"\b(?:was killed|has been killed|were killed|died|is dead|was shot dead|"
                        # "was reported killed", "was reportedly killed" (the hedge in the clause)
                        r"(?:was|were|has been) (?:reportedly|reported|said to have been) killed|"
                        r"was (?:found|shot) dead|was shot and killed|was slain|was "
                        r"assassinated|was executed)\b", re.I)),
    ("detained", re.compile(r"\b(?:was arrested|has been arrested|was detained|has been detained|"
                            r"was captured|taken into custody)\b", re.I)),
    ("removed", re.compile(r"\b(?:was ousted|has been ousted|was toppled|was overthrown|stepped "
                           # dismissed, replaced, forced out: "was sacked", "was forced from power"
                           r"(?:down|aside)\b|(?:forced|driven|swept|removed|ousted|toppled|deposed) from "
                           r"(?:power|office)|(?:lost|fell from) power|was deposed|"
                           r"resigned|resignation|(?<!refused )(?<!refuses )(?<!declined )(?<!declines )to resign|was removed from (?:power|office)|was deposed|"
                           # power given up: "relinquished power", "handed over the presidency"
                           r"(?:relinquish(?:ed|es|ing)?|gave up|given up|surrender(?:ed|s|ing)?|handed over|"
                           # "transferred power to X", "handed power to X": the giver steps down
                           r"(?:transferr(?:ed|ing)|transfers|handed|passed)(?: over)?|"
                           r"ceded) (?:(?:his|the|all) )?(?:power|the presidency|presidency|office|his post)|"
                           r"left (?:office|power|the presidency)|"
                           r"ending (?:more than |nearly |almost |over )?[\w\- ]{0,20}"
                           r"(?:decades?|years?) of (?:\w+ )?(?:rule|dictatorship|reign|autocracy|tyranny))\b", re.I)),
    ("active", re.compile(r"\b(?:met with|held talks|chaired|appeared in public|made a public "
                          r"appearance|addressed|received)\b", re.I)),
]
# A leader removed, said with the leader as the object: "the rebels ousted Bashar al-Assad".
OUSTED = re.compile(r"\b(?:ousted|toppled|overthrew|overthrown|deposed|unseated|brought down)\s+"
                    r"(?P<title>(?:the\s+)?(?:syrian\s+)?president\s+)?", re.I)
# Dismissed or replaced, said right after the leader's name ("Ali Abbas was sacked"; not "Assad's
# request was dismissed").
DISMISSED = re.compile(r"\b(?:was|has been|had been)\s+(?:dismissed|sacked|fired|replaced|succeeded|relieved of (?:his|her) "
                       r"(?:duties|post|command)|removed)\b(?!\s+from\s+(?!(?:power|office|his|her|the\s+post)))", re.I)
# A term of office said to have ended: "served as prime minister from 14 September to 10 December
# 2024", "serving as ... until January 2025" (the end date after TERM_TO; the holder before).
TERM_SERVED = re.compile(r"\bserv(?:ed|ing)\s+as\b", re.I)
TERM_TO = re.compile(r"(?:\b(?:to|until|till)\s+|[\u2013\u2014-]\s*)$", re.I)
# ... or an infobox's line: "- Term End: 8 December 2024" (numbered for the other offices).
TERM_END_LINE = re.compile(r"^[-*\u2022]?\s*Term\s+End(?P<n>\d*)\s*:\s*", re.I)
# A preposition before a leader's name: the object of something, not the one who served.
OBJECT_BEFORE = re.compile(r"\b(?:to|of|by|under|with|against|for|from|succeeding|replacing)\s+"
                           r"(?:(?:the\s+)?(?:former\s+)?(?:president|leader)\s+)?$", re.I)
# A flight named as a noun, with where to: "the flight of Bashar al-Assad to Russia", "Assad's
# escape to Moscow" (the leader between the words, the foreign place after "to").
FLIGHT_NOUN = re.compile(r"\b(?:flight|escape|departure|evacuation)\s+of\s+(?:the\s+)?", re.I)
FLIGHT_AFTER = re.compile(r"['’]s?\s+(?:flight|escape|departure|evacuation)\s+(?:\w+\s+){0,3}?to\s+(?:the\s+)?", re.I)
FLIGHT_TO = re.compile(r"\s+(?:\w+\s+){0,3}?to\s+(?:the\s+)?", re.I)
# A leader as the object of a deed done to him: "rebels killed X", "HTS arrested X".
# (active only: "was killed by X", "was replaced by X" say nothing of X)
_ACTIVE = r"(?<!was )(?<!were )(?<!been )(?<!being )(?<!is )(?<!are )"
DONE_TO = [("dead", re.compile(r"\b" + _ACTIVE + r"(?:killed|assassinated|executed|shot dead)\s+(?!by\b)", re.I)),
           # "X was appointed prime minister, replacing Y"; succession: "succeeded Y", "took over
           # from Y" (not "succeeded in capturing X": the leader must follow the words)
           ("removed", re.compile(r"\b" + _ACTIVE + r"(?:replac(?:ed|ing)|dismiss(?:ed|ing)|sack(?:ed|ing)|"
                                  r"succeed(?:ed|ing|s)|(?:took|taking|takes|taken) over from)\s+(?!by\b|in\b)",
                                  re.I)),
           ("detained", re.compile(r"\b" + _ACTIVE + r"(?:arrested|detained|captured|apprehended)\s+(?!by\b)", re.I))]
# A status named as a noun, the leader after "of" or before "'s": "the exile of former president X",
# "the arrest of X", "X's death", "the ouster of X" (encyclopedic prose names events so).
STATUS_NOUNS = {"exile": "in_exile", "death": "dead", "killing": "dead", "assassination": "dead",
                "arrest": "detained", "detention": "detained", "capture": "detained",
                "ouster": "removed", "overthrow": "removed", "removal": "removed", "toppling": "removed",
                "resignation": "removed", "deposition": "removed"}
_STATUS_NOUN = "|".join(STATUS_NOUNS)
# ("the exile of his brother Bashar": a kin word with its possessive, then the leader)
STATUS_NOUN_OF = re.compile(r"\b(?:the\s+)?(?P<noun>" + _STATUS_NOUN + r")\s+of\s+(?:the\s+|(?:his|her|their)\s+"
                            r"(?=(?:(?:former|late|elder|younger|older)\s+)?(?:brother|sister|son|father|"
                            r"cousin|uncle|nephew)\b))?"
                            r"(?:(?:former|ousted|deposed|then|syrian|exiled|late|elder|younger|older)\s+)*"
                            r"(?:(?:president|leader|prime\s+minister|general|commander|brother|sister|son|"
                            r"father|cousin|uncle|nephew)\s+)?", re.I)
STATUS_NOUN_AFTER = re.compile(r"['’]s?\s+(?:(?:\w+\s+)?(?:later|eventual|subsequent|reported|sudden|forced)\s+)?"
                               r"(?P<noun>" + _STATUS_NOUN + r")\b", re.I)
# A status noun said with the leader's pronoun: "until his overthrow in December 2024".
STATUS_NOUN_HIS = re.compile(r"\b(?:his|her)\s+(?:(?:later|eventual|subsequent|forced|sudden)\s+)?"
                             r"(?P<noun>" + _STATUS_NOUN + r")\b", re.I)
# ... or asked for, feared, escaped: "called for the arrest of X", "a warrant for his arrest".
NOUN_WANTED = re.compile(r"\b(?:call(?:ed|s|ing)?\s+for|demand(?:ed|s|ing)?|seek(?:s|ing)?|sought|"
                         r"warrants?\s+for|order(?:ed|s)?|threat(?:s|ened)?\s+(?:of|with)|fear(?:ed|s)?(?:\s+of)?|"
                         r"avoid(?:ed|s|ing)?|escap(?:e|ed|es|ing)|evad(?:e|ed|es|ing)|prevent(?:ed|s|ing)?|"
                         r"risk(?:ed|s)?|plan(?:ned|s)?\s+for|wanted\s+for)\s+(?:the\s+|his\s+|her\s+)?$", re.I)
# What the rest of the clause may say of a noun's event that makes it none: "the overthrow of X
# would be a disaster", "the death of X was never confirmed".
NOUN_NOT_SO = re.compile(r"\b(?:would|could|might|may|will|not|never|no|denied|unconfirmed|rumou?r\w*)\b", re.I)
# A leader's name used as an adjective ("the Assad regime", "the Asad family's rule"): no person
# of whom a status is said.
NAME_AS_MODIFIER = re.compile(r"['’]?s?\s+(?:regime|government|family|era|rule|clan|dynasty|"
                              r"administration|loyalists|forces|state|years)\b", re.I)

# "the exiled Assad", "the exiled president Bashar al-Assad": exile said as an epithet, a state now.
EXILED_EPITHET = re.compile(r"\b(?:the\s+)?(?:exiled|self-exiled)\s+(?:(?:former\s+|syrian\s+)*"
                            r"(?:president|leader|dictator|ruler)\s+)?", re.I)
# Whose whereabouts are said to be unknown after the words: "it was not known where Assad was".
WHERE_UNKNOWN = re.compile(r"\b(?:it\s+(?:is|was|remains?|remained)\s+(?:still\s+)?(?:not\s+known|unknown|unclear)|"
                           r"(?:no\s+one|nobody)\s+(?:knows|knew))\s+where\s+(?:the\s+)?", re.I)
# "Russia granted asylum to Assad": the leader after the words.
ASYLUM_TO = re.compile(r"\s+to\s+(?:the\s+)?(?:(?:former|ousted|syrian)\s+)*(?:president\s+)?", re.I)
# Travel verbs: abroad when a foreign place follows, active (with the place) when a Syrian one does.
TRAVEL = re.compile(r"\b(?:arrived in|arrived at|flew to|flown to|fled to|fleeing to|escaped to|escaping to|left for|"
                    # plainer words: "ran away to Russia", "went to Moscow", "relocated to Russia"
                    r"ran (?:away )?to|(?:went|gone|moved|relocated|headed|decamped) to|"
                    r"(?:was|were|been)\s+(?:evacuated|smuggled|spirited\s+away|whisked\s+away|airlifted|taken)\s+to|"
                    r"departed for|took refuge in|travell?ed to|visited|toured|"
                    # "boarded a plane to Moscow", "fled Damascus for Moscow"
                    r"boarded an? (?:\w+\s+)?(?:plane|flight|aircraft|jet|helicopter) (?:to|for|bound for)|"
                    r"(?:fled|left|departed) (?:[A-Z][\w'’-]*\s+){1,3}for)\s+"
                    r"(?:the\s+)?", re.I)
STAYS_IN = re.compile(r"\b(?:is|are|was|were|remains?|remained|stays?|stayed|still|been|"
                      # "lives in Moscow", "surfaced in Moscow", "his plane landed in Moscow"
                      r"li(?:ves|ved|ving)|resid(?:es|ed|ing)|surfaced|turned up|landed|reappeared)\b"
                      r"[^.;,]{0,25}\bin\s+$", re.I)
NOTE_TRIGGERS = re.compile(
    r"\b(?:went silent|went off the air|off the air|landed|destroy(?:ed|ing|s)?|blew up|"
    r"air ?strikes?|shell(?:ed|ing)|bomb(?:ed|ing|ardment)|killed|withdr(?:ew|awn|awal)|"
    r"redeploy(?:ed|ment)|evacuat(?:ed|ion)|curfew|protest(?:s|ers|ed)?|demonstrat(?:ions?|ors?|ed)|"
    r"released|freed|declared|imposed|set fire|looted|stormed|struck|strikes|air raids?|deployed|"
    r"moved into|crossed|appointed|named|sworn in|asked to form|formed)\b", re.I)
FOREIGN = {
    "russia": "Russia", "moscow": "Moscow, Russia", "iran": "Iran", "tehran": "Tehran, Iran",
    "turkey": "Turkey", "türkiye": "Turkey", "ankara": "Ankara, Turkey", "istanbul": "Istanbul, Turkey",
    "lebanon": "Lebanon", "beirut": "Beirut, Lebanon", "iraq": "Iraq", "baghdad": "Baghdad, Iraq",
    "jordan": "Jordan", "amman": "Amman, Jordan", "qatar": "Qatar", "doha": "Doha, Qatar",
    "the uae": "United Arab Emirates", "united arab emirates": "United Arab Emirates",
    "abu dhabi": "Abu Dhabi, United Arab Emirates", "dubai": "Dubai, United Arab Emirates",
    "saudi arabia": "Saudi Arabia", "riyadh": "Riyadh, Saudi Arabia", "egypt": "Egypt",
    "cairo": "Cairo, Egypt", "belarus": "Belarus", "minsk": "Minsk, Belarus",
}
_FOREIGN_ALT = "|".join(sorted(map(re.escape, FOREIGN), key=len, reverse=True))
_FOREIGN_RE = re.compile(r"\b(" + _FOREIGN_ALT + r")\b", re.I)
# "forced Asad's resignation and exile to Russia": exile named as a noun, with the country.
EXILE_TO = re.compile(r"\b(?:exile|exiled)\s+(?:to|in)\s+(?=(?:" + _FOREIGN_ALT + r")\b)", re.I)
# A condition or an appeal is not a claim: "if X enters Y, ...", "we call on X not to / to leave Y",
# searched in the clause before the verb (a condition with no comma between it and the verb).
HYPOTHETICAL = re.compile(r"\b(?:if|unless|lest|in case|whether|in the event that)\b[^,;:]*$", re.I)
APPEAL = re.compile(r"\b(?:call(?:s|ed|ing)?\s+(?:on|upon)|urg(?:e|es|ed|ing)|appeal(?:s|ed|ing)?\s+to|"
                    r"ask(?:s|ed|ing)?|demand(?:s|ed|ing)?|press(?:es|ed|ing)?|encourag(?:e|es|ed|ing))\b"
                    r"[^.;]{0,100}?\bto\s+(?:\w+\s+){0,1}$", re.I)
DENIAL = re.compile(r"\b(?:denied|denies|deny|dismissed|rejected|refuted)\b", re.I)
CLAUSE_BREAK = re.compile(r",\s+and\b|;|\bwhile\b|\bwhereas\b", re.I)
APPROACH_BEFORE = re.compile(r"\b(?:outskirts of|edge of|edges of|gates of|near|around|toward|"
                             r"towards|countryside of|approaches to|outside|(?:north|south)(?:-?(?:east|"
                             r"west))? of|east of|west of|km from|kilometres from|miles from)\s+"
                             r"(?:the\s+)?$", re.I)
# Factions (and their sub-factions) that "the rebels" never stands for.
NOT_REBELS = {"syrian-arab-army", "sdf", "isis", "hezbollah", "russian-armed-forces", "irgc",
              "turkish-armed-forces", "us-armed-forces", "idf"}
# Between two names of one list: ", ", " and ", ", and the ", " and later ", "and the Turkish-backed "
# (after the bracket that closes the first one's abbreviation).
_ITEM = r"(?:the\s+)?(?:[A-Z][\w'’-]*|al-[\w'’-]+|as-[\w'’-]+|ad-[\w'’-]+|ar-[\w'’-]+)(?:\s+[A-Z][\w'’-]*){0,3}"
LIST_GAP = re.compile(r"^\)?(?:\s+(?:militant\s+|armed\s+)?(?:group|forces|fighters|militia))?"
                      r"(?:\s*,\s*" + _ITEM + r")*"  # names of the list that are not known
                      r"\s*(?:,\s*(?:and\s+)?|(?:,\s*)?(?:and|or|as well as)\s+(?:later\s+|then\s+|now\s+)?)"
                      r"(?:the\s+)?(?:(?:towns?|cities|city|villages?)\s+of\s+)?"
                      r"(?:[A-Z][\w'’-]*-(?:backed|led)\s+|allied\s+|rival\s+)?"
                      r"(?:(?:al|as|ad|ar|an|at|az|ash|el|ed|es|et)-)?$")
# Between two places of one list, words that would join two factions wrongly ("HTS, along with
# allied groups, entered X" is HTS's deed): "captured Hama, along with Rastan", "Hama as well as
# Rastan", "Hama, followed by Salamiyah", "Hama, including Rastan", "not only Hama but also Rastan",
# "captured Aleppo on 29 November, then Hama on 5 December" (a date after each item).
PLACE_GAP = re.compile(r"^\s*,?\s*(?:along\s+with|together\s+with|followed\s+by|including|plus|"
                       r"(?:and|but)\s+also|(?:and\s+)?(?:then|later|subsequently|finally|eventually|soon\s+after))\s+"
                       r"(?:the\s+(?:(?:nearby|neighbou?ring)\s+)?(?:cities|city|towns?|villages?)\s+of\s+)?$", re.I)
# A name and its abbreviation in brackets, one item of a list: "Syrian National Army (SNA)".
ABBREVIATED = re.compile(r"\s*\(\s*")
# ", and the Nasib Border Crossing " before a verb: the last item of a list, not a new clause
LAST_ITEM = re.compile(r",\s+and\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,5}"
                       # "..., and Homs on 7 December, before entering X": the item's date, then a
                       # participle of the same subject
                       r"(?:(?:on|by|in)\s+(?:\d{1,2}\s+)?[A-Z][a-z]+(?:\s+\d{4})?\s*)?"
                       r"(?:,\s*(?:before|after|then|and\s+then|later)\s+)?")
ALONG_WITH = re.compile(r"\b(?:along with|together with|alongside|supported by|backed by|with the "
                        r"support of|aided by)\b[^,.;]*$", re.I)
ITEM_DATE = re.compile(r"^\s+(?:(?:on|by)\s+(?:the night of\s+)?\d{1,2}(?:\s*/\s*\d{1,2})?\s+[A-Za-z]+"
                       r"(?:\s+\d{4})?|"
                       # or its month: "seized Aleppo in November 2024 and Damascus in December 2024"
                       r"in\s+(?:early\s+|mid-?|late\s+)?(?:January|February|March|April|May|June|July|"
                       r"August|September|October|November|December)(?:\s+\d{4})?)")
# ", and advanced toward Hama, taking it": the clause after the break begins with its verb, so
# its subject is the one before the break.
ELIDED_SUBJECT = re.compile(r"\s*(?:(?:then|later|also|subsequently|eventually|soon|quickly|swiftly|"
                            r"finally)\s+)?(?:\w+ed|took|made|came|went|fled|drove|swept|overran|won|"
                            r"began|stood|held|fought|left|seized|entered)\b", re.I)
# A name that is the subject of a subordinate clause ("as government forces retreated").
SUBORDINATE_BEFORE = re.compile(r"\b(?:as|after|when|while|because|once|since|before|until|where|"
                                r"whereas|although|though)\s+(?:[\w'’]+[\s-]+){0,2}$", re.I)
# A side said to give way ("government forces disintegrated"): not the subject of what the
# sentence's subject goes on to do after ", and".
DEFEAT_AFTER = re.compile(r"\s+(?:had\s+|were\s+|was\s+)?(?:disintegrat|collaps|retreat|withdr|fled|flee|"
                          r"surrender|crumbl|abandon|redeploy|pull)\w*", re.I)
# "X and Y captured A and B respectively": each actor its own place.
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# "X and the Y Brigade captured": a last actor the gazetteer does not know, still one of the list
UNKNOWN_LAST = re.compile(r"\)?\s*,?\s+and\s+" + _ITEM + r"(?:\s*\([^()]{1,15}\))?\s+"
                          r"(?:(?:had|has|have|then|later|also)\s+){0,2}")
# Actors said to act as one: every place is each one's.
TOGETHER = re.compile(r"\b(?:together|jointly|joint|both|alongside)\b", re.I)
# How far before a verb the reader looks for the words of its subject or a denial.
WINDOW = 200
MAX_UNRESOLVED = 100
_PROPER = r"(?:[A-Z][\w'’\-]*|al|el|ad|as|ar|ash|ez|ed|of|the|and)"
# A claim the same sentence then takes back: "X took Homs, which the army denied", "..., a claim
# the Kremlin dismissed", "..., reports that Moscow later rejected".
DENIED_TRAILING = re.compile(r"[^.;]*?,\s*(?:which|something|a claim|claims|a report|reports|an account)\b"
                             r"[^.;]{0,50}?\b(?:denied|denies|rejected|rejects|dismissed|dismisses|"
                             r"refuted|refutes|disputed|disputes|called (?:false|fake|untrue))\b", re.I)
# Evidence said to be missing: "there was no sign that X had entered Y", "no evidence X fled".
NO_EVIDENCE = re.compile(r"\b(?:no|little|scant|nothing)\s+(?:\w+\s+)?(?:signs?|evidence|indications?|"
                         r"confirmation|proof|truth|basis)\s+(?:yet\s+)?(?:to suggest\s+|to the (?:claim|report)s?\s+)?"
                         r"(?:that|of|for)\b[^.;]*$", re.I)
# Their cores, searched once per sentence: where neither occurs, no deed in it is denied after
# the fact or said to lack evidence, and the per-deed searches are skipped (bench/ B7).
DENIAL_WORD = re.compile(r"\b(?:denied|denies|rejected|rejects|dismissed|dismisses|refuted|refutes|"
                         r"disputed|disputes|called (?:false|fake|untrue))\b", re.I)
NO_EVIDENCE_WORDS = re.compile(r"\b(?:no|little|scant|nothing)\s+(?:\w+\s+)?(?:signs?|evidence|"
                               r"indications?|confirmation|proof|truth|basis)\b", re.I)
# A time long before the article ("in 2016", "back in 2011", "during 2012"): what the clause says
# happened then is background, not news (the year is checked against publication).
BACKGROUND_YEAR = re.compile(r"\b(?:in|back in|during|by|until|from|of)\s+(?:(?:early|late|mid-?)\s*)?"
                             r"(?:(?:January|February|March|April|May|June|July|August|September|"
                             r"October|November|December)\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
# A leader named by what he was, not his name: "the ousted president", "Syria's former leader"
# (resolved to the one head of state the text names; "former" alone is left out: in a foreign
# government's statement it is as often its own former president).
EPITHET = re.compile(r"\b(?:the\s+)?(?:(?:ousted|deposed|toppled|overthrown|fallen|exiled)\s+(?:syrian\s+)?|"
                     r"syrian\s+|syria['’]s\s+(?:(?:ousted|deposed|toppled|former|exiled)\s+)?)"
                     r"(?:president|leader|dictator|strongman|ruler|head of state)\b(?!\s+(?-i:[A-Z]))", re.I)
