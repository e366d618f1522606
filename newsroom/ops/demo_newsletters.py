"""The demo's newsletters: a daily briefing from the front page (the footer's sign-up), a section's weekly
and breaking alerts, a few confirmed subscribers, and a draft issue of the briefing to open in the admin."""

from django.utils import timezone

from newsroom.readers import issues
from newsroom.readers.models import Issue, Newsletter, Reader, Subscription

NEWSLETTERS = [
    # slug, name, kind, section slug, schedule, site-wide, description
    ("morning-brief", "The Morning Brief", "front", None, "Weekdays at 7am", True,
     "The stories that matter before your first coffee: what happened overnight and what to watch today."),
    ("climate-week", "Climate Week", "section", "climate", "Fridays", False,
     "Our climate desk's pick of the week: the science, the policy and the places changing fastest."),
    ("breaking", "Breaking news alerts", "breaking", None, "When it happens", False,
     "One email when a major story breaks. Rarely more than one a week."),
]  # fmt: skip
SUBSCRIBERS = ["ana@example.org", "tomas@example.org", "leila@example.org"]
INTRO = (
    "Good morning. Flood defences held overnight, the central bank meets today, and a long read on the "
    "towns learning to live with heat."
)


def load(*, sections: dict) -> None:
    now = timezone.now()
    made = {}
    for slug, name, kind, section, schedule, site_wide, description in NEWSLETTERS:
        made[slug], _ = Newsletter.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "section": sections.get(section) if section else None,
                "schedule": schedule,
                "offered_site_wide": site_wide,
                "description": description,
            },
        )
    brief = made["morning-brief"]
    for email in SUBSCRIBERS:
        reader, _ = Reader.objects.get_or_create(email=email)
        Subscription.objects.get_or_create(
            reader=reader,
            newsletter=brief,
            defaults={
                "status": "confirmed",
                "consent_at": now,
                "consent_source": "demo",
                "confirmed_at": now,
            },
        )
    if not Issue.objects.filter(newsletter=brief).exists():
        issue = issues.build(newsletter=brief)
        issue.intro = INTRO
        issue.save(update_fields=["intro"])
