"""The checkpoint expression language: a small, safe language over a state's fields.

It is parsed by its own tokenizer and recursive-descent parser and evaluated by
walking the tree; nothing is handed to Python's ``eval``. What it offers::

    literals     1  2.5  "VM2"  'VM2'  true  false  none  [1, 2]  {1, 2}  {"vm": "VM1"}
    names        the state's variables, T (model time in seconds), and names the spec adds
    access       x[k]  (tuple index, mapping key)   x.field  (record field, mapping key)
    arithmetic   +  -  *  /  //  %  and unary -
    comparison   ==  !=  <  <=  >  >=  in  not in   (chains like 1 < x <= 3)
    logic        and  or  not
    functions    all any len sum min max count sorted set range abs, and functions the spec offers
    generators   all(blocked[h] for h in hosts if h != 2)   (inside a function call)

See docs/scenarios.md for the full reference.
"""

from __future__ import annotations

import difflib
import enum
import inspect
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 2000
MAX_NESTING = 40
MAX_RANGE = 100_000
MAX_STEPS = 1_000_000
"""Evaluation steps (nodes visited) one expression may take: nested generators multiply, and a checkpoint typed
into the shell or the TUI must answer, not run for hours."""
MAX_BITS = 4096
"""An integer result larger than this many bits is refused (repeated products grow without bound)."""


class ExprError(Exception):
    """A bad expression (``column`` is 1-based when the parser knows it) or a failed evaluation."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        super().__init__(message + (f" (at column {column})" if column else ""))


# -- tokens --------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+\.\d*|\.\d+|\d+)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>//|==|!=|<=|>=|[-+*/%<>()\[\]{}.,:])
    """,
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "in", "for", "if", "true", "false", "none", "True", "False", "None"}
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # number, string, name, op, kw, end
    text: str
    col: int


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def tokenize(text: str) -> list[_Tok]:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is longer than {MAX_LENGTH} characters")
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = " (write == for equality)" if ch == "=" else ""
            if ch in "\"'":
                raise ExprError("a string is not closed", pos + 1)
            raise ExprError(f"unexpected character {ch!r}{hint}", pos + 1)
        kind = m.lastgroup or ""
        if kind != "space":
            word = m.group()
            if kind == "name" and word in _KEYWORDS:
                kind = "kw"
            out.append(_Tok(kind, word, pos + 1))
        pos = m.end()
    out.append(_Tok("end", "", len(text) + 1))
    return out


# -- the tree ------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    kind: str
    col: int
    value: Any = None
    kids: tuple[Node, ...] = ()


