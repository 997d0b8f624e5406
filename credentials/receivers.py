"""Receivers of the signals the layers below send about certificates."""
