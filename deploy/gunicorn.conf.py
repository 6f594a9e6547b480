# gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py pcb_site.wsgi`
import multiprocessing
import os

import gunicorn

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
# Access log without the query string (%(U)s is the path only), without the referrer and
# without the user agent: a diary filter or a search must never end up in a log file.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
# gunicorn writes "Server: gunicorn" into every response and has no setting to leave it out
# (its maintainers declined one: benoitc/gunicorn#825). Its HTTP code takes the value from
# gunicorn.SERVER when the workers are loaded, after this file is read: blank, the header
# names no software. tests/test_gunicorn_config.py holds this against a real gunicorn.
gunicorn.SERVER = ""
