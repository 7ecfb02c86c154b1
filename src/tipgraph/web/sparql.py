"""Placeholder: replaced by the SPARQL protocol blueprint."""

from flask import Blueprint

bp = Blueprint("sparql", __name__)
