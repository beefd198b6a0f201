"""The remote side of orch: a small stdlib-only Python program.

It is sent over the connection at the start of a run and speaks JSON lines on
stdin/stdout for the whole run (DESIGN §2). Nothing in this package may import
anything but the standard library: it runs on the target's own python3 (3.8+).
"""
