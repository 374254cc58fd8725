"""Safety, in one place: normalising words, the crisis classifier, the CrisisIntent rule,
helplines as data, and the wording of every reply to a crisis (safety.md C1-C9)."""
