"""The grading service (``quizgrader serve``): an HTTP API and a learner page over a verified
bank, attempts in a database. Needs the ``serve`` extra (FastAPI, uvicorn, SQLAlchemy,
Jinja2)."""
