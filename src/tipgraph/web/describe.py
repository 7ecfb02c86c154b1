"""Placeholder: replaced by the describe blueprint."""

from flask import Blueprint

bp = Blueprint("describe", __name__)
