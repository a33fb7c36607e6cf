"""Reading a whole message as people write it: the context it gives, the figures and claims it
makes, the questions it asks, and the answer topics closest to it."""
