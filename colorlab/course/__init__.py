"""Course tooling: what runs the course around the lectures. It imports the learner core
(:mod:`colorlab`), never the other way round.

- ``notebook``  what every notebook does first: mode, seed, device, data, one line naming them
- ``runner``    ``make course``: run every notebook, collect each one's summary line
- ``reports``   results of full runs as reports/<name>-<device>.json and .md; checkpoint reports
- ``launch``    Colab and Binder links, and the Colab set-up cell, from pyproject's Repository URL
- ``cli``       every command (``python -m colorlab ...``); ``colorlab.__main__`` only calls it
"""
