"""Module catalogue (registry) and module-side helpers."""
