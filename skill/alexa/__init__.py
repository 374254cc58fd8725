"""The ask-sdk adapter: requests become conversation events, outcomes become responses."""