_COMPARE = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self, text: str | None = None, kind: str | None = None) -> _Tok | None:
        t = self.tok
        if (text is None or t.text == text) and (kind is None or t.kind == kind) and t.kind != "end":
            self.i += 1
            return t
        return None

    def expect(self, text: str, what: str) -> _Tok:
        t = self.take(text)
        if t is None:
            got = "the end of the expression" if self.tok.kind == "end" else repr(self.tok.text)
            raise ExprError(f"expected {what}, found {got}", self.tok.col)
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExprError("the expression is empty", 1)
        node = self.expr()
        if self.tok.kind != "end":
            hint = " (write == for equality)" if self.tok.text == "=" else ""
            raise ExprError(f"unexpected {self.tok.text!r}{hint}", self.tok.col)
        return node

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExprError(f"the expression is nested more than {MAX_NESTING} levels deep", self.tok.col)
        try:
            return self.or_()
        finally:
            self.depth -= 1

    def or_(self) -> Node:
        node = self.and_()
        while (t := self.take("or", "kw")) is not None:
            node = Node("or", t.col, None, (node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.not_()
        while (t := self.take("and", "kw")) is not None:
            node = Node("and", t.col, None, (node, self.not_()))
        return node

    def not_(self) -> Node:
        t = self.take("not", "kw")
        if t is not None:
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise ExprError(f"the expression is nested more than {MAX_NESTING} levels deep", t.col)
            try:
                return Node("not", t.col, None, (self.not_(),))
            finally:
                self.depth -= 1
        return self.comparison()

    def _compare_op(self) -> str | None:
        t = self.tok
        if t.kind == "op" and t.text in _COMPARE:
            self.i += 1
            return t.text
        if t.kind == "kw" and t.text == "in":
            self.i += 1
            return "in"
        if t.kind == "kw" and t.text == "not" and self.toks[self.i + 1].text == "in":
            self.i += 2
            return "not in"
        return None

    def comparison(self) -> Node:
        first = self.arith()
        ops: list[str] = []
        rest: list[Node] = [first]
        col = self.tok.col
        while (op := self._compare_op()) is not None:
            ops.append(op)
            rest.append(self.arith())
        if not ops:
            return first
        return Node("compare", col, tuple(ops), tuple(rest))

    def arith(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            t = self.tok
            self.i += 1
            node = Node("binop", t.col, t.text, (node, self.term()))
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "//", "%"):
            t = self.tok
            self.i += 1
            node = Node("binop", t.col, t.text, (node, self.unary()))
        return node

    def unary(self) -> Node:
        t = self.take("-", "op")
        if t is not None:
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise ExprError(f"the expression is nested more than {MAX_NESTING} levels deep", t.col)
            try:
                return Node("neg", t.col, None, (self.unary(),))
            finally:
                self.depth -= 1
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        while True:
            t = self.tok
            if self.take("[", "op"):
                index = self.expr()
                self.expect("]", "']' to close the index")
                node = Node("index", t.col, None, (node, index))
            elif self.take(".", "op"):
                name = self.take(kind="name")
                if name is None:
                    raise ExprError("expected a field name after '.'", self.tok.col)
                node = Node("field", name.col, name.text, (node,))
            else:
                return node

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.i += 1
            value: Any = float(t.text) if "." in t.text else int(t.text)
            return Node("const", t.col, value)
        if t.kind == "string":
            self.i += 1
            return Node("const", t.col, _unescape(t.text[1:-1]))
        if t.kind == "kw" and t.text in ("true", "True", "false", "False", "none", "None"):
            self.i += 1
            return Node("const", t.col, {"t": True, "T": True, "f": False, "F": False}.get(t.text[0]))
        if t.kind == "name":
            self.i += 1
            if self.take("(", "op"):
                return self.call(t)
            return Node("name", t.col, t.text)
        if self.take("(", "op"):
            node = self.expr()
            self.expect(")", "')'")
            return node
        if self.take("[", "op"):
            return Node("list", t.col, None, self.items("]"))
        if self.take("{", "op"):
            return self.braces(t)
        if t.kind == "end":
            raise ExprError("the expression ends too early", t.col)
        raise ExprError(f"unexpected {t.text!r}", t.col)

    def braces(self, t: _Tok) -> Node:
        """``{1, 2}`` is a set, ``{"vm": "VM1"}`` a mapping (``{}`` is the empty set)."""
        if self.take("}", "op"):
            return Node("set", t.col, None, ())
        first = self.expr()
        if not self.take(":", "op"):
            rest: tuple[Node, ...] = ()
            if self.take(",", "op"):
                rest = self.items("}")
            else:
                self.expect("}", "',' or '}'")
            return Node("set", t.col, None, (first, *rest))
        pairs = [first, self.expr()]
        while self.take(",", "op"):
            if self.take("}", "op"):
                return Node("map", t.col, None, tuple(pairs))
            pairs.append(self.expr())
            self.expect(":", "':' between a key and its value")
            pairs.append(self.expr())
        self.expect("}", "',' or '}'")
        return Node("map", t.col, None, tuple(pairs))

    def items(self, close: str) -> tuple[Node, ...]:
        out: list[Node] = []
        while not self.take(close, "op"):
            out.append(self.expr())
            if not self.take(",", "op"):
                self.expect(close, f"',' or {close!r}")
                break
        return tuple(out)

    def call(self, name: _Tok) -> Node:
        # Names other than the built-in functions may be functions a spec offers (see Function);
        # whether one exists is known only with the state's names, at evaluation or load time.
        if self.take(")", "op"):
            return Node("call", name.col, name.text, ())
        first = self.expr()
        if self.take("for", "kw"):
            var = self.take(kind="name")
            if var is None:
                raise ExprError("expected a variable name after 'for'", self.tok.col)
            self.expect("in", "'in' after the loop variable")
            source = self.arith()
            cond = Node("const", self.tok.col, True)
            if self.take("if", "kw"):
                cond = self.expr()
            self.expect(")", "')' to close the generator")
            gen = Node("gen", var.col, var.text, (first, source, cond))
            return Node("call", name.col, name.text, (gen,))
        args = [first]
        while self.take(",", "op"):
            args.append(self.expr())
        self.expect(")", "',' or ')'")
        return Node("call", name.col, name.text, tuple(args))


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# -- evaluation ----------------------------------------------------------------


def _count(xs: Iterable[Any]) -> int:
    return sum(1 for x in xs if x)


def _range(*args: Any) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise ExprError(f"range() is limited to {MAX_RANGE} numbers")
    return r


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "all": all,
    "any": any,
    "len": len,
    "sum": sum,
    "min": min,
    "max": max,
    "count": _count,
    "sorted": lambda xs: tuple(sorted(xs)),
    "set": frozenset,
    "range": _range,
    "abs": abs,
}
"""``count(xs)`` is the number of true items (``count(blocked[h] for h in hosts)``)."""


def _plain(v: Any) -> Any:
    """Enum members compare by name, so ``status == "running"`` reads naturally."""
    if isinstance(v, enum.Enum):
        return v.name
    return v


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, enum.Enum) != isinstance(b, enum.Enum):
        # An enum member equals its name, in any case: ``status == "running"``.
        name, other = (a.name, b) if isinstance(a, enum.Enum) else (b.name, a)
        return isinstance(other, str) and name.lower() == other.lower()
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        # A list literal equals a state's tuple with the same items.
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, Mapping):
        return any(_equal(k, item) for k in container)
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    try:
        return any(_equal(x, item) for x in container)
    except TypeError:
        raise ExprError(f"'in' needs a collection on its right, got {_kind(container)}") from None


