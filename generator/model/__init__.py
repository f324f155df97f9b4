"""Layer 2, model: the typed records of data/ (the schema) and their JSON Schemas."""
