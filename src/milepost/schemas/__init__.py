"""The shapes of API bodies and replies (Pydantic), shared by the API and the web forms.

Entry bodies (tasks, calendars, resources, assignments) are the plan file's own models,
so every field, notation and message is the one a plan file has.
"""
