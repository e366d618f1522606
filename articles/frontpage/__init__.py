"""The front pages as editors arrange them (the home page and each section's), and the breaking news banner.

models.py the tables; selectors.py what readers see (the layout in force, its stories through the one
publication rule, the banner showing); services.py the writes, each checking the policy.
"""
