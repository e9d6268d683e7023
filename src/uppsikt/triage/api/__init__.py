"""/api/v1/triage/: triage a text by a policy, with explanations."""