def _kind(v: Any) -> str:
    if isinstance(v, tuple) and hasattr(v, "_fields"):
        return f"a {type(v).__name__} record"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        tuple: "a tuple",
        list: "a list",
        frozenset: "a set",
        set: "a set",
        type(None): "none",
    }.get(type(v), "a mapping" if isinstance(v, Mapping) else f"a {type(v).__name__}")


def _hashed(make: Callable[[list[Any]], Any], items: list[Any], what: str) -> Any:
    try:
        return make(items)
    except TypeError:
        raise ExprError(f"{what} must be a number, string, boolean, list or set, not a mapping") from None


def _index(container: Any, key: Any) -> Any:
    if isinstance(container, Mapping):
        try:
            if key in container:
                return container[key]
        except TypeError:
            raise ExprError(f"cannot look up a key that is {_kind(key)}") from None
        for k, v in container.items():
            if _equal(k, key):
                return v
        keys = ", ".join(repr(_plain(k)) for k in list(container)[:12])
        raise ExprError(f"no key {key!r}; the keys are: {keys or 'none'}")
    if isinstance(container, tuple | list | str):
        if isinstance(key, bool) or not isinstance(key, int):
            raise ExprError(f"a tuple index must be a whole number, got {_kind(key)}")
        if not -len(container) <= key < len(container):
            raise ExprError(f"index {key} is out of range: there are {len(container)} items (0..{len(container) - 1})")
        return container[key]
    raise ExprError(f"cannot index {_kind(container)}")


def _field(value: Any, name: str) -> Any:
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        if name in value._fields:
            return getattr(value, name)
        raise ExprError(f"{type(value).__name__} has no field {name!r}; fields: {', '.join(value._fields)}")
    if isinstance(value, Mapping):
        return _index(value, name)
    raise ExprError(f"{_kind(value)} has no field {name!r}")


