"""The demo's live story: a storm coming ashore, followed through a morning in a dozen entries, written for
this project (places and people invented or unnamed). load_demo writes it as the desk would: the editor
writes and publishes the story, starts its live coverage and posts the entries through the live services;
the reporter's entry waits and the editor approves it. The entries' times are then spread over the morning
so the page reads as it would have.
"""

from datetime import timedelta

from django.utils import timezone

from articles.live import services as live
from articles.models import Article, LiveCoverage, LiveEntry
from articles.publishing import editing, workflow

SLUG = "storm-comes-ashore-live"
STORY = {
    "slug": SLUG,
    "headline": "Storm comes ashore on the east coast: live updates",
    "standfirst": "Gusts above 120 km/h, a coast road closed and thousands without power as the storm "
    "makes landfall. Follow the latest here.",
    "section": "climate",
    "tags": ["Storms", "Flooding", "Climate adaptation"],
    "photo_from": "coastal-towns-vote-on-shared-flood-defence-plan",
    "body": """<p>The storm made landfall shortly before dawn. <strong>What we know so far:</strong></p>
<ul><li>Gusts of up to 130 km/h were recorded on the headland.</li><li>The coast road is closed between the
two harbours.</li><li>About 18,000 homes are without power.</li></ul>""",
}
# (minutes before now, by, fields); "by" is a demo username; the reporter's entry waits for approval.
ENTRIES = [
    (235, "editor", {"title": "Warnings upgraded overnight", "body": "<p>The weather service raised its "
     "warning to the highest level for the whole coast at 02:00, citing gusts above 120 km/h and a storm "
     "surge at high tide.</p>"}),
    (210, "editor", {"body": "<p>Rain is now heavy along the seafront. Council crews have closed the "
     "promenade and moved benches and bins away from the sea wall.</p>"}),
    (185, "editor", {"title": "Storm makes landfall", "key_event": True, "body": "<p>The centre of the "
     "storm crossed the coast just north of the headland at 05:40, the weather service said. The "
     "strongest gust so far, 130 km/h, was measured at the lighthouse.</p>"}),
    (160, "editor", {"body": "<p>The coastguard has posted a video of waves breaking over the northern "
     "harbour wall.</p>", "embed_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}),
    (140, "reporter", {"title": "At the harbour", "body": "<p>Fishing crews spent the night double-mooring "
     "their boats. \u201cWe have seen worse, but not often,\u201d one skipper said as spray came over the "
     "quay.</p>", "photo": True}),
    (120, "editor", {"title": "Coast road closed", "key_event": True, "body": "<p>Police have closed the "
     "coast road between the two harbours after a section of the verge collapsed. Drivers are asked to "
     "use the inland route and to travel only if they must.</p>"}),
    (100, "editor", {"body": "<p>The power company says about 18,000 homes are without electricity, most "
     "of them in villages along the coast. Crews will start repairs once the wind drops below 80 km/h.</p>"}),
    (80, "editor", {"body": "<p>Schools in the three coastal districts will stay closed today, the "
     "education office said.</p>"}),
    (60, "editor", {"body": "<p>Rail services on the coast line are suspended until at least midday "
     "because of fallen trees near the junction.</p>"}),
    (40, "editor", {"title": "Rescue at the marina", "body": "<p>Lifeboat crews rescued two people from a "
     "yacht that broke its moorings in the marina. Both were taken to hospital as a precaution.</p>"}),
    (20, "editor", {"body": "<p>The weather service expects the wind to ease from early afternoon, with a "
     "second high tide at 17:20 still a risk for low-lying streets.</p>"}),
    (5, "editor", {"title": "Summary", "pinned": True, "body": "<p>The storm is moving inland. The coast "
     "road stays closed, about 21,000 homes are without power and schools in the coastal districts are "
     "shut. We will keep this page updated through the day.</p>"}),
]  # fmt: skip
# An entry corrected after it was posted, with the note readers see on it.
CORRECTION = {
    "index": 6,
    "body": "<p>The power company says about 21,000 homes are without electricity, most of them in villages "
    "along the coast. Crews will start repairs once the wind drops below 80 km/h.</p>",
    "note": "This entry first gave the number of homes without power as 18,000; the company's figure is "
    "21,000.",
}


def load_live_story(*, sections: dict, authors: dict, users: dict) -> bool:
    """The live story with its entries; False when it is there already."""
    if Article.objects.filter(slug=SLUG).exists():
        return False
    editor = users["editor"]
    photo = Article.objects.filter(slug=STORY["photo_from"]).values_list("lead_photo", flat=True).first()
    fields = {name: STORY[name] for name in ("slug", "headline", "standfirst", "body")}
    article = Article(section=sections[STORY["section"]], lead_photo_id=photo, **fields)
    editing.save_edit(article=article, user=editor, tags=STORY["tags"], authors=[authors["maya-lindqvist"]])
    now = timezone.now()
    workflow.publish(article=article, user=editor, at=now - timedelta(hours=4))
    live.start_coverage(article=article, user=editor)
    entries = []
    for _minutes, by, entry in ENTRIES:
        entry = dict(entry)
        entry["photo"] = article.lead_photo if entry.get("photo") else None
        posted = live.post_entry(article=article, user=users[by], **entry)
        if posted.status == LiveEntry.Status.PENDING:
            posted = live.approve_entry(entry=posted, user=editor)
        entries.append(posted)
    fix = CORRECTION
    live.correct_entry(entry=entries[fix["index"]], user=editor, body=fix["body"], note=fix["note"])
    # Backdated, so the page reads as the morning it describes (the services stamp "now").
    for (minutes, _, _), entry in zip(ENTRIES, entries, strict=True):
        at = now - timedelta(minutes=minutes)
        LiveEntry.objects.filter(pk=entry.pk).update(created_at=at, published_at=at)
    LiveEntry.objects.filter(pk=entries[fix["index"]].pk).update(corrected_at=now - timedelta(minutes=15))
    LiveCoverage.objects.filter(article=article).update(started_at=now - timedelta(hours=4))
    return True
