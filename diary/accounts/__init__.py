"""Accounts without email: username, password and a one-time recovery code."""
