"""Layer 3, stages: load -> validate -> rules -> link -> render -> write, and the page templates."""
