"""Widgets that show the models: data tables, problems, results and charts."""
