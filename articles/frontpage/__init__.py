"""The front pages as editors arrange them (the home page and each section's), and the breaking news banner.

The tables are in articles/models/frontpage.py; selectors.py is what readers see (the layout in force, its
stories through the one publication rule, the banner showing); services.py the writes, each checking the
policy.
"""
