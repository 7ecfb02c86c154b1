"""Placeholder: replaced by the ui blueprint."""

from flask import Blueprint

bp = Blueprint("ui", __name__)
