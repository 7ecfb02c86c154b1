"""The query gate: cheap checks on a SPARQL query's text before any parser sees it.

``check_query(text)`` returns ``Checked(form)`` (``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"`` or
``"DESCRIBE"``) or raises ``QueryRejected(status, message)``, the message naming the problem and its
line and column (1-based). The checks, in order:

1. a missing query (nothing but whitespace or comments) -> 400;
2. more than ``max_length`` characters -> 413, before anything else is scanned;
3. NUL, lone surrogates, and bidirectional controls outside string literals -> 400;
4. an ``<...>`` whose reading is ambiguous in a way that could hide code (see below) -> 400;
5. brackets nested more than ``max_nesting`` deep -> 400 (pyoxigraph's parser recurses on them and
   kills the process at a few thousand levels, so this check is what keeps it alive);
6. SERVICE, dataset clauses (FROM, FROM NAMED) and SPARQL Update keywords -> 400 (with a
   federation allow-list, ``SERVICE [SILENT] <allowed IRI> { ... }`` passes: see ``federation``);
7. integers of more than 18 digits, and LIMIT or OFFSET above 10**9 -> 400;
8. no query form -> 400.

It does not parse SPARQL or report syntax errors: unbalanced brackets, a misplaced keyword or a bad
IRI are left to the real parser. It reads text only, in linear time and without recursion.

Why it does not simply follow the SPARQL lexical grammar: the server's parser (pyoxigraph) has no
separate lexer, and where the two readings differ, what matters is what pyoxigraph sees. Measured
with pyoxigraph 0.5.13:

- keywords need no word boundary: ``SERVICEex:x {...}``, ``FROMex:x``, ``trueSERVICE ?x {...}``,
  ``SELECTDISTINCT`` and ``LIMIT1000`` each read as two tokens;
- after a value in an expression, ``<`` is read as "less than" even where an IRI reference could
  start: ``FILTER(?a <?b#>)`` is ``?a < ?b`` followed by a comment, and the brackets in
  ``?a <((((1))))>`` are parsed (5,000 of them crash the process);
- a ``\"\"\"`` string that does not close (or holds a bad escape) is re-read as ``""`` followed by a
  new string, so what follows can be code.

So the scan reads an ``<...>`` that follows a value inside ``(`` (where every expression is) both
ways: its brackets count as code, a quote in it is refused, and a ``#`` in it opens a comment to the
end of the line for the "less than" reading. SERVICE and FROM are refused anywhere inside a word or
a prefix (so ``PREFIX webservice:`` is refused too), and ``<<`` quoted triples count as nesting.
Wherever the scan cannot tell, it takes the reading that shows more code, never less.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
MAX_DIGITS = 18
MAX_LIMIT = 10**9

MISSING = "missing query"
SERVICE_MESSAGE = "SERVICE (federated query) is not allowed on this endpoint"
FROM_MESSAGE = ("dataset clauses (FROM, FROM NAMED) are not allowed: use the default-graph-uri and "
                "named-graph-uri parameters or GRAPH")


class QueryRejected(ValueError):
    """A query refused before parsing; ``status`` is the HTTP status to answer with."""

    status: int
    message: str  # plain language: the problem and where it is

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Checked:
    form: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"


# Token kinds.
IRI, STRING, VAR, BNODE, PNAME, WORD, NUMBER, PUNCT = "iri", "string", "var", "bnode", "pname", "word", "number", "punct"

# After one of these, pyoxigraph may read "<" as "less than" (see the module docstring).
VALUE_KINDS = frozenset({IRI, STRING, VAR, BNODE, PNAME, WORD, NUMBER})
VALUE_ENDS = frozenset({")", "]", "}"})
OPENERS = frozenset({"(", "[", "{", "<<"})
CLOSERS = frozenset({")", "]", "}", ">>"})


class Token(NamedTuple):
    kind: str
    start: int
    end: int
    # For an IRI reference that may also be read as "<" + code: where that code ends (at the first
    # "#" or backslash inside, else at ">"), and, when a "#" ends it, the end of that comment's line.
    code_end: int = -1
    comment_end: int = -1

    @property
    def dual(self) -> bool:
        return self.code_end >= 0


_EXTRA = "\u00B7\u0300-\u036F\u203F\u2040"  # name characters beyond \w (SPARQL PN_CHARS)
_IRI = re.compile(r'<(?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>')
_VAR = re.compile(rf"[?$][\w{_EXTRA}]+")
_NUMBER = re.compile(r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.[0-9]+|[0-9]+(?:[eE][+-]?[0-9]+)?")
_PREFIX_RUN = re.compile(rf"[^\W\d_][\w.\-{_EXTRA}]*+")
_LOCAL = re.compile(rf"(?:[\w.\-:%{_EXTRA}]|\\[_~.\-!$&'()*+,;=/?#@%])*+")
_BNODE = re.compile(rf"_:[\w.\-{_EXTRA}]*+")
_WORD = re.compile(r"[^\W\d]\w*+")
_ESCAPE = r"""\\(?:[tbnrf"'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"""
_BODY = {  # string contents up to where the string closes, or where it cannot go on
    ("'", False): re.compile(rf"(?:[^'\\\n\r]|{_ESCAPE})*+"),
    ('"', False): re.compile(rf'(?:[^"\\\n\r]|{_ESCAPE})*+'),
    ("'", True): re.compile(rf"(?:[^'\\]|{_ESCAPE}|'(?!''))*+"),
    ('"', True): re.compile(rf'(?:[^"\\]|{_ESCAPE}|"(?!""))*+'),
}
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_HIDDEN_KEYWORD = re.compile("SERVICE|FROM", re.IGNORECASE | re.ASCII)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_GLUED_LIMIT = re.compile("(LIMIT|OFFSET)([0-9]+)", re.IGNORECASE | re.ASCII)


def check_query(text: str, *, max_length: int = 20_000, max_nesting: int = 128, federation=None) -> Checked:
    """Check ``text`` and return its query form, or raise ``QueryRejected``.

    ``federation`` (a ``federation.Federation``) lets ``SERVICE [SILENT] <iri> { ... }`` through for
    the IRIs on its allow-list, and only in that exact shape (``federation.find_calls``).

    >>> check_query("PREFIX ex: <http://example.org/> ASK { ex:a ?p ?o }")
    Checked(form='ASK')
    >>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    tipgraph.web.gate.QueryRejected: SERVICE (federated query) is not allowed on this endpoint (line 1, column 18)
    """
    if not text or text.isspace():
        raise QueryRejected(400, MISSING)
    if len(text) > max_length:
        raise QueryRejected(413, f"query is {len(text):,} characters; the limit is {max_length:,}")
    lexer = _Lexer(text)
    tokens = lexer.run()
    if not tokens:
        raise QueryRejected(400, MISSING)
    _check_characters(text, tokens)
    if lexer.ambiguity is not None:
        raise QueryRejected(400, lexer.ambiguity)
    _check_nesting(text, tokens, max_nesting)
    allowed: frozenset[int] = frozenset()
    if federation is not None and federation.endpoints:
        from .federation import find_calls  # imported here: federation reads this module's tokens

        allowed = frozenset(call.start for call in find_calls(text, tokens, federation, lexer=lexer))
    _check_keywords(text, tokens, allowed)
    _check_numbers(text, tokens)
    return Checked(_form(text, tokens))


def where(text: str, index: int) -> str:
    """``"line L, column C"`` (1-based) of ``text[index]``; lines end at CRLF, LF or CR."""
    lines = _LINE_BREAK.split(text[:index])
    return f"line {len(lines)}, column {len(lines[-1]) + 1}"


# --- lexical scan -----------------------------------------------------------------------------


class _Lexer:
    """One pass over the text: its tokens in order, comments left out, and the first ambiguous
    reading found (as a rejection message) in ``ambiguity``."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[Token] = []
        self.ambiguity: str | None = None
        self.plain_until = 0        # a name run seen to have no ":" after it ends here
        self.failed: dict = {}      # (quote, long) -> (content start, failure index) of the last failed string
        self.comment_line_end = -1  # end of a line that the "less than" reading of an IRI comments out
        self.force_dual = False     # the first "<" after that line may follow a value in that reading
        self.open: list[str] = []   # open brackets: "<" is less-than only inside "(" (all expressions are)
        self.diverged = False       # the two readings of some "<...>" may leave different brackets open

    def run(self, start: int = 0, end: int | None = None) -> list[Token]:
        text, i, n = self.text, start, len(self.text) if end is None else end
        while i < n:
            c = text[i]
            if c in " \t\r\n":
                i += 1
            elif c == "#":
                i = _line_end(text, i)
            elif c in "'\"":
                i = self.string(i)
            elif c == "<":
                i = self.angle(i)
            elif c == ">" and text.startswith(">>", i):
                i = self.emit(PUNCT, i, i + 2)
            elif c in "?$" and (m := _VAR.match(text, i)):
                i = self.emit(VAR, i, m.end())
            elif "0" <= c <= "9" or c == "." and "0" <= text[i + 1:i + 2] <= "9":
                i = self.emit(NUMBER, i, _NUMBER.match(text, i).end())
            elif c == "_" and text.startswith("_:", i):
                i = self.emit(BNODE, i, _strip_dots(text, i + 2, _BNODE.match(text, i).end()))
            elif c == ":" or c.isalpha() or c == "_":
                i = self.name(i)
            else:
                i = self.emit(PUNCT, i, i + 1)
        return self.tokens

    def emit(self, kind: str, start: int, end: int, code_end: int = -1, comment_end: int = -1) -> int:
        if self.force_dual and start > self.comment_line_end and kind != IRI:
            self.force_dual = False
        if kind == PUNCT:
            symbol = self.text[start:end]
            if symbol in OPENERS:
                self.open.append(symbol)
            elif symbol in CLOSERS and self.open:
                self.open.pop()  # a mismatched closer is a syntax error: the parser stops there
        self.tokens.append(Token(kind, start, end, code_end, comment_end))
        return end

    def name(self, i: int) -> int:
        text = self.text
        if text[i] == ":":
            return self.emit(PNAME, i, _strip_dots(text, i + 1, _LOCAL.match(text, i + 1).end()))
        if i >= self.plain_until and text[i] != "_":
            run_end = _PREFIX_RUN.match(text, i).end()
            if text.startswith(":", run_end) and text[run_end - 1] != ".":
                return self.emit(PNAME, i, _strip_dots(text, run_end + 1, _LOCAL.match(text, run_end + 1).end()))
            # Every run starting later inside this one ends at the same place: no need to look again.
            self.plain_until = run_end
        return self.emit(WORD, i, _WORD.match(text, i).end())

    def string(self, i: int) -> int:
        text, quote = self.text, self.text[i]
        if text.startswith(quote * 3, i):
            end = self.string_end(i + 3, quote, long=True)
            if end is not None:
                if self.comment_line_end > i and end > self.comment_line_end:
                    self.ambiguous(i, "a long string starting on the line of an IRI reference that holds '#' "
                                      "after a value (read as less-than, the '#' starts a comment); start the "
                                      "string on a new line")
                return self.emit(STRING, i, end)
            # As pyoxigraph does: an empty string, then another string starting at the third quote.
            return self.emit(STRING, i, i + 2)
        end = self.string_end(i + 1, quote, long=False)
        if end is None:  # the parser stops here; scanning on as code shows more, never less
            return self.emit(PUNCT, i, i + 1)
        return self.emit(STRING, i, end)

    def string_end(self, start: int, quote: str, *, long: bool) -> int | None:
        """Index after the closing quote(s) of a string whose contents begin at ``start``, else None."""
        key = (quote, long)
        last = self.failed.get(key)
        if last and last[0] <= start <= last[1]:
            # Contents scanned from any later start inside a failed string fail at the same place:
            # remembering it keeps runs of escaped quotes linear.
            return None
        stop = _BODY[key].match(self.text, start).end()
        closing = quote * 3 if long else quote
        if self.text.startswith(closing, stop):
            return stop + len(closing)
        self.failed[key] = (start, stop)
        return None

    def angle(self, i: int) -> int:
        text = self.text
        m = _IRI.match(text, i)
        if m is None:
            if text.startswith("<", i + 1) and not _IRI.match(text, i + 1):
                return self.emit(PUNCT, i, i + 2)  # "<<": a quoted triple, which nests too
            return self.emit(PUNCT, i, i + 1)
        end = m.end()
        if not (self.force_dual and self.comment_line_end < i) and not self.after_value():
            return self.emit(IRI, i, end)
        return self.dual_iri(i, end)

    def after_value(self) -> bool:
        """Whether pyoxigraph may read a "<" here as less-than: after a value, in an expression."""
        if not self.tokens or not (self.diverged or self.open and self.open[-1] == "("):
            return False
        last = self.tokens[-1]
        return last.kind in VALUE_KINDS or last.kind == PUNCT and self.text[last.start:last.end] in VALUE_ENDS

    def dual_iri(self, i: int, end: int) -> int:
        """An IRI reference that pyoxigraph may read as '<' followed by code."""
        text = self.text
        self.force_dual = False
        code_end = end - 1
        for stop in (text.find("#", i, end), text.find("\\", i, end)):
            if stop != -1:
                code_end = min(code_end, stop)
        if "'" in text[i:code_end]:
            self.ambiguous(i, "an IRI reference after a value holds a quote, which reads as the start of a "
                              "string if '<' is taken as less-than; write %27 for the quote")
        comment_end = -1
        if text.startswith("#", code_end):
            comment_end = self.comment_line_end = _line_end(text, code_end)
            self.force_dual = self.diverged = True
        elif not _balanced(text, i + 1, code_end):
            # From here on, which brackets are open depends on the reading: assume any "<" after
            # a value may be less-than.
            self.diverged = True
        return self.emit(IRI, i, end, code_end, comment_end)

    def ambiguous(self, index: int, what: str) -> None:
        if self.ambiguity is None:
            self.ambiguity = f"ambiguous query text at {where(self.text, index)}: {what}"


def _balanced(text: str, start: int, end: int) -> bool:
    """Whether the round and square brackets in ``text[start:end]`` close in order and all close."""
    open_: list[str] = []
    for ch in text[start:end]:
        if ch in "([":
            open_.append(ch)
        elif ch in ")]" and (not open_ or "([".index(open_.pop()) != ")]".index(ch)):
            return False
    return not open_


def _line_end(text: str, i: int) -> int:
    """Index of the first line break at or after ``i`` (comments end at either CR or LF)."""
    ends = [e for e in (text.find("\n", i), text.find("\r", i)) if e != -1]
    return min(ends) if ends else len(text)


def _strip_dots(text: str, start: int, end: int) -> int:
    """A prefixed name or blank node label cannot end in an unescaped '.': give it back."""
    while end > start and text[end - 1] == "." and text[end - 2] != "\\":
        end -= 1
    return end


# --- checks -----------------------------------------------------------------------------------


def _check_characters(text: str, tokens: list[Token]) -> None:
    strings = [(t.start, t.end) for t in tokens if t.kind == STRING]
    starts = [s for s, _ in strings]
    for m in _BAD_CHARACTER.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "\x00":
            raise QueryRejected(400, f"NUL character (U+0000) at {where(text, i)} is not allowed")
        if "\ud800" <= ch <= "\udfff":
            raise QueryRejected(400, f"lone surrogate U+{ord(ch):04X} at {where(text, i)} is not allowed "
                                     "(the query is not valid Unicode text)")
        k = bisect.bisect_right(starts, i) - 1
        if k < 0 or i >= strings[k][1]:
            raise QueryRejected(400, f"bidirectional control character U+{ord(ch):04X} ({unicodedata.name(ch)}) "
                                     f"at {where(text, i)} is only allowed inside string literals")


def _check_nesting(text: str, tokens: list[Token], max_nesting: int) -> None:
    def too_deep(index: int) -> QueryRejected:
        return QueryRejected(400, f"query is too deeply nested (more than {max_nesting} levels) at {where(text, index)}")

    depth = 0
    held: tuple[int, int] | None = None  # (line end, depth) of a reading in which the rest of the line is a comment
    for token in tokens:
        if held is not None and token.start > held[0]:
            depth, held = max(depth, held[1]), None
        if token.kind == PUNCT:
            symbol = text[token.start:token.end]
            if symbol in OPENERS:
                depth += 1
                if depth > max_nesting:
                    raise too_deep(token.start)
            elif symbol in CLOSERS:
                depth = max(0, depth - 1)  # unbalanced brackets are the parser's to report
        elif token.dual:
            # The "less than" reading parses the brackets inside; the IRI reading does not.
            code = depth
            for j in range(token.start + 1, token.code_end):
                if text[j] in "([":
                    code += 1
                    if code > max_nesting:
                        raise too_deep(j)
                elif text[j] in ")]":
                    code = max(0, code - 1)
            if token.comment_end >= 0:
                held = (token.comment_end, max(code, held[1] if held else 0))
            else:
                depth = max(depth, code)


def _check_keywords(text: str, tokens: list[Token], allowed: frozenset[int] = frozenset()) -> None:
    for token in tokens:
        if token.kind in (WORD, PNAME):
            if token.start not in allowed:  # SERVICE calls already checked against the allow-list
                _refuse_hidden_keyword(text, token)
            word = text[token.start:token.end]
            if token.kind == WORD and word.isascii() and word.upper() in UPDATE_KEYWORDS:
                raise QueryRejected(400, f"this endpoint is read-only: SPARQL Update ({word.upper()}) is not "
                                         f"accepted ({where(text, token.start)})")
        elif token.dual:
            # Read as "<" + code, a ")" inside can close a FILTER, and what follows be a pattern.
            # The code holds no quote, "#", "<" or backslash (see dual_iri): the scan stops at its end.
            close = text.find(")", token.start, token.code_end)
            if close != -1:
                for inner in _Lexer(text).run(close + 1, token.code_end):
                    if inner.kind in (WORD, PNAME):
                        _refuse_hidden_keyword(text, inner)


def _refuse_hidden_keyword(text: str, token: Token) -> None:
    """SERVICE or FROM anywhere in a word or a prefix: pyoxigraph splits ``trueSERVICE``, ``FROMex:``."""
    word = text[token.start:token.end]
    part = word[:word.index(":")] if token.kind == PNAME else word
    m = _HIDDEN_KEYWORD.search(part)
    if m is None:
        return
    keyword = m.group().upper()
    message = SERVICE_MESSAGE if keyword == "SERVICE" else FROM_MESSAGE
    found = "" if word.upper() == keyword else f"{word!r} at "
    raise QueryRejected(400, f"{message} ({found}{where(text, token.start)})")


def _check_numbers(text: str, tokens: list[Token]) -> None:
    previous = ""
    for token in tokens:
        word = text[token.start:token.end]
        if token.kind == NUMBER and word.isdigit():
            _check_integer(text, token.start, word, previous if previous in ("LIMIT", "OFFSET") else None)
        elif token.kind == WORD:
            for m in _GLUED_LIMIT.finditer(word):  # "LIMIT1000" is LIMIT 1000 to pyoxigraph
                _check_integer(text, token.start + m.start(2), m.group(2), m.group(1).upper())
        previous = word.upper() if token.kind == WORD and word.isascii() else ""


def _check_integer(text: str, start: int, digits: str, clause: str | None) -> None:
    if len(digits) > MAX_DIGITS:
        raise QueryRejected(400, f"number too large: an integer of {len(digits):,} digits at {where(text, start)} "
                                 f"(at most {MAX_DIGITS} digits are accepted)")
    if clause is not None and int(digits) > MAX_LIMIT:
        raise QueryRejected(400, f"{clause} {digits} at {where(text, start)} is too large: the largest "
                                 f"{clause} accepted is {MAX_LIMIT:,}")


def _form(text: str, tokens: list[Token]) -> str:
    for token in tokens:
        if token.kind == WORD:
            word = text[token.start:token.end].upper()
            for form in FORMS:
                # startswith: pyoxigraph reads "SELECTDISTINCT" and "CONSTRUCTWHERE" as two words.
                if word.isascii() and word.startswith(form):
                    return form
    raise QueryRejected(400, "not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
