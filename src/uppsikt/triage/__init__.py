"""Triage: what each post is, and what the policy's action table says to do with it."""