def _binop(op: str, a: Any, b: Any) -> Any:
    if op == "+" and isinstance(a, frozenset | set) and isinstance(b, frozenset | set):
        return frozenset(a) | frozenset(b)
    if op == "-" and isinstance(a, frozenset | set) and isinstance(b, frozenset | set):
        return frozenset(a) - frozenset(b)
    for v in (a, b):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ExprError(f"{op!r} needs numbers, got {_kind(v)}")
    if op in ("/", "//", "%") and b == 0:
        raise ExprError("division by zero")
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_BITS:
            raise ExprError("the number is too large")
        result = a * b
        if isinstance(result, float) and not math.isfinite(result):
            raise ExprError("the number is too large")
        return result
    if op == "/":
        return a / b
    if op == "//":
        return a // b
    return a % b


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if op == "in":
        return _contains(b, a)
    if op == "not in":
        return not _contains(b, a)
    a, b = _plain(a), _plain(b)
    try:
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)
    except TypeError:
        raise ExprError(f"cannot compare {_kind(a)} with {_kind(b)} using {op!r}") from None


def _truth(v: Any, what: str) -> bool:
    if isinstance(v, bool):
        return v
    raise ExprError(f"{what} needs true or false, got {_kind(v)} ({v!r})")


class _Eval:
    def __init__(self, env: Mapping[str, Any]) -> None:
        self.env = env
        self.steps = 0

    def run(self, node: Node, local: dict[str, Any]) -> Any:
        k = node.kind
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExprError(f"the expression takes more than {MAX_STEPS:,} steps to evaluate", node.col)
        try:
            if k == "const":
                return node.value
            if k == "name":
                if node.value in local:
                    return local[node.value]
                if node.value in self.env:
                    return self.env[node.value]
                raise ExprError(f"unknown name {node.value!r}{_suggest(node.value, [*self.env, *local])}")
            if k == "and":
                return _truth(self.run(node.kids[0], local), "'and'") and _truth(self.run(node.kids[1], local), "'and'")
            if k == "or":
                return _truth(self.run(node.kids[0], local), "'or'") or _truth(self.run(node.kids[1], local), "'or'")
            if k == "not":
                return not _truth(self.run(node.kids[0], local), "'not'")
            if k == "compare":
                left = self.run(node.kids[0], local)
                for op, kid in zip(node.value, node.kids[1:], strict=True):
                    right = self.run(kid, local)
                    if not _compare(op, left, right):
                        return False
                    left = right
                return True
            if k == "binop":
                return _binop(node.value, self.run(node.kids[0], local), self.run(node.kids[1], local))
            if k == "neg":
                return _binop("-", 0, self.run(node.kids[0], local))
            if k == "index":
                return _index(self.run(node.kids[0], local), _plain(self.run(node.kids[1], local)))
            if k == "field":
                return _field(self.run(node.kids[0], local), node.value)
            if k == "list":
                return tuple(self.run(kid, local) for kid in node.kids)
            if k == "set":
                return _hashed(frozenset, [self.run(kid, local) for kid in node.kids], "a set member")
            if k == "map":
                kids = [self.run(kid, local) for kid in node.kids]
                return _hashed(dict, list(zip(kids[::2], kids[1::2], strict=True)), "a mapping key")
            if k == "call":
                return self.call(node, local)
        except ExprError as exc:
            if exc.column is None:
                raise ExprError(exc.message, node.col) from None
            raise
        raise ExprError(f"internal: unknown node {k}", node.col)

    def generate(self, gen: Node, local: dict[str, Any]) -> list[Any]:
        body, source, cond = gen.kids
        items = self.run(source, local)
        if isinstance(items, Mapping):
            items = list(items)
        if not isinstance(items, tuple | list | frozenset | set | range):
            raise ExprError(f"'for' needs a collection to walk over, got {_kind(items)}", source.col)
        out: list[Any] = []
        inner = dict(local)
        for item in items:
            inner[gen.value] = item
            if _truth(self.run(cond, inner), "'if'"):
                out.append(self.run(body, inner))
        return out

    def call(self, node: Node, local: dict[str, Any]) -> Any:
        if len(node.kids) == 1 and node.kids[0].kind == "gen":
            args: list[Any] = [self.generate(node.kids[0], local)]
        else:
            args = [self.run(kid, local) for kid in node.kids]
        if node.value not in FUNCTIONS:
            offered = self.env.get(node.value)
            if not isinstance(offered, Function):
                known = [*FUNCTIONS, *(k for k, v in self.env.items() if isinstance(v, Function))]
                raise ExprError(f"unknown function {node.value!r}{_suggest(node.value, known)}", node.col)
            return offered.call(node.value, args, node.col)
        fn = FUNCTIONS[node.value]
        if node.value in ("all", "any", "count") and len(args) == 1 and isinstance(args[0], list | tuple):
            for v in args[0]:
                _truth(v, f"{node.value}()")
        try:
            if node.value in ("sum", "min", "max", "sorted", "len", "set", "all", "any", "count") and len(args) == 1:
                arg = args[0]
                if isinstance(arg, Mapping):
                    arg = list(arg.values()) if node.value != "len" else arg
                return fn(arg)
            return fn(*args)
        except ExprError:
            raise
        except (TypeError, ValueError, OverflowError) as exc:
            raise ExprError(f"{node.value}() cannot take these arguments: {exc}", node.col) from None


