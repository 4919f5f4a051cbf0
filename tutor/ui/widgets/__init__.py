"""Widgets of the app: conversation turns, terminal charts, the run panel and the data map."""
