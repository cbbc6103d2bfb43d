"""Hostile submissions for the sandbox battery (issue 16)."""
