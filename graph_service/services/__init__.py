"""Use cases that tie the store, the metrics and the maps together."""
