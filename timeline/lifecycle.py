"""The process's lifecycle as the long responses see it: STOPPING is set when the server asks
this worker to stop (timeline/gunicorn_conf.py sets it; the event streams of api/events.py end)."""

import threading

# Set in a worker when gunicorn asks it to stop (SIGTERM: graceful; SIGINT, SIGQUIT: at once).
# An open /events/stream would otherwise hold its thread for its whole lifetime (minutes): the
# worker could not finish within --graceful-timeout and was killed (SIGKILL). Streams end at
# once instead, and EventSource clients reconnect, with Last-Event-ID, to a live worker.
STOPPING = threading.Event()
