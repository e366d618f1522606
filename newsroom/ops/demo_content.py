"""Demo content, written for this project. Places and people in it are invented or unnamed."""

from datetime import time

SECTIONS = [
    # slug, name, parent slug, order, description
    ("world", "World", None, 1, "International news and analysis."),
    ("europe", "Europe", "world", 1, "News from across Europe."),
    ("middle-east", "Middle East", "world", 2, "News from the Middle East and North Africa."),
    ("politics", "Politics", None, 2, "Government, parliament and elections."),
    ("business", "Business", None, 3, "Markets, companies and the economy."),
    ("technology", "Technology", None, 4, "Science and technology, and what they change."),
    ("climate", "Climate", None, 5, "The climate crisis and the energy transition."),
    ("sport", "Sport", None, 6, "Results, reports and the stories behind them."),
]

SOURCES = [
    ("Reuters", "reuters", "https://www.reuters.com", "agency"),
    ("Al Jazeera", "al-jazeera", "https://www.aljazeera.com", "outlet"),
    ("Associated Press", "associated-press", "https://apnews.com", "agency"),
    ("Agence France-Presse", "afp", "https://www.afp.com", "agency"),
]

AUTHORS = [
    (
        "Maya Lindqvist",
        "maya-lindqvist",
        "Diplomatic correspondent. Covers Europe and the Black Sea.",
        False,
    ),
    (
        "Tomás Okafor",
        "tomas-okafor",
        "Business editor. Writes about trade, energy and markets.",
        False,
    ),
    ("Priya Raman", "priya-raman", "Technology reporter, formerly a software engineer.", False),
    ("Jonah Adeyemi", "jonah-adeyemi", "Climate and environment reporter.", False),
    ("Daniel Mensah", "daniel-mensah", "Local government and business reporter.", False),
    ("Reuters staff", "reuters-staff", "Copy from the Reuters news agency.", True),
]

SOCIAL_LINKS = [
    ("youtube", "https://www.youtube.com/@englishnews-demo"),
    ("facebook", "https://www.facebook.com/englishnews.demo"),
    ("x", "https://x.com/englishnews_demo"),
]

# The seed page's shape: a wire story, a lead photo credited to an agency, attribution to another
# outlet, quoted statements, tags and a section. The text is ours.
SEED_STORY = {
    "slug": "moscow-summons-us-envoy-after-strike-on-crimean-port",
    "headline": "Moscow summons US envoy after strike on Crimean port, warns of response",
    "standfirst": "Russia's foreign ministry blamed Washington for a missile attack on a shipyard in "
    "Sevastopol and said it would answer it; the US said its weapons help Ukraine defend itself.",
    "section": "europe",
    "authors": ["reuters-staff", "maya-lindqvist"],
    "sources": ["al-jazeera"],
    "tags": ["Russia", "United States", "Crimea", "Ukraine"],
    "photo": {
        "caption": "Smoke drifts over a shipyard in Sevastopol after the overnight strike",
        "alt": "A column of grey smoke rising above cranes and the roofs of a shipyard by the sea",
        "credit_source": "reuters",
        "palette": ((60, 70, 90), (180, 170, 160)),
    },
    "body": """
<p>Russia's foreign ministry summoned the United States ambassador on Monday and accused Washington of
sharing responsibility for a missile strike on a shipyard in Sevastopol, in Russian-occupied Crimea,
that it said had killed and wounded civilians, Al Jazeera reported.</p>
<p>The ministry said the missiles had been supplied by the United States and called the attack part of
a "proxy war", a description Moscow has used since its full-scale invasion of Ukraine in February 2022.
It said "response measures" would follow, without saying what they would be.</p>
<p>A State Department spokesperson told reporters that US weapons were provided so that Ukraine could
defend its sovereignty, and said the ambassador had expressed regret for any loss of civilian life.</p>
<blockquote><p>"Those who supplied the weapons and the targeting data share the responsibility," a
ministry statement said.</p></blockquote>
<p>According to Russia's defence ministry, five missiles were fired at the peninsula; it said four were
shot down and that debris from a fifth fell over the area. Those figures could not be independently
verified.</p>
<h2>A sharper tone</h2>
<p>Kremlin officials have repeatedly warned Western governments against allowing Ukraine to use their
weapons on targets inside Russia. Diplomats said the decision to summon the ambassador marked a
harder tone than Moscow's earlier statements, Al Jazeera reported.</p>
<p>Crimea was annexed by Russia in 2014; most of the world recognises it as part of Ukraine.</p>
""",
}

