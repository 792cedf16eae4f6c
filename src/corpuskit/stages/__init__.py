"""Pipeline stages: one module each."""
