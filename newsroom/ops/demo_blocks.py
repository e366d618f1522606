"""The demo story with every block and two embeds, written for this project (the town, people and posts in
it are invented). Its body is what an editor types: short codes and pasted links, stored as blocks through
the same form code as the admin's (articles/blocks/forms.py)."""

from datetime import timedelta

from django.utils import timezone

from articles.blocks.forms import clean_body
from articles.models import Article
from articles.publishing import editing, workflow

VIDEO = "https://www.youtube.com/watch?v=Pier2026dm0"
POST = "https://journa.host/@harbourcouncil/113456789012345678"

STORY = {
    "slug": "storm-battered-pier-reopens-higher-and-wired-for-schools",
    "headline": "Storm-battered pier reopens higher, and wired for schools",
    "standfirst": "Three winters after a storm tore away a third of its deck, the town's pier is open again: "
    "rebuilt 1.2 metres higher, with a tide gauge that streams the sea level to local classrooms.",
    "section": "climate",
    "authors": ["jonah-adeyemi"],
    "tags": ["Flooding", "Climate adaptation", "Local government"],
    "palette": ((70, 110, 150), (225, 215, 190)),
    "photo_caption": "The rebuilt pier from the promenade on its first morning open",
    "photo_alt": "A long pier on new steel legs stretching out over a calm grey sea",
    "photo_credit": "",
    "body": """<p>The pier at the end of Harbour Street reopened to walkers on Saturday, three years after a
winter storm tore away a third of its deck and left the rest too dangerous to stand on.</p>
<p>Engineers did not put it back as it was. The new deck sits 1.2 metres higher than the one laid in
1902, and the cast-iron legs that rusted through have been replaced with steel piles driven twice as
deep into the seabed.</p>
<p>[pull quote: We did not rebuild it for the sea we had. We rebuilt it for the sea we will have in
fifty years | Ana Ruiz, the council's chief engineer]</p>
<p>The work cost 14.6 million, two-thirds of it from the regional resilience fund. Ruiz said the
extra height was chosen from the sea-level projections the council adopted last year, with a margin
for the bigger waves that come with stronger winter storms.</p>
<p>[photo: {inline_photo} | Walkers on the rebuilt deck on Saturday morning, with the new tide gauge
at the far end]</p>
<h2>A tide gauge for the classroom</h2>
<p>At the seaward end, a small mast carries a tide gauge and a wave sensor. Their readings go to a
public page every minute, and the town's three secondary schools have built a term of geography
lessons around them.</p>
<p>[fact box: The pier in numbers]</p>
<ul><li>Opened in 1902; closed for three winters after the January 2024 storm</li>
<li>310 metres long; the new deck is 1.2 metres above the old one</li>
<li>Repair: 14.6 million, two-thirds from the regional resilience fund</li>
<li>Sea-level readings every minute, open to anyone</li></ul>
<p>[end fact box]</p>
<p>The council filmed the rebuild from a camera on the promenade:</p>
<p><a href="{video}" title="Rebuilding the pier: a winter of work in two minutes">{video}</a></p>
<p>Not everyone is pleased. Fishing clubs say the higher deck puts their lines further from the
water, and a petition asks for a lower platform at the end. The council said on its account that it
would look at one:</p>
<p><a href="{post}" title="Post by Harbour Council">{post}</a></p>
<p>[read more: coastal-towns-vote-on-shared-flood-defence-plan]</p>
<p>The pier is open from 7am to 9pm, and until midnight on summer weekends.</p>""",
}

INLINE_PHOTO = {
    "slug": "pier-deck-walkers",
    "palette": ((150, 160, 170), (90, 80, 70)),
    "photo_caption": "Walkers on the rebuilt pier deck",
    "photo_alt": "People walking along a wide wooden pier deck towards a small mast at its far end",
    "photo_credit": "",
}


def load_block_story(*, sections, authors, user, make_photo) -> bool:
    """Create the story (unless it exists) and publish it; `make_photo(spec, seed)` makes a demo photo."""
    if Article.objects.filter(slug=STORY["slug"]).exists():
        return False
    lead, inline = make_photo(STORY, 201), make_photo(INLINE_PHOTO, 202)
    typed = STORY["body"].format(inline_photo=inline.pk, video=VIDEO, post=POST)
    # The titles are in the text already (as a save would have found them): nothing is asked of anyone.
    body = clean_body(typed, opened=typed, article_id=None)
    fields = {name: STORY[name] for name in ("slug", "headline", "standfirst")}
    article = Article(section=sections[STORY["section"]], body=body, lead_photo=lead, **fields)
    editing.save_edit(
        article=article, user=user, tags=STORY["tags"], authors=[authors[slug] for slug in STORY["authors"]]
    )
    workflow.publish(article=article, user=user, at=timezone.now() - timedelta(minutes=50))
    return True
