"""The session store: every front end records to a SQLite file (WAL mode, migrated schema).

``database`` opens it, ``schema`` builds and migrates it, ``recorder`` writes a running session
(commands committed before they act, events in batches), ``writer`` runs the writes in the
caller or in a thread, ``derive`` and ``minutes`` fill the tables read from events and
metrics, ``branches`` keeps rewinds' forks, ``queries`` reads sessions back and ``replay``
re-runs them. ``recording`` is what front ends call; ``errors`` holds ``StoreError``.
"""
