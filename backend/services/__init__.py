"""Business rules of the backend; routes call these and nothing else touches the tables."""
