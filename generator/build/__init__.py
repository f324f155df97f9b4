"""Layer 4, build: the pipeline, the MkDocs driver and the post-build steps (sanitize, exports, redirects)."""