@dataclass(frozen=True)
class Function:
    """A function a spec offers to expressions (e.g. ``admits("VM01", 1)``), with its signature for errors."""

    fn: Callable[..., Any]
    signature: str
    """What to show when it is called wrongly, e.g. ``admits(vm, host)``."""

    def call(self, name: str, args: list[Any], col: int) -> Any:
        try:
            inspect.signature(self.fn).bind(*args)
        except TypeError:
            wanted = self.signature.count(",") + 1 if "()" not in self.signature else 0
            given = f"{len(args)} {'was' if len(args) == 1 else 'were'} given"
            raise ExprError(f"{name}() is {self.signature}: it takes {wanted} arguments, {given}", col) from None
        except ValueError:
            pass  # a builtin without a signature: the call says what is wrong
        try:
            return self.fn(*args)
        except ExprError as exc:
            raise ExprError(exc.message, exc.column or col) from None
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            raise ExprError(f"{name}() is {self.signature}: {exc}", col) from None


@dataclass(frozen=True)
class Expr:
    """A parsed expression; ``evaluate(env)`` gives its value, ``holds(env)`` its truth."""

    text: str
    tree: Node

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        try:
            return _Eval(env).run(self.tree, {})
        except RecursionError:
            raise ExprError("the expression is too deep to evaluate") from None

    def holds(self, env: Mapping[str, Any]) -> bool:
        value = self.evaluate(env)
        if not isinstance(value, bool):
            raise ExprError(f"a checkpoint must be true or false, but this gives {_kind(value)} ({value!r})")
        return value

    def names(self) -> set[str]:
        """The free names the expression reads (not the generator variables it binds)."""
        out: set[str] = set()

        def walk(node: Node, bound: frozenset[str]) -> None:
            if (node.kind == "name" and node.value not in bound) or (
                node.kind == "call" and node.value not in FUNCTIONS
            ):
                out.add(node.value)
            elif node.kind == "gen":
                body, source, cond = node.kids
                walk(source, bound)
                inner = bound | {node.value}
                walk(body, inner)
                walk(cond, inner)
                return
            for kid in node.kids:
                walk(kid, bound)

        walk(self.tree, frozenset())
        return out


def parse(text: str) -> Expr:
    """Parse an expression; raises :class:`ExprError` with the column of the problem."""
    if not isinstance(text, str):
        raise ExprError(f"an expression must be a string, got {_kind(text)}")
    try:
        return Expr(text, _Parser(text).parse())
    except RecursionError:
        raise ExprError("the expression is nested too deeply") from None
