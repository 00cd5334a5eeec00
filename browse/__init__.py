"""`xlalign browse`: Datasette, read-only on 127.0.0.1, made into a research tool for the parallel text.

metadata.py: facets, sort orders, full-text search and canned queries (the
cookbook); plugin.py: the page per document pair and the plot images;
server.py: starting it (an SQLite snapshot first when the database is
PostgreSQL, which Datasette cannot read).
"""
