"""Where Rasa keeps the conversations (its tracker store), and how personal data leaves it:
at a user's request at once, otherwise a configurable time after the conversation ended; events
published for analytics never carry it (scrubbing, scrubbing_broker)."""
