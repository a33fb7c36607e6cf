"""Conversation insights: anonymised facts from Rasa's scrubbed event stream, for the backend.

`facts` and `mapping` are plain Python (events in, facts out); `poster`, `rabbit`, `tail` and
`__main__` are the shell that reads events, posts facts and keeps the status file."""
