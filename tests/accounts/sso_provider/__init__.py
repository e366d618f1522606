"""A real OpenID provider for the single sign-on tests: django-oauth-toolkit in its own process, with its
own database, started by tests/accounts/conftest.py. Not part of the newsroom."""
