"""The web pages: server-rendered HTML (Jinja2) enhanced with HTMX, over the services.

Every page works as plain HTML forms; HTMX, when its script is there, swaps in the
parts that change instead of reloading the page.
"""
