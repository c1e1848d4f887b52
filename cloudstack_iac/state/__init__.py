"""The state: what cloudstack-iac believes exists (document.py), its file format (file.py), the
backends that store it (backend.py, local.py, postgres.py) and the apply journal (journal.py).

Not here: deciding changes (``plan/``) or talking to CloudStack (``providers/``).
"""