STORIES = [
    {
        "slug": "coastal-towns-vote-on-shared-flood-defence-plan",
        "headline": "Coastal towns vote on a shared flood defence plan",
        "standfirst": "Seven councils would pool their budgets for a single sea wall and wetland "
        "scheme, if residents agree in next month's referendum.",
        "section": "climate",
        "authors": ["jonah-adeyemi"],
        "tags": ["Flooding", "Local government", "Climate adaptation"],
        "palette": ((20, 90, 120), (200, 220, 230)),
        "photo_caption": "High tide reaches the promenade at the northern end of the bay",
        "photo_alt": "Waves breaking over a low concrete promenade under a cloudy sky",
        "body": """<p>Residents of seven coastal towns will vote next month on whether their councils
should pool their flood defence budgets into one scheme, combining a raised sea wall with a belt of
restored salt marsh.</p><p>Engineers who drew up the plan say a single scheme would protect more homes
for less money than seven separate walls, because the marsh absorbs wave energy before it reaches
the defences.</p><p>Opponents argue that the smallest towns would lose control over spending, and
that the marsh would take a decade to mature.</p>""",
    },
    {
        "slug": "central-bank-holds-rates-and-signals-patience",
        "headline": "Central bank holds rates and signals patience",
        "standfirst": "Policymakers kept borrowing costs unchanged for a fourth meeting, saying "
        "inflation was easing but not yet beaten.",
        "section": "business",
        "authors": ["tomas-okafor"],
        "sources": ["associated-press"],
        "tags": ["Interest rates", "Inflation", "Economy"],
        "palette": ((40, 40, 60), (210, 190, 120)),
        "photo_caption": "Traders watch the rate announcement on screens",
        "photo_alt": "Rows of computer screens showing charts in a dimly lit trading room",
        "body": """<p>The central bank left its main interest rate unchanged on Thursday for the
fourth meeting in a row, and said it would need "several more months" of evidence before it
considered a cut.</p><p>Inflation fell to 3.1% last month, its lowest in two years, but services
prices are still rising quickly, the bank said in its statement.</p><ul><li>Main rate: unchanged
</li><li>Vote: seven to two</li><li>Next decision: in six weeks</li></ul>""",
    },
    {
        "slug": "open-source-maintainers-get-paid-leave-fund",
        "headline": "Open-source maintainers get a paid leave fund",
        "standfirst": "A group of software companies will pay volunteer maintainers to take time "
        "off, after a string of burnout-related project shutdowns.",
        "section": "technology",
        "authors": ["priya-raman"],
        "tags": ["Open source", "Software", "Work"],
        "palette": ((30, 30, 30), (80, 200, 120)),
        "photo_caption": "Volunteers at a maintainers' meet-up earlier this year",
        "photo_alt": "People sitting around a long table with laptops in a bright room",
        "body": """<p>A fund backed by eleven software companies will pay the maintainers of widely
used open-source libraries to take up to four weeks of leave a year, while trusted stand-ins keep
the projects running.</p><p>"Most of the internet runs on code looked after by people in their
spare time," said one of the fund's organisers. "Rest should not mean the project stops."</p>
<p>Applications open in January.</p>""",
    },
    {
        "slug": "parliament-passes-bill-on-ministerial-diaries",
        "headline": "Parliament passes bill requiring ministers to publish their diaries",
        "standfirst": "Meetings with lobbyists will have to be disclosed within a month under the new law.",
        "section": "politics",
        "authors": ["maya-lindqvist"],
        "tags": ["Transparency", "Parliament", "Lobbying"],
        "palette": ((90, 30, 40), (230, 210, 190)),
        "photo_caption": "The debating chamber before the final vote",
        "photo_alt": "An empty parliamentary chamber with green benches facing each other",
        "body": """<p>Ministers will have to publish their official diaries every month, including
every meeting with a lobbyist, under a bill that passed its final vote on Wednesday by 312 votes
to 201.</p><p>Campaigners welcomed the law but said the exemption for "matters of national
security" was drawn too widely.</p>""",
    },
    {
        "slug": "rail-freight-operators-order-battery-locomotives",
        "headline": "Rail freight operators order their first battery locomotives",
        "standfirst": "The order covers forty engines that can run on overhead power where it "
        "exists and on batteries where it does not.",
        "section": "business",
        "authors": ["tomas-okafor", "jonah-adeyemi"],
        "sources": ["afp"],
        "tags": ["Rail", "Energy transition", "Transport"],
        "palette": ((70, 60, 50), (230, 150, 60)),
        "photo_caption": "A freight train crosses the river bridge at dusk",
        "photo_alt": "A long freight train on a steel bridge against an orange evening sky",
        "body": """<p>Three freight operators have jointly ordered forty locomotives that switch
between overhead electric lines and on-board batteries, allowing them to run the last miles into
ports and quarries without diesel.</p><p>The first engines are due in two years.</p>""",
    },
    {
        "slug": "city-marathon-moves-start-to-avoid-heat",
        "headline": "City marathon moves its start two hours earlier to avoid the heat",
        "standfirst": "Organisers cited last year's record temperatures, when dozens of runners "
        "needed treatment.",
        "section": "sport",
        "authors": ["jonah-adeyemi"],
        "tags": ["Running", "Heat", "Marathon"],
        "palette": ((200, 80, 40), (250, 220, 120)),
        "photo_caption": "Runners pass the old market hall at last year's race",
        "photo_alt": "A crowd of runners in bright vests on a wide city street",
        "body": """<p>This year's city marathon will start at 6.30am, two hours earlier than usual,
after organisers reviewed medical reports from last year's race, run on the hottest race day on
record.</p><p>Water stations will be placed every three kilometres instead of every five.</p>""",
    },
    {
        "slug": "ceasefire-talks-resume-in-neutral-capital",
        "headline": "Ceasefire talks resume in a neutral capital",
        "standfirst": "Negotiators returned to the table after a three-week pause, with prisoner "
        "exchanges first on the agenda.",
        "section": "middle-east",
        "authors": ["maya-lindqvist"],
        "sources": ["al-jazeera", "reuters"],
        "tags": ["Diplomacy", "Ceasefire", "Prisoner exchange"],
        "palette": ((150, 130, 100), (240, 235, 220)),
        "photo_caption": "Delegations arrive for the first session",
        "photo_alt": "A line of dark cars outside the stone entrance of a government building",
        "body": """<p>Negotiators resumed indirect ceasefire talks on Sunday after a three-week
pause, with both delegations saying an exchange of prisoners would be discussed first, Al Jazeera
reported.</p><p>Mediators described the atmosphere as "serious and practical".</p>""",
    },
    {
        "slug": "researchers-map-every-tree-in-the-city",
        "headline": "Researchers map every tree in the city from the air",
        "standfirst": "Laser scans found 1.4 million trees, a third more than the last survey on "
        "foot counted.",
        "section": "technology",
        "authors": ["priya-raman", "jonah-adeyemi"],
        "tags": ["Urban trees", "Mapping", "Research"],
        "palette": ((30, 90, 40), (160, 210, 120)),
        "photo_caption": "Tree cover over the western suburbs, seen from the survey aircraft",
        "photo_alt": "An aerial view of streets and houses largely hidden by tree canopies",
        "body": """<p>A survey by aircraft-mounted laser scanner has counted 1.4 million trees in
the city, about a third more than the last count, which was made on foot.</p><p>The map, which
records the height and canopy of each tree, will be published as open data.</p>""",
    },
    {
        "slug": "european-ministers-agree-on-grid-link-funding",
        "headline": "European ministers agree on funding for cross-border grid links",
        "standfirst": "Twelve interconnectors will share a common fund, in a deal meant to move "
        "wind and solar power to where it is needed.",
        "section": "europe",
        "authors": ["tomas-okafor"],
        "sources": ["reuters"],
        "tags": ["Energy transition", "European Union", "Electricity"],
        "palette": ((20, 50, 110), (240, 200, 60)),
        "photo_caption": "Pylons carry a new interconnector across the border",
        "photo_alt": "High-voltage pylons marching across a green field toward hills",
        "body": """<p>Energy ministers agreed on Tuesday to finance twelve new cross-border power
links from a shared fund, after two years of argument over who should pay.</p><p>Officials said
the links would cut the amount of wind power that is wasted when national grids are full.</p>""",
    },
    {
        "slug": "library-extends-opening-hours-after-petition",
        "headline": "Central library extends its opening hours after a petition",
        "standfirst": "More than 8,000 residents signed; the library will now open until 10pm on weekdays.",
        "section": "politics",
        "authors": ["priya-raman"],
        "tags": ["Libraries", "Local government"],
        "palette": ((110, 70, 40), (240, 220, 180)),
        "photo_caption": "Reading room of the central library",
        "photo_alt": "Tall shelves of books around a quiet reading room with long tables",
        "body": """<p>The central library will stay open until 10pm on weekdays from next month,
after a petition signed by more than 8,000 residents.</p><p>The council said the extra hours
would be paid for by closing an unused annex.</p>""",
    },
    {
        "slug": "womens-league-sets-attendance-record",
        "headline": "Women's league sets a new attendance record",
        "standfirst": "More than 41,000 fans watched the title decider, the largest crowd in the "
        "league's history.",
        "section": "sport",
        "authors": ["maya-lindqvist"],
        "tags": ["Football", "Women's sport"],
        "palette": ((20, 110, 60), (250, 250, 250)),
        "photo_caption": "Fans fill the stadium before kick-off",
        "photo_alt": "A packed football stadium with scarves held up in the stands",
        "body": """<p>A crowd of 41,212 watched Sunday's title decider, the largest in the
women's league's history and almost double the previous record.</p><p>The home side won 2-1
with a late header.</p>""",
    },
]

# The fronts as the editors arranged them (load_demo writes them through the front page services): the
# home page's lead and top stories in order (the newest fill the rest) and its sections in their order;
# the business front; tomorrow's morning front, waiting for the scheduled story it leads with; and the
# breaking news line.
HOME_FRONT = {
    "stories": [
        "ceasefire-talks-resume-in-neutral-capital",
        "moscow-summons-us-envoy-after-strike-on-crimean-port",
        "european-ministers-agree-on-grid-link-funding",
        "parliament-passes-bill-on-ministerial-diaries",
    ],
    "sections": ["world", "politics", "business", "climate", "technology", "sport"],
}
SECTION_FRONTS = {
    "business": [
        "rail-freight-operators-order-battery-locomotives",
        "central-bank-holds-rates-and-signals-patience",
    ],
}
MORNING_FRONT = {
    "note": "Morning front",
    "at": time(7, 0),  # tomorrow, when the night bus story (demo_desk.py) goes out
    "stories": ["night-bus-trial-extended-through-the-winter", "ceasefire-talks-resume-in-neutral-capital"],
}
BREAKING = {
    "text": "Ceasefire talks resume: both delegations are at the table for the first time in four months",
    "story": "ceasefire-talks-resume-in-neutral-capital",
}
