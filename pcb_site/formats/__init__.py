"""The project's own date formats (settings.FORMAT_MODULE_PATH), over Django's for each
language: only what differs is here, the rest is Django's."""
