"""Content: the only place that knows where data lives and which locales there are. It loads
scripts, phrases, word tables, crisis wording and helplines into the core's typed objects."""
