"""Local stand-ins of the channel providers: real HTTP servers on loopback ports, documented payloads."""
