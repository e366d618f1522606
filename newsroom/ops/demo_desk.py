"""Demo stories at every stage of the desk, written for this project; places and people are invented or
unnamed. load_demo writes each as the newsroom would: the reporter (`by`) writes it, and it goes through
the workflow to its `stage`:

- "draft": written, not yet submitted;
- "review": submitted for review, with `note` to the desk;
- "returned": submitted, then sent back to the reporter by the editor with `note`;
- "scheduled": submitted, then scheduled by the editor for `publish_at` tomorrow (local time);
- "embargoed": as scheduled, with an embargo lifting at `embargo_at` tomorrow, before it goes out.

`photo_from` reuses the lead photo of a published demo story: renditions are what makes loading slow.
"""

from datetime import time

DESK_STORIES = [
    {
        "slug": "council-trials-sensors-to-find-leaks-in-old-water-mains",
        "headline": "Council trials sensors to find leaks in old water mains",
        "standfirst": "Acoustic sensors clipped to forty hydrants will listen for the hiss of escaping water "
        "in the oldest part of the network.",
        "section": "technology",
        "by": "reporter",
        "author": "priya-raman",
        "stage": "draft",
        "tags": ["Water", "Local government", "Sensors"],
        "body": """<p>The council will fit acoustic sensors to forty fire hydrants in the old town this
spring, in a six-month trial meant to find leaks in water mains laid more than a century ago.</p>
<p>The sensors record the sound in the pipes each night, when demand is lowest, and flag the steady
hiss that a leak makes. Engineers then confirm the spot with a handheld listening device before
any road is opened.</p><p>The water company estimates that about a fifth of the water it treats
is lost before it reaches a tap.</p>""",
    },
    {
        "slug": "family-bakery-opens-second-shop-in-old-station-building",
        "headline": "Family bakery opens a second shop in the old station building",
        "standfirst": "The ticket hall, empty for eleven years, will house ovens, a café and a small "
        "training kitchen.",
        "section": "business",
        "by": "reporter2",
        "author": "daniel-mensah",
        "stage": "draft",
        "tags": ["Small business", "Local economy"],
        "body": """<p>A bakery that has traded from the same corner of the market square for three
generations will open its second shop next month in the former station ticket hall, which has stood
empty since the line's booking office closed.</p><p>The owners said the move would add fourteen jobs,
including four apprenticeships, and that the building's high ceilings suited bread ovens better than
most modern units.</p>""",
    },
    {
        "slug": "east-side-to-get-second-recycling-centre",
        "headline": "East side to get a second recycling centre",
        "standfirst": "Councillors approved the site on a former depot after residents complained of "
        "forty-minute queues at the only existing centre.",
        "section": "politics",
        "by": "reporter2",
        "author": "daniel-mensah",
        "stage": "review",
        "note": "Ready for a look. The opening date and cost are confirmed with the council's press office.",
        "tags": ["Recycling", "Local government"],
        "body": """<p>A second household recycling centre will open on the east side of the city next
year, after councillors voted on Tuesday to convert a disused bus depot on the ring road.</p>
<p>The existing centre, on the western edge of the city, handles about 9,000 cars a week; at
weekends queues have stretched onto the main road.</p><p>The new site will take garden waste,
electrical goods and furniture for reuse, and will be open seven days a week.</p>""",
    },
    {
        "slug": "university-spin-out-builds-cheaper-river-pollution-sensor",
        "headline": "University spin-out builds a cheaper sensor for river pollution",
        "standfirst": "The device measures nitrate levels every fifteen minutes and costs a tenth of the "
        "instruments used by regulators.",
        "section": "technology",
        "by": "reporter",
        "author": "priya-raman",
        "stage": "returned",
        "note": "Good start. Please add an independent expert's view and the price from the company's "
        "own figures before this comes back.",
        "tags": ["Rivers", "Pollution", "Research"],
        "body": """<p>A company spun out of the university's chemistry department has built a floating
sensor that measures nitrate levels in rivers every fifteen minutes and sends the readings over the
mobile network.</p><p>Its founders say the device costs about a tenth of the laboratory-grade
instruments used by regulators, so that a river could be watched at many points instead of a few.</p>
<p>Ten sensors are being tested on a stretch of river downstream of farmland this summer.</p>""",
    },
    {
        "slug": "night-bus-trial-extended-through-the-winter",
        "headline": "Night bus trial extended through the winter",
        "standfirst": "Three routes running until 3am will continue until March after passenger numbers "
        "beat forecasts.",
        "section": "politics",
        "by": "reporter2",
        "author": "daniel-mensah",
        "stage": "scheduled",
        "publish_at": time(7, 0),
        "photo_from": "rail-freight-operators-order-battery-locomotives",
        "tags": ["Transport", "Local government"],
        "body": """<p>A trial of three night bus routes that run until 3am will be extended until the end
of March, the transport authority said, after passenger numbers in the first four months were a third
higher than forecast.</p><p>Hospital and hotel workers made up the largest group of regular
passengers, according to a survey carried out on board.</p><p>A decision on making the routes
permanent is expected in the spring.</p>""",
    },
    {
        "slug": "street-trees-cool-nearby-homes-study-finds",
        "headline": "Street trees cool nearby homes by up to two degrees, study finds",
        "standfirst": "Researchers who logged temperatures on 300 streets found the effect was largest "
        "on hot nights, when it matters most for health.",
        "section": "climate",
        "by": "reporter",
        "author": "priya-raman",
        "stage": "embargoed",
        "embargo_at": time(10, 0),
        "publish_at": time(10, 5),
        "photo_from": "researchers-map-every-tree-in-the-city",
        "tags": ["Urban trees", "Heat", "Research"],
        "body": """<p>Homes on streets lined with mature trees were up to two degrees cooler on summer
nights than homes on similar streets without them, according to a study that placed temperature
loggers on 300 streets across the city.</p><p>The difference was largest after the hottest days,
when bare streets released the heat stored in their pavements through the night.</p><p>The
researchers said the results supported planting on the streets where the fewest trees grow now.</p>""",
    },
]

# A live demo story with changes waiting for an editor to publish them (readers still see the live one).
PENDING_CHANGE = {
    "slug": "central-bank-holds-rates-and-signals-patience",
    "headline": "Central bank holds rates for a fourth time and signals patience",
    "standfirst": "Policymakers kept borrowing costs unchanged again and said they would wait for firmer "
    "signs that price rises are slowing before cutting.",
}
