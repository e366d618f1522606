"""Live coverage's writes (services.py) and how an entry's embed shows (embeds.py). What readers see of it
is public/live.py and public/live_pages.py; the tables are articles/models/live.py."""
