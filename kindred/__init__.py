"""Kindred: school-to-school collaboration networks."""
