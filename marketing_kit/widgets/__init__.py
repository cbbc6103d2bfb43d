"""Explorers: thin ipywidgets shells around the topic functions, one module per topic."""
