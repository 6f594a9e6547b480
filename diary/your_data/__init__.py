"""The person's own data: export (JSON and CSV), import, the doctor report, automatic
deletion of old episodes and deleting the whole account."""
