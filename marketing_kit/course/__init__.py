"""Instructor-side helpers: driving nbgrader in-process and building submissions."""
