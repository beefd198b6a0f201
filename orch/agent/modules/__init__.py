"""Modules that run inside the agent: ``run(ctx, args) -> dict`` each."""
